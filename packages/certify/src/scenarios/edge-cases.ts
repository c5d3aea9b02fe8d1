import { addDecimals, sameDecimal } from '@croupier/money';
import { expectError, expectOk, Platform } from '../platform.ts';
import { check, type Scenario } from '../scenario.ts';
import { expectBalanceDelta } from './balance-checks.ts';
import { expireSession } from './error-handling.ts';

export const edgeCaseScenarios: Scenario[] = [
  {
    id: 'edge.zero-bet',
    category: 'edge-cases',
    title: 'A zero stake',
    description: 'Authorize 0.00 (a free round), then settle 0.40.',
    expected: 'either refused with a 4xx, or accepted and settled: cash moves by exactly +0.40. Never a 5xx.',
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const before = await platform.balance();
      const bet = await platform.authorize({ sessionId, amount: '0.00' });
      check(bet.status < 500, `a zero stake answered ${bet.status}`);
      if (bet.status !== 200) {
        check(bet.status >= 400 && typeof bet.json?.code === 'string', 'refusal outside the error schema');
        ctx.note(`zero stakes refused with ${bet.json.code}`);
        return;
      }
      expectOk(
        await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '0.40',
          currency: platform.main.currency,
        }),
        'settle',
      );
      const after = await platform.balance();
      check(
        sameDecimal(after.cash, addDecimals(before.cash, '0.40')),
        `cash ${before.cash} → ${after.cash}, expected +0.40`,
      );
    },
  },
  {
    id: 'edge.zero-win',
    category: 'edge-cases',
    title: 'A zero win',
    description: 'Stake 0.30, settle 0.00.',
    expected: 'credited (status credited) with nothing added: cash moves by exactly -0.30.',
    covers: ['bet.settle'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '-0.30', () =>
        platform.playRound(sessionId, '0.30', '0.00'),
      );
    },
  },
  ...(['promo', 'jackpot'] as const).map(
    (winType): Scenario => ({
      id: `edge.${winType}-win-without-bet`,
      category: 'edge-cases',
      title: `A ${winType} win with no bet`,
      description: `A settle with win_type ${winType}, player_id and session_id, for a bet id never authorized.`,
      expected: 'credited: cash moves by exactly the win; a retry with the same key changes nothing.',
      covers: ['promo-and-jackpot', 'idempotency.same-answer'],
      exclusive: true,
      async run(ctx) {
        const platform = new Platform(ctx);
        const sessionId = await platform.openSession();
        const betId = ctx.data.id(`b_${winType}`);
        const roundId = ctx.data.roundId();
        const key = ctx.data.key('settle');
        const extra = { win_type: winType, player_id: platform.main.id, session_id: sessionId };
        await expectBalanceDelta(platform, platform.main, '0.75', async () => {
          const first = await platform.settle({
            betId,
            roundId,
            win: '0.75',
            currency: platform.main.currency,
            key,
            extra,
          });
          expectOk(first, `${winType} win`);
          const retry = await platform.settle({
            betId,
            roundId,
            win: '0.75',
            currency: platform.main.currency,
            key,
            extra,
          });
          expectOk(retry, `${winType} win retried`);
        });
      },
    }),
  ),
  {
    id: 'edge.same-bet-id-two-players',
    category: 'edge-cases',
    title: 'The same bet id used by two players',
    description:
      'The main player authorizes a bet id; the second player authorizes the same id; the first bet is settled.',
    expected:
      "the second is refused (409) or kept apart; the win reaches only the first player; the second player's money moves only by their own stake.",
    covers: ['DUPLICATE'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const first = platform.main;
      const second = ctx.profile.players.second;
      const s1 = await platform.openSession(first);
      const s2 = await platform.openSession(second);
      const betId = ctx.data.betId();
      const b1 = await platform.authorize({ sessionId: s1, betId, amount: '0.50' });
      expectOk(b1, 'authorize by the first player');
      const secondBefore = await platform.balance(second);
      const b2 = await platform.authorize({ sessionId: s2, betId, player: second, amount: '0.50' });
      check(b2.status < 500, `the second use answered ${b2.status}`);
      ctx.note(b2.status === 200 ? 'bet ids are scoped per player' : `second use refused: ${b2.json?.code}`);
      await expectBalanceDelta(platform, first, '2.00', async () => {
        expectOk(
          await platform.settle({
            betId,
            roundId: b1.roundId,
            win: '2.00',
            currency: first.currency,
            extra: { player_id: first.id },
          }),
          'settle of the first bet',
        );
      });
      const secondAfter = await platform.balance(second);
      const expected =
        b2.status === 200 ? addDecimals(secondBefore.cash, '-0.50') : addDecimals(secondBefore.cash, '0');
      check(
        sameDecimal(secondAfter.cash, expected),
        `second player's cash ${secondBefore.cash} → ${secondAfter.cash}, expected ${expected}`,
      );
      if (b2.status === 200)
        await platform.rollback({
          betId,
          roundId: b2.roundId,
          player: second,
          extra: { player_id: second.id },
        });
    },
  },
  ...(['ended', 'expired'] as const).flatMap((how) =>
    (['win', 'rollback'] as const).map(
      (operation): Scenario => ({
        id: `edge.${operation}-on-${how}-session`,
        category: 'edge-cases',
        title: `A ${operation} after the session ${how}`,
        description: `Authorize, the session ${how === 'ended' ? 'is ended' : "expires (target's hook)"}, then ${operation === 'win' ? 'settle a win' : 'roll the bet back'}.`,
        expected: `the ${operation} succeeds: a played round is always paid or refunded.`,
        covers: [how === 'ended' ? 'session.end' : 'session.expiry'],
        exclusive: true,
        async run(ctx) {
          const platform = new Platform(ctx);
          const sessionId = await platform.openSession();
          const bet = await platform.authorize({ sessionId, amount: '0.50' });
          expectOk(bet, 'authorize');
          if (how === 'ended')
            expectOk(await ctx.http.post(`/v1/sessions/${sessionId}/end`, undefined), 'endSession');
          else await expireSession(ctx, sessionId);
          const delta = operation === 'win' ? '1.20' : '0.50';
          await expectBalanceDelta(platform, platform.main, delta, async () => {
            const response =
              operation === 'win'
                ? await platform.settle({
                    betId: bet.betId,
                    roundId: bet.roundId,
                    win: '1.20',
                    currency: platform.main.currency,
                  })
                : await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
            expectOk(response, `${operation} on an ${how} session`);
          });
        },
      }),
    ),
  ),
  {
    id: 'edge.double-rollback',
    category: 'edge-cases',
    title: 'Double rollback under a new key',
    description: 'A bet rolled back twice with two keys.',
    expected: 'both succeed (the second reports the same rollback); the stake is returned once.',
    covers: ['bet.rollback'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.50' });
      expectOk(bet, 'authorize');
      await expectBalanceDelta(platform, platform.main, '0.50', async () => {
        expectOk(await platform.rollback({ betId: bet.betId, roundId: bet.roundId }), 'first rollback');
        const second = await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
        check(second.status === 200 || second.status === 409, `second rollback answered ${second.status}`);
      });
    },
  },
  {
    id: 'edge.rollback-unknown-bet',
    category: 'edge-cases',
    title: 'Rollback of an unknown transaction leaves a tombstone',
    description: 'A rollback for a bet never seen, then the late authorize of that bet.',
    expected:
      'the rollback succeeds with nothing moved; the late authorize answers 409 BET_ROLLED_BACK and takes no money.',
    covers: ['BET_ROLLED_BACK', 'out-of-order'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        expectOk(await platform.rollback({ betId, roundId, amount: '0.50' }), 'rollback of an unknown bet');
        expectError(
          await platform.authorize({ sessionId, betId, roundId, amount: '0.50' }),
          409,
          'BET_ROLLED_BACK',
        );
      });
    },
  },
  {
    id: 'edge.unknown-fields-tolerated',
    category: 'edge-cases',
    title: 'Unknown top-level fields are tolerated',
    description: 'An authorize carrying fields the contract does not define (a newer provider).',
    expected: '200: request bodies are open for forward compatibility (only Money is closed).',
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({
        sessionId,
        amount: '0.10',
        extra: { future_field: 'x', provider_meta: { a: 1 } },
      });
      expectOk(bet, 'authorize with unknown fields');
      await platform.rollback({ betId: bet.betId, roundId: bet.roundId });
    },
  },
  {
    id: 'edge.amount-without-fraction',
    category: 'edge-cases',
    title: 'Amounts without a fraction or with one digit',
    description: 'Stakes "1" and "0.5".',
    expected: 'accepted and debited exactly (1.00 and 0.50).',
    covers: ['money.exact'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '-1.50', async () => {
        for (const amount of ['1', '0.5'])
          expectOk(await platform.authorize({ sessionId, amount }), `stake "${amount}"`);
      });
    },
  },
  {
    id: 'edge.large-amount-exact',
    category: 'edge-cases',
    title: 'Amounts beyond float precision stay exact',
    description:
      'A promo win of 123456789012345.67 (17 significant digits), then a stake of the same amount that loses.',
    expected:
      'cash rises by exactly that amount, then returns to exactly where it was: no float rounding anywhere.',
    covers: ['money.exact'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const big = '123456789012345.67';
      const sessionId = await platform.openSession();
      await expectBalanceDelta(
        platform,
        platform.main,
        '0',
        async () => {
          await expectBalanceDelta(
            platform,
            platform.main,
            big,
            async () => {
              expectOk(
                await platform.settle({
                  betId: ctx.data.id('b_promo'),
                  roundId: ctx.data.roundId(),
                  win: big,
                  currency: platform.main.currency,
                  extra: { win_type: 'promo', player_id: platform.main.id, session_id: sessionId },
                }),
                'big promo win',
              );
            },
            'after a big win',
          );
          await platform.playRound(sessionId, big, '0.00');
        },
        'after staking the win back',
      );
    },
  },
  {
    id: 'edge.huge-stake-insufficient',
    category: 'edge-cases',
    title: 'A stake far above any balance',
    description: 'Authorize 999999999999999.99.',
    expected: '402 INSUFFICIENT_FUNDS, not a 5xx or an overflow.',
    covers: ['INSUFFICIENT_FUNDS', 'money.exact'],
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession(ctx.profile.players.second);
      const bet = await platform.authorize({
        sessionId,
        player: ctx.profile.players.second,
        amount: '999999999999999.99',
      });
      expectError(bet, 402, 'INSUFFICIENT_FUNDS');
    },
  },
  {
    id: 'edge.many-cents',
    category: 'edge-cases',
    title: 'Ten 0.10 stakes and ten 0.17 wins add up exactly',
    description: 'Ten rounds of 0.10 each winning 0.17 (sums a float gets wrong: 0.1 + 0.2).',
    expected: 'cash moves by exactly +0.70.',
    covers: ['money.exact'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '0.70', async () => {
        for (let i = 0; i < 10; i++) await platform.playRound(sessionId, '0.10', '0.17');
      });
    },
  },
];
