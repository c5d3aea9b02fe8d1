import { addDecimals, decimalUnits, sameDecimal } from '@croupier/money';
import { expectOk, Platform } from '../platform.ts';
import { check, type Scenario } from '../scenario.ts';
import { expectBalanceDelta } from './balance-checks.ts';

export const concurrencyScenarios: Scenario[] = [
  {
    id: 'concurrency.parallel-rounds-one-wallet',
    category: 'concurrency',
    title: 'Twenty rounds at once on one wallet',
    description: 'Twenty parallel rounds (stake 0.50, win 0.75) for the same player.',
    expected: 'all succeed and cash ends exactly 5.00 higher: no lost update.',
    covers: ['concurrency.no-lost-update'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '5.00', () =>
        Promise.all(Array.from({ length: 20 }, () => platform.playRound(sessionId, '0.50', '0.75'))),
      );
    },
  },
  {
    id: 'concurrency.duplicate-authorize-storm',
    category: 'concurrency',
    title: 'Ten copies of one authorize at once',
    description: 'The same authorize (same key and body) sent ten times in parallel.',
    expected: 'one debit; every answer that succeeds is identical (a racing copy may get 409).',
    covers: ['idempotency.same-answer', 'concurrency.no-lost-update'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      const key = ctx.data.key('bet');
      const answers = await expectBalanceDelta(platform, platform.main, '-1.00', () =>
        Promise.all(
          Array.from({ length: 10 }, () =>
            platform.authorize({ sessionId, betId, roundId, key, amount: '1.00' }),
          ),
        ),
      );
      const ok = answers.filter((a) => a.status === 200);
      check(ok.length >= 1, 'no copy succeeded');
      check(
        answers.every((a) => a.status === 200 || a.status === 409),
        `statuses ${answers.map((a) => a.status)}`,
      );
      await platform.rollback({ betId, roundId });
    },
  },
  {
    id: 'concurrency.same-bet-different-keys',
    category: 'concurrency',
    title: 'One bet authorized under ten keys at once',
    description: 'Ten parallel authorizes of one bet_id, each with its own key.',
    expected: 'exactly one 200, the others 409; one debit.',
    covers: ['DUPLICATE', 'concurrency.no-lost-update'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      const answers = await expectBalanceDelta(platform, platform.main, '-1.00', () =>
        Promise.all(
          Array.from({ length: 10 }, () => platform.authorize({ sessionId, betId, roundId, amount: '1.00' })),
        ),
      );
      const ok = answers.filter((a) => a.status === 200).length;
      check(ok === 1, `${ok} authorizes of one bet succeeded`);
      await platform.rollback({ betId, roundId });
    },
  },
  {
    id: 'concurrency.duplicates-mixed-with-wins',
    category: 'concurrency',
    title: 'Duplicate settles mixed with other wins',
    description:
      'Five copies of one settle (same key) interleaved with five settles of other bets, all at once.',
    expected: 'each bet credited exactly once: cash moves by exactly 6 × 0.40 - 6 × 0.10.',
    covers: ['idempotency.same-answer', 'concurrency.no-lost-update'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      const bets = [];
      for (let i = 0; i < 6; i++) {
        const bet = await platform.authorize({ sessionId, amount: '0.10' });
        expectOk(bet, 'authorize');
        bets.push(bet);
      }
      const [dup, ...others] = bets;
      if (!dup) return;
      const key = ctx.data.key('settle');
      await expectBalanceDelta(platform, platform.main, '2.40', async () => {
        const calls = [
          ...Array.from({ length: 5 }, () =>
            platform.settle({ betId: dup.betId, roundId: dup.roundId, win: '0.40', currency, key }),
          ),
          ...others.map((bet) =>
            platform.settle({ betId: bet.betId, roundId: bet.roundId, win: '0.40', currency }),
          ),
        ];
        const answers = await Promise.all(calls);
        check(
          answers.every((a) => a.status === 200 || a.status === 409),
          `statuses ${answers.map((a) => a.status)}`,
        );
      });
    },
  },
  {
    id: 'concurrency.settle-rollback-race',
    category: 'concurrency',
    title: 'Settle and rollback of one bet race',
    description: 'A settle (win 2.00) and a rollback of the same bet sent at the same moment.',
    expected: 'exactly one wins; cash matches the winner (+2.00 after the stake, or the stake back).',
    covers: ['concurrency.no-lost-update'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const before = await platform.balance();
      const bet = await platform.authorize({ sessionId, amount: '1.00' });
      expectOk(bet, 'authorize');
      const [settled, rolled] = await Promise.all([
        platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '2.00',
          currency: platform.main.currency,
        }),
        platform.rollback({ betId: bet.betId, roundId: bet.roundId }),
      ]);
      const winners = [settled.status, rolled.status].filter((s) => s === 200).length;
      check(
        winners === 1,
        `settle ${settled.status}, rollback ${rolled.status}: expected exactly one success`,
      );
      const after = await platform.balance();
      const expected = settled.status === 200 ? addDecimals(before.cash, '1.00') : before.cash;
      check(sameDecimal(after.cash, expected), `cash ${before.cash} → ${after.cash}, expected ${expected}`);
    },
  },
  {
    id: 'concurrency.overdraft-race',
    category: 'concurrency',
    title: 'Parallel stakes never overdraw',
    description: 'The low-balance player sends ten parallel stakes of 0.50.',
    expected: 'at most floor(balance / 0.50) succeed, the rest 402; cash never goes negative.',
    covers: ['INSUFFICIENT_FUNDS', 'funds.insufficient', 'concurrency.no-lost-update'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const player = ctx.profile.players.lowBalance;
      const sessionId = await platform.openSession(player);
      const before = await platform.balance(player);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => platform.authorize({ sessionId, player, amount: '0.50' })),
      );
      const ok = answers.filter((a) => a.status === 200);
      const allowed = decimalUnits(before.cash) / decimalUnits('0.50');
      check(
        BigInt(ok.length) <= allowed,
        `${ok.length} stakes of 0.50 succeeded on a balance of ${before.cash}`,
      );
      check(
        answers.every((a) => a.status === 200 || a.status === 402),
        `statuses ${answers.map((a) => a.status)}`,
      );
      const during = await platform.balance(player);
      check(decimalUnits(during.cash) >= 0n, `cash went negative: ${during.cash}`);
      for (const bet of ok) await platform.rollback({ betId: bet.betId, roundId: bet.roundId, player });
      const after = await platform.balance(player);
      check(
        sameDecimal(after.cash, before.cash),
        `after rollbacks cash ${after.cash}, expected ${before.cash}`,
      );
    },
  },
];
