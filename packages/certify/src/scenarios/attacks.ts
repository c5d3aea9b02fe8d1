import type { Response } from '../evidence.ts';
import { expectOk, Platform } from '../platform.ts';
import { check, fail, type Scenario, type ScenarioContext } from '../scenario.ts';
import { expectBalanceDelta, expectNoWrite } from './balance-checks.ts';

function never5xx(response: Response, what: string): void {
  check(response.status < 500, `${what} answered ${response.status}: a 5xx`);
}

/**
 * An odd id is either refused with a 4xx or accepted and then behaves like any other id (the round settles);
 * it never breaks the target.
 */
async function oddBetId(ctx: ScenarioContext, betId: string, what: string): Promise<void> {
  const platform = new Platform(ctx);
  const sessionId = await platform.openSession();
  await expectBalanceDelta(platform, platform.main, '0', async () => {
    const bet = await platform.authorize({ sessionId, betId, amount: '0.10' });
    never5xx(bet, what);
    if (bet.status === 200) {
      const settled = await platform.settle({
        betId,
        roundId: bet.roundId,
        win: '0.10',
        currency: platform.main.currency,
      });
      expectOk(settled, `settle of ${what}`);
      ctx.note(`${what} accepted and settled`);
    } else {
      check(
        bet.status >= 400 && typeof bet.json?.code === 'string',
        `${what}: ${bet.status} outside the error schema`,
      );
      ctx.note(`${what} refused with ${bet.status} ${bet.json?.code}`);
    }
  });
}

const INJECTIONS = [
  "b' OR '1'='1",
  "b'; DROP TABLE bets;--",
  'b" || 1==1 //',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell probe is this literal string on purpose
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  '{{7*7}}',
];

export const attackScenarios: Scenario[] = [
  {
    id: 'attack.sql-injection-ids',
    category: 'attacks',
    title: 'Injection strings as ids',
    description: `Bets whose bet_id is an injection string: ${INJECTIONS.join(' · ')}.`,
    expected: 'each is refused with a 4xx or settles like any id; never a 5xx, balance exact.',
    covers: ['errors.one-schema'],
    exclusive: true,
    async run(ctx) {
      for (const injection of INJECTIONS)
        await oddBetId(ctx, `${injection}_${ctx.data.id('x')}`, `bet_id ${injection}`);
    },
  },
  {
    id: 'attack.injection-in-path',
    category: 'attacks',
    title: 'Injection and traversal in path parameters',
    description: "GET balance for player ids like ../../etc/passwd and ' OR 1=1.",
    expected: '4xx (404 PLAYER_NOT_FOUND or 400), never 5xx, never another player.',
    covers: ['PLAYER_NOT_FOUND'],
    async run(ctx) {
      for (const id of ['..%2F..%2Fetc%2Fpasswd', "p' OR '1'='1", '%00', 'p_demo_1%27--', '*']) {
        const response = await ctx.http.get(`/v1/players/${id}/balance`);
        never5xx(response, `player id ${id}`);
        check(
          response.status >= 400,
          `player id ${id} answered ${response.status} with ${response.text.slice(0, 120)}`,
        );
      }
    },
  },
  {
    id: 'attack.operator-injection',
    category: 'attacks',
    title: 'Query operators instead of ids',
    description: 'session_id {"$ne": null} and bet_id {"$gt": ""}.',
    expected: '400 VALIDATION_FAILED; no write.',
    covers: ['VALIDATION_FAILED'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      await expectNoWrite(platform, platform.main, async () => {
        const response = await ctx.http.post('/v1/bets/authorize', {
          session_id: { $ne: null },
          bet_id: { $gt: '' },
          round_id: ctx.data.roundId(),
          amount: { amount: '1.00', currency: platform.main.currency },
        });
        check(response.status === 400, `operator injection answered ${response.status}`);
      });
    },
  },
  {
    id: 'attack.very-long-ids',
    category: 'attacks',
    title: 'Very long ids',
    description: 'bet_id of 129 characters (over the 128 limit) and of 100 000 characters.',
    expected: '4xx each (400 or 413), never 5xx, no write.',
    covers: ['VALIDATION_FAILED'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectNoWrite(platform, platform.main, async () => {
        for (const length of [129, 100_000]) {
          const bet = await platform.authorize({ sessionId, betId: 'b'.repeat(length), amount: '0.10' });
          never5xx(bet, `a ${length}-character bet_id`);
          check(bet.status >= 400, `a ${length}-character bet_id was accepted`);
        }
      });
    },
  },
  {
    id: 'attack.unicode-ids',
    category: 'attacks',
    title: 'Unicode ids',
    description: 'bet_ids with accents, CJK, emoji, right-to-left marks and a zero-width joiner.',
    expected: 'each is refused with a 4xx or round-trips exactly; never 5xx; balance exact.',
    exclusive: true,
    async run(ctx) {
      for (const id of ['b_üñïçødé', 'b_投注_一', 'b_🎰🎲', 'b_\u202Eevil', 'b_a\u200Db']) {
        await oddBetId(ctx, `${id}_${ctx.data.id('u')}`, `bet_id ${JSON.stringify(id)}`);
      }
    },
  },
  {
    id: 'attack.control-characters',
    category: 'attacks',
    title: 'Control characters in ids',
    description: 'bet_id with NUL, newline and escape characters.',
    expected: 'refused with a 4xx or handled like any id; never 5xx.',
    exclusive: true,
    async run(ctx) {
      for (const id of ['b_\u0000nul', 'b_line\nfeed', 'b_\u001b[31m']) {
        await oddBetId(ctx, `${id}_${ctx.data.id('c')}`, `bet_id ${JSON.stringify(id)}`);
      }
    },
  },
  {
    id: 'attack.cross-brand-balance',
    category: 'attacks',
    title: "Another brand reads a player's balance",
    description: "GET the main player's balance with another brand's X-Brand-Id.",
    expected: '403 or 404; never the balance.',
    covers: ['FORBIDDEN_TENANT', 'tenancy.per-brand'],
    async run(ctx) {
      const response = await ctx.http.get(`/v1/players/${ctx.profile.players.main.id}/balance`, {
        headers: { 'x-brand-id': ctx.profile.otherBrand },
      });
      if (response.status === 200)
        fail(
          `brand ${ctx.profile.otherBrand} read ${ctx.profile.players.main.id}'s balance: ${response.text}`,
        );
      check([403, 404].includes(response.status), `answered ${response.status}`);
    },
  },
  {
    id: 'attack.cross-brand-session',
    category: 'attacks',
    title: 'Another brand reads a session',
    description: 'A session opened for the main brand, read with another X-Brand-Id.',
    expected: '403 or 404; never the session.',
    covers: ['FORBIDDEN_TENANT', 'tenancy.per-brand'],
    async run(ctx) {
      const sessionId = await new Platform(ctx).openSession();
      const response = await ctx.http.get(`/v1/sessions/${sessionId}`, {
        headers: { 'x-brand-id': ctx.profile.otherBrand },
      });
      if (response.status === 200) fail(`brand ${ctx.profile.otherBrand} read session ${sessionId}`);
      check([403, 404].includes(response.status), `answered ${response.status}`);
    },
  },
  {
    id: 'attack.cross-brand-settle',
    category: 'attacks',
    title: 'Another brand settles a bet',
    description: "A bet authorized for the main brand, settled with another brand's headers.",
    expected: '403 or 404; no credit.',
    covers: ['FORBIDDEN_TENANT', 'tenancy.per-brand'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.10' });
      expectOk(bet, 'authorize');
      await expectNoWrite(platform, platform.main, async () => {
        const response = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '50.00',
          currency: platform.main.currency,
          send: { headers: { 'x-brand-id': ctx.profile.otherBrand } },
        });
        check([403, 404].includes(response.status), `a foreign brand's settle answered ${response.status}`);
      });
      await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
    },
  },
  {
    id: 'attack.negative-win',
    category: 'attacks',
    title: 'A negative win',
    description: 'A settle with win "-5.00" (a debit disguised as a win).',
    expected: '400; nothing moves.',
    covers: ['VALIDATION_FAILED', 'money.exact'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.10' });
      expectOk(bet, 'authorize');
      await expectNoWrite(platform, platform.main, async () => {
        const response = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '-5.00',
          currency: platform.main.currency,
        });
        check(response.status === 400, `a negative win answered ${response.status}`);
      });
      await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
    },
  },
  {
    id: 'attack.bad-idempotency-keys',
    category: 'attacks',
    title: 'Malformed idempotency keys',
    description: 'Keys with a space and of 256 characters.',
    expected: '400 each; no write.',
    covers: ['VALIDATION_FAILED', 'headers.mandatory'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectNoWrite(platform, platform.main, async () => {
        for (const key of ['has space', 'k'.repeat(256)]) {
          const bet = await platform.authorize({ sessionId, key, amount: '0.10' });
          check(bet.status === 400, `key ${JSON.stringify(key.slice(0, 20))} answered ${bet.status}`);
        }
      });
    },
  },
  {
    id: 'attack.prototype-pollution',
    category: 'attacks',
    title: 'Prototype pollution keys',
    description: 'Bodies carrying __proto__ and constructor.prototype.',
    expected: 'a 2xx or 4xx, never 5xx; a later ordinary request is unaffected.',
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const raw = `{"session_id":"${sessionId}","bet_id":"${ctx.data.betId()}","round_id":"${ctx.data.roundId()}","amount":{"amount":"0.10","currency":"${platform.main.currency}"},"__proto__":{"isAdmin":true,"status":"rolled_back"},"constructor":{"prototype":{"polluted":true}}}`;
      const response = await ctx.http.send({ method: 'POST', path: '/v1/bets/authorize', rawBody: raw });
      never5xx(response, 'a __proto__ body');
      if (response.status === 200) {
        await platform.rollback({ betId: JSON.parse(raw).bet_id, roundId: JSON.parse(raw).round_id });
      }
      const health = await ctx.http.get('/health');
      check(health.status === 200, 'health broke after the pollution attempt');
    },
  },
  {
    id: 'attack.deep-nesting',
    category: 'attacks',
    title: 'Deeply nested JSON',
    description: 'A body nested 5 000 levels deep.',
    expected: 'a 4xx, never 5xx.',
    async run(ctx) {
      const depth = 5000;
      const raw = `{"session_id":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const response = await ctx.http.send({ method: 'POST', path: '/v1/bets/authorize', rawBody: raw });
      never5xx(response, 'a deeply nested body');
      check(response.status >= 400, `a deeply nested body answered ${response.status}`);
    },
  },
  {
    id: 'attack.oversized-trace-id',
    category: 'attacks',
    title: 'Oversized trace id header',
    description: 'X-Trace-Id of 8 000 characters.',
    expected: 'refused with a 4xx or replaced by a minted trace id; never 5xx.',
    covers: ['headers.trace-id'],
    async run(ctx) {
      const response = await ctx.http.get('/health', { traceId: 't'.repeat(8000) });
      never5xx(response, 'an 8 000-character trace id');
    },
  },
];
