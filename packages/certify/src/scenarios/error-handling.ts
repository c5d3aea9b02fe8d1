import { sameDecimal } from '@croupier/money';
import type { Response, SendOptions } from '../evidence.ts';
import { expectError, expectOk, Platform } from '../platform.ts';
import { check, fail, type Scenario, type ScenarioContext, skip } from '../scenario.ts';
import { expectBalanceDelta, expectNoWrite } from './balance-checks.ts';

/** Turns a session into an expired one through the target's hook, or skips when it offers none. */
export async function expireSession(ctx: ScenarioContext, sessionId: string): Promise<void> {
  const hook = ctx.profile.expireSession;
  if (!hook) skip('the profile names no expire-session hook (expireSession: false)');
  const response = await ctx.http.send({
    method: hook.method,
    path: hook.path.replace('{session_id}', encodeURIComponent(sessionId)),
    body: hook.body ?? {},
    ...(ctx.options.adminHeaders ? { headers: ctx.options.adminHeaders } : {}),
    label: 'expire-session hook',
  });
  if (response.status === 404 || response.status === 405 || response.status === 501) {
    // The hook is not part of the contract: its absence is not a finding, so forget its evidence.
    ctx.http.violations.length = 0;
    skip(
      `the target offers no expire-session hook (${hook.method} ${hook.path} answered ${response.status})`,
    );
  }
  check(response.status < 300, `expire-session hook answered ${response.status}`);
}

function rgScenario(
  id: string,
  pick: (ctx: ScenarioContext) => { id: string; currency: string; stake?: string } | undefined,
  reason: string,
  rule: string,
): Scenario {
  return {
    id,
    category: 'error-handling',
    title: `RG stop: ${reason.replace('_', ' ')}`,
    description: `A bet by the ${reason} test player.`,
    expected: `403 RG_BLOCKED with details.reason ${reason} (at session creation or at authorize), no debit.`,
    covers: ['RG_BLOCKED', rule, ...(reason === 'self_exclusion' ? ['test-players'] : [])],
    async run(ctx) {
      const player = pick(ctx);
      if (!player) skip(`the profile names no ${reason} player (players.${id.split('.').pop()})`);
      const platform = new Platform(ctx);
      const session = await platform.createSession(player);
      if (session.status === 403) {
        expectError(session, 403, 'RG_BLOCKED');
        check(
          session.json.details?.reason === reason,
          `RG reason ${session.json.details?.reason}, expected ${reason}`,
        );
        ctx.note('blocked at session creation');
        return;
      }
      expectOk(session, 'createSession');
      await expectNoWrite(platform, player, async () => {
        const bet = await platform.authorize({
          sessionId: session.json.session_id,
          player,
          amount: player.stake ?? '1.00',
        });
        expectError(bet, 403, 'RG_BLOCKED');
        check(
          bet.json.details?.reason === reason,
          `RG reason ${bet.json.details?.reason}, expected ${reason}`,
        );
      });
    },
  };
}

interface BadInput {
  name: string;
  what: string;
  /** What the refusal exercises beyond "a 4xx in the error schema" (a code, a rule). */
  covers?: string[];
  mutate(body: Record<string, unknown>, send: SendOptions): void;
}

const amountAs =
  (value: unknown): BadInput['mutate'] =>
  (body) => {
    (body.amount as Record<string, unknown>).amount = value;
  };

const BAD_INPUTS: BadInput[] = [
  {
    name: 'missing-idempotency-key',
    covers: ['headers.mandatory'],
    what: 'no X-Idempotency-Key',
    mutate: (_b, s) => s.omitHeaders?.push('x-idempotency-key'),
  },
  {
    name: 'missing-brand-header',
    covers: ['headers.mandatory'],
    what: 'no X-Brand-Id',
    mutate: (_b, s) => s.omitHeaders?.push('x-brand-id'),
  },
  {
    name: 'missing-provider-header',
    covers: ['headers.mandatory'],
    what: 'no X-Provider-Id',
    mutate: (_b, s) => s.omitHeaders?.push('x-provider-id'),
  },
  {
    name: 'missing-region-header',
    covers: ['headers.mandatory'],
    what: 'no X-Region',
    mutate: (_b, s) => s.omitHeaders?.push('x-region'),
  },
  {
    name: 'amount-three-decimals',
    covers: ['money.exact'],
    what: 'amount "2.001" (EUR has 2 decimals)',
    mutate: amountAs('2.001'),
  },
  { name: 'amount-exponent', covers: ['money.exact'], what: 'amount "1e3"', mutate: amountAs('1e3') },
  { name: 'amount-negative', covers: ['money.exact'], what: 'amount "-1"', mutate: amountAs('-1') },
  { name: 'amount-not-a-number', covers: ['money.exact'], what: 'amount "abc"', mutate: amountAs('abc') },
  {
    name: 'amount-json-number',
    covers: ['money.exact'],
    what: 'amount as a JSON number 2.0',
    mutate: amountAs(2.5),
  },
  { name: 'amount-empty', covers: ['money.exact'], what: 'amount ""', mutate: amountAs('') },
  { name: 'amount-null', covers: ['money.exact'], what: 'amount null', mutate: amountAs(null) },
  { name: 'amount-missing', what: 'no amount at all', mutate: (b) => delete b.amount },
  {
    name: 'currency-lowercase',
    what: 'currency "eur"',
    mutate: (b) => {
      (b.amount as Record<string, unknown>).currency = 'eur';
    },
  },
  {
    name: 'bet-id-wrong-type',
    what: 'bet_id as a number',
    mutate: (b) => {
      b.bet_id = 12345;
    },
  },
  {
    name: 'session-id-object',
    what: 'session_id as an object',
    mutate: (b) => {
      b.session_id = { id: 'x' };
    },
  },
  {
    name: 'money-unknown-field',
    what: 'an unknown field inside Money (closed schema)',
    mutate: (b) => {
      (b.amount as Record<string, unknown>).cents = 200;
    },
  },
  {
    name: 'body-array',
    what: 'a JSON array as the body',
    mutate: (_b, s) => {
      s.rawBody = '[]';
    },
  },
  {
    name: 'body-not-json',
    what: 'a body that is not JSON',
    mutate: (_b, s) => {
      s.rawBody = '{"bet_id": ';
    },
  },
  {
    name: 'body-empty',
    what: 'an empty body',
    mutate: (_b, s) => {
      s.rawBody = '';
    },
  },
  {
    name: 'huge-body',
    covers: ['PAYLOAD_TOO_LARGE'],
    what: 'a 2 MiB body',
    mutate: (b) => {
      b.padding = 'x'.repeat(2 * 1024 * 1024);
    },
  },
  {
    name: 'wrong-content-type',
    covers: ['UNSUPPORTED_MEDIA_TYPE'],
    what: 'Content-Type text/plain',
    mutate: (_b, s) => {
      s.headers = { ...s.headers, 'content-type': 'text/plain' };
    },
  },
];

function badInputScenario(bad: BadInput): Scenario {
  return {
    id: `error.bad-input.${bad.name}`,
    category: 'error-handling',
    title: `Bad input: ${bad.what}`,
    description: `An otherwise valid authorize with ${bad.what}.`,
    expected: 'a 4xx in the error schema, never a 5xx, and no write (balance unchanged).',
    covers: ['VALIDATION_FAILED', 'errors.one-schema', ...(bad.covers ?? [])],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const player = platform.main;
      const sessionId = await platform.openSession();
      const body: Record<string, unknown> = {
        session_id: sessionId,
        bet_id: ctx.data.betId(),
        round_id: ctx.data.roundId(),
        amount: { amount: '1.00', currency: player.currency },
      };
      const send: SendOptions = {
        method: 'POST',
        path: '/v1/bets/authorize',
        omitHeaders: [],
        label: bad.name,
      };
      bad.mutate(body, send);
      if (send.rawBody === undefined) send.rawBody = JSON.stringify(body);
      let response: Response | undefined;
      await expectNoWrite(platform, player, async () => {
        response = await ctx.http.send(send);
      });
      const answered = response as Response;
      check(answered.status < 500, `answered ${answered.status} (a 5xx) to ${bad.what}`);
      check(answered.status >= 400, `accepted ${bad.what} with ${answered.status}`);
      check(typeof answered.json?.code === 'string', 'the 4xx is not in the error schema');
    },
  };
}

export const errorHandlingScenarios: Scenario[] = [
  {
    id: 'error.settle-without-authorize',
    category: 'error-handling',
    title: 'Settle without authorize (out of order)',
    description: 'A settle for a bet the platform never saw.',
    expected: '404 BET_NOT_FOUND and no credit.',
    covers: ['BET_NOT_FOUND', 'out-of-order'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      await expectNoWrite(platform, platform.main, async () => {
        const response = await platform.settle({
          betId: ctx.data.betId(),
          roundId: ctx.data.roundId(),
          win: '5.00',
          currency: platform.main.currency,
        });
        expectError(response, 404, 'BET_NOT_FOUND');
      });
    },
  },
  {
    id: 'error.double-settle',
    category: 'error-handling',
    title: 'Double settle under a new key',
    description: 'A second final settle of a settled bet, with a fresh idempotency key.',
    expected: '409 ALREADY_SETTLED (or DUPLICATE) and the win credited once.',
    covers: ['ALREADY_SETTLED'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      const { betId, roundId } = await platform.playRound(sessionId, '1.00', '2.00');
      await expectNoWrite(platform, platform.main, async () => {
        const again = await platform.settle({ betId, roundId, win: '2.00', currency });
        expectError(again, 409, ['ALREADY_SETTLED', 'DUPLICATE']);
      });
    },
  },
  {
    id: 'error.rollback-after-settle',
    category: 'error-handling',
    title: 'Rollback after settlement',
    description: 'A rollback of a bet that was already settled.',
    expected: '409 ALREADY_SETTLED; nothing moves.',
    covers: ['ALREADY_SETTLED'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const { betId, roundId } = await platform.playRound(sessionId, '1.00', '1.50');
      await expectNoWrite(platform, platform.main, async () => {
        expectError(await platform.rollback({ betId, roundId }), 409, 'ALREADY_SETTLED');
      });
    },
  },
  rgScenario(
    'error.rg-self-exclusion',
    (ctx) => ctx.profile.players.blockedRg,
    'self_exclusion',
    'rg.self-exclusion',
  ),
  rgScenario('error.rg-loss-limit', (ctx) => ctx.profile.players.lossLimit, 'loss_limit', 'rg.loss-limit'),
  rgScenario('error.rg-time-limit', (ctx) => ctx.profile.players.timeLimit, 'time_limit', 'rg.time-limit'),
  {
    id: 'error.bonus-max-bet',
    category: 'error-handling',
    title: 'Bonus money: max bet enforced',
    description: 'A stake above the bonus max bet by the bonus test player.',
    expected: '422 MAX_BET_EXCEEDED and no debit.',
    covers: ['MAX_BET_EXCEEDED', 'bonus.max-bet'],
    async run(ctx) {
      const player = ctx.profile.players.bonus;
      if (!player) skip('the profile names no bonus player (players.bonus with overMaxBet)');
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession(player);
      const bet = await platform.authorize({
        sessionId,
        player,
        amount: player.overMaxBet,
        extra: { game_type: 'slots' },
      });
      expectError(bet, 422, 'MAX_BET_EXCEEDED');
    },
  },
  {
    id: 'error.currency-mismatch',
    category: 'error-handling',
    title: 'Bet in another currency than the session',
    description: "An authorize in the second player's currency on a session of the main currency.",
    expected: '422 CURRENCY_MISMATCH and no debit.',
    covers: ['CURRENCY_MISMATCH', 'currency.match'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const other =
        ctx.profile.players.second.currency === platform.main.currency
          ? 'XTS'
          : ctx.profile.players.second.currency;
      const sessionId = await platform.openSession();
      await expectNoWrite(platform, platform.main, async () => {
        expectError(
          await platform.authorize({ sessionId, currency: other, amount: '1.00' }),
          422,
          'CURRENCY_MISMATCH',
        );
      });
    },
  },
  {
    id: 'error.settle-currency-mismatch',
    category: 'error-handling',
    title: 'Win in another currency than the bet',
    description: 'A settle whose win currency differs from the bet.',
    expected: '422 CURRENCY_MISMATCH and no credit.',
    covers: ['CURRENCY_MISMATCH', 'currency.match'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const other =
        ctx.profile.players.second.currency === platform.main.currency
          ? 'XTS'
          : ctx.profile.players.second.currency;
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.50' });
      expectOk(bet, 'authorize');
      await expectNoWrite(platform, platform.main, async () => {
        const settled = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '0.50',
          currency: other,
        });
        expectError(settled, 422, 'CURRENCY_MISMATCH');
      });
      await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
    },
  },
  {
    id: 'error.insufficient-funds',
    category: 'error-handling',
    title: 'Insufficient funds, answered with the balance',
    description: 'The low-balance test player stakes more than they hold (2.00 by default).',
    expected: '402 INSUFFICIENT_FUNDS with details.balance equal to the real balance; no debit.',
    covers: ['INSUFFICIENT_FUNDS', 'funds.insufficient', 'test-players'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const player = ctx.profile.players.lowBalance;
      const sessionId = await platform.openSession(player);
      const before = await platform.balance(player);
      const bet = await expectNoWrite(platform, player, () =>
        platform.authorize({ sessionId, player, amount: player.stake ?? '2.00' }),
      );
      expectError(bet, 402, 'INSUFFICIENT_FUNDS');
      const reported = bet.json.details?.balance;
      check(reported && typeof reported.amount === 'string', 'details.balance (Money) missing');
      check(reported.currency === player.currency, `details.balance currency ${reported.currency}`);
      check(
        sameDecimal(reported.amount, before.cash),
        `details.balance ${reported.amount}, real cash ${before.cash}`,
      );
    },
  },
  {
    id: 'error.expired-session',
    category: 'error-handling',
    title: 'Bet on an expired session',
    description: "A session expired through the target's hook, then an authorize on it.",
    expected: '410 SESSION_EXPIRED and no debit.',
    covers: ['SESSION_EXPIRED', 'session.expiry'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expireSession(ctx, sessionId);
      await expectNoWrite(platform, platform.main, async () => {
        expectError(await platform.authorize({ sessionId, amount: '1.00' }), 410, 'SESSION_EXPIRED');
      });
    },
  },
  {
    id: 'error.ended-session',
    category: 'error-handling',
    title: 'Bet on an ended session',
    description: 'endSession, then an authorize on it.',
    expected: '410 SESSION_ENDED and no debit.',
    covers: ['SESSION_ENDED', 'session.end'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      expectOk(await ctx.http.post(`/v1/sessions/${sessionId}/end`, undefined), 'endSession');
      await expectNoWrite(platform, platform.main, async () => {
        expectError(await platform.authorize({ sessionId, amount: '1.00' }), 410, 'SESSION_ENDED');
      });
    },
  },
  {
    id: 'error.unknown-session',
    category: 'error-handling',
    title: 'Bet on a session that never existed',
    description: 'An authorize naming an unknown session_id.',
    expected: '404 SESSION_NOT_FOUND.',
    covers: ['SESSION_NOT_FOUND'],
    async run(ctx) {
      const platform = new Platform(ctx);
      expectError(
        await platform.authorize({ sessionId: ctx.data.id('s_none'), amount: '1.00' }),
        404,
        'SESSION_NOT_FOUND',
      );
    },
  },
  {
    id: 'error.unknown-player',
    category: 'error-handling',
    title: 'Balance and session of an unknown player',
    description: 'GET balance and createSession for a player that does not exist.',
    expected: '404 PLAYER_NOT_FOUND both times.',
    covers: ['PLAYER_NOT_FOUND'],
    async run(ctx) {
      const ghost = { id: ctx.data.id('p_ghost'), currency: ctx.profile.players.main.currency };
      expectError(await ctx.http.get(`/v1/players/${ghost.id}/balance`), 404, 'PLAYER_NOT_FOUND');
      expectError(await new Platform(ctx).createSession(ghost), 404, 'PLAYER_NOT_FOUND');
    },
  },
  {
    id: 'error.rollback-after-timeout',
    category: 'error-handling',
    title: 'Rollback chain after a network failure mid-request',
    description:
      'An authorize whose answer is lost (the client gives up after 1 ms), then the provider rolls the bet back and retries the rollback.',
    expected:
      'rollbacks succeed identically; the balance ends where it started whether or not the authorize landed.',
    covers: ['BET_ROLLED_BACK', 'rollback-chains'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        try {
          await platform.authorize({ sessionId, betId, roundId, amount: '1.00', send: { abortAfterMs: 1 } });
          ctx.note('the authorize answered within 1 ms');
        } catch {
          ctx.note('the authorize answer was lost, as intended');
        }
        const key = ctx.data.key('rb');
        const first = await platform.rollback({ betId, roundId, key });
        expectOk(first, 'rollback');
        const retry = await platform.rollback({ betId, roundId, key });
        expectOk(retry, 'rollback retried');
        // A late authorize (still in flight, or a provider retry) must not resurrect the bet.
        const late = await platform.authorize({ sessionId, betId, roundId, amount: '1.00' });
        if (late.status === 200)
          fail('an authorize after its rollback was accepted: the stake is taken again');
        expectError(late, 409, ['BET_ROLLED_BACK', 'DUPLICATE']);
      });
    },
  },
  ...BAD_INPUTS.map(badInputScenario),
];
