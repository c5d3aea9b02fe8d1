import { isDecimal, subtractDecimals } from '@croupier/money';
import { expectOk, Platform } from '../platform.ts';
import { check, type Scenario } from '../scenario.ts';
import { expectBalanceDelta } from './balance-checks.ts';

export const happyPathScenarios: Scenario[] = [
  {
    id: 'happy.health',
    category: 'happy-path',
    title: 'Health answers before any credentials',
    description: 'GET /health without brand headers.',
    expected: '200 with status ok|degraded, a version and a time.',
    covers: ['health'],
    async run(ctx) {
      const response = await ctx.http.get('/health', {
        omitHeaders: ['x-brand-id', 'x-provider-id', 'x-region'],
        unsigned: true,
      });
      check(response.status === 200, `health answered ${response.status}`);
      check(['ok', 'degraded'].includes(response.json?.status), `health status ${response.json?.status}`);
      ctx.note(`version ${response.json?.version}`);
    },
  },
  {
    id: 'happy.session-lifecycle',
    category: 'happy-path',
    title: 'A session opens, reads back and ends',
    description: 'createSession, getSession, endSession, getSession.',
    expected: '201 then the session as created (active), then status ended with ended_at.',
    covers: ['session.create', 'session.end', 'test-players'],
    async run(ctx) {
      const platform = new Platform(ctx);
      const player = ctx.profile.players.main;
      const sessionId = await platform.openSession(player);
      const read = await ctx.http.get(`/v1/sessions/${sessionId}`);
      check(read.status === 200, `getSession answered ${read.status}`);
      check(
        read.json.player_id === player.id && read.json.currency === player.currency,
        'session fields differ',
      );
      check(read.json.status === 'active', `new session status ${read.json.status}`);
      const ended = await ctx.http.post(`/v1/sessions/${sessionId}/end`, undefined);
      expectOk(ended, 'endSession');
      check(ended.json.status === 'ended', `ended session status ${ended.json.status}`);
      const after = await ctx.http.get(`/v1/sessions/${sessionId}`);
      check(
        after.json?.status === 'ended' && typeof after.json?.ended_at === 'string',
        'ended session not ended',
      );
    },
  },
  {
    id: 'happy.balance-read',
    category: 'happy-path',
    title: 'Balances are decimal strings per currency',
    description: "GET the main player's balance.",
    expected: "200 with the player's currency, cash and bonus as decimal strings.",
    covers: ['money.exact', 'test-players'],
    async run(ctx) {
      const balance = await new Platform(ctx).balance();
      check(isDecimal(balance.cash) && isDecimal(balance.bonus), 'balance is not decimal strings');
    },
  },
  {
    id: 'happy.winning-round',
    category: 'happy-path',
    title: 'Authorize then settle a win',
    description: 'A 1.00 stake wins 2.50.',
    expected: 'authorized, credited; cash moves by exactly +1.50.',
    covers: ['bet.authorize-hold', 'bet.settle'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '1.50', () =>
        platform.playRound(sessionId, '1.00', '2.50'),
      );
    },
  },
  {
    id: 'happy.losing-round',
    category: 'happy-path',
    title: 'Authorize then settle a loss',
    description: 'A 0.10 stake loses (win 0.00).',
    expected: 'cash moves by exactly -0.10.',
    covers: ['bet.settle'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '-0.10', () =>
        platform.playRound(sessionId, '0.10', '0.00'),
      );
    },
  },
  {
    id: 'happy.hold-debits-at-authorize',
    category: 'happy-path',
    title: 'The stake leaves the balance at authorize',
    description: 'Authorize 1.00 and read the balance before settling.',
    expected: 'cash is 1.00 lower while the hold is open; the authorize answer matches the contract.',
    covers: ['bet.authorize-hold'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await expectBalanceDelta(platform, platform.main, '-1.00', () =>
        platform.authorize({ sessionId, amount: '1.00' }),
      );
      check(bet.json.status === 'authorized' && typeof bet.json.hold_id === 'string', 'no hold_id');
      await platform.settle({
        betId: bet.betId,
        roundId: bet.roundId,
        win: '1.00',
        currency: platform.main.currency,
      });
    },
  },
  {
    id: 'happy.rollback-round',
    category: 'happy-path',
    title: 'A rolled-back bet returns the stake',
    description: 'Authorize 1.00 then roll it back.',
    expected: 'rolled_back; cash ends where it started.',
    covers: ['bet.rollback'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        const bet = await platform.authorize({ sessionId, amount: '1.00' });
        expectOk(bet, 'authorize');
        const rolled = await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
        expectOk(rolled, 'rollback');
        check(rolled.json.status === 'rolled_back', `rollback status ${rolled.json.status}`);
      });
    },
  },
  {
    id: 'happy.partial-settlement',
    category: 'happy-path',
    title: 'Partial settlement: parts then a final part',
    description: 'Stake 1.00; settle 0.40 (final:false), 0.60 (final:false), 0.50 (final:true).',
    expected:
      'each part credited once: cash moves by -1.00 + 1.50 = +0.50; a settle after the final part is refused.',
    covers: ['ALREADY_SETTLED', 'chaos.partial-settlement'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '0.50', async () => {
        const bet = await platform.authorize({ sessionId, amount: '1.00' });
        expectOk(bet, 'authorize');
        for (const [win, final] of [
          ['0.40', false],
          ['0.60', false],
          ['0.50', true],
        ] as const) {
          const part = await platform.settle({
            betId: bet.betId,
            roundId: bet.roundId,
            win,
            currency,
            extra: { final },
          });
          expectOk(part, `settle part ${win} final=${final}`);
        }
        const late = await platform.settle({ betId: bet.betId, roundId: bet.roundId, win: '0.10', currency });
        check(late.status === 409, `a settle after the final part answered ${late.status}`);
      });
    },
  },
  {
    id: 'happy.second-currency',
    category: 'happy-path',
    title: 'A round in the second test currency',
    description: "The second test player's currency (USD by default).",
    expected: 'authorized and credited in that currency; cash moves by exactly +0.25.',
    covers: ['currency.per-player', 'test-players'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const player = ctx.profile.players.second;
      const sessionId = await platform.openSession(player);
      await expectBalanceDelta(platform, player, '0.25', () =>
        platform.playRound(sessionId, '0.50', '0.75', player),
      );
    },
  },
  {
    id: 'happy.balance-in-answers',
    category: 'happy-path',
    title: 'Balances in answers agree with the balance endpoint',
    description: 'When authorize/settle answers carry the optional balance, it must equal GET balance.',
    expected: 'every balance in an answer equals the balance read right after it.',
    covers: ['bet.authorize-hold'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.20' });
      expectOk(bet, 'authorize');
      const afterBet = await platform.balance();
      if (bet.json.balance) {
        check(
          bet.json.balance.cash === afterBet.cash ||
            subtractDecimals(bet.json.balance.cash, afterBet.cash) === '0.00',
          `authorize said cash ${bet.json.balance.cash}, balance says ${afterBet.cash}`,
        );
      } else ctx.note('authorize answer carries no balance (optional)');
      const settled = await platform.settle({
        betId: bet.betId,
        roundId: bet.roundId,
        win: '0.20',
        currency: platform.main.currency,
      });
      expectOk(settled, 'settle');
      const afterSettle = await platform.balance();
      if (settled.json.balance) {
        check(
          subtractDecimals(settled.json.balance.cash, afterSettle.cash) === '0.00',
          `settle said cash ${settled.json.balance.cash}, balance says ${afterSettle.cash}`,
        );
      }
    },
  },
];
