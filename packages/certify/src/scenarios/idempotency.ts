import { expectError, expectOk, Platform } from '../platform.ts';
import { check, type Scenario } from '../scenario.ts';
import { expectBalanceDelta } from './balance-checks.ts';

// Replays are sent here and judged by the runner (replays.ts): same key and body → the same status and body.

export const idempotencyScenarios: Scenario[] = [
  {
    id: 'idem.authorize-replay',
    category: 'idempotency',
    title: 'Authorize retried with the same key',
    description: 'The same authorize (same key, same body) sent three times.',
    expected: 'three identical answers; the stake is debited once.',
    covers: ['idempotency.same-answer'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      const key = ctx.data.key('bet');
      await expectBalanceDelta(platform, platform.main, '-1.00', async () => {
        const first = await platform.authorize({ sessionId, betId, roundId, key, amount: '1.00' });
        expectOk(first, 'authorize');
        for (let i = 0; i < 2; i++) {
          const again = await platform.authorize({ sessionId, betId, roundId, key, amount: '1.00' });
          expectOk(again, `replay ${i + 1}`);
        }
      });
      await platform.settle({ betId, roundId, win: '1.00', currency: platform.main.currency });
    },
  },
  {
    id: 'idem.settle-replay',
    category: 'idempotency',
    title: 'Settle retried with the same key',
    description: 'The same settle (same key, same body) sent three times.',
    expected: 'three identical answers; the win is credited once.',
    covers: ['idempotency.same-answer'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '1.00' });
      expectOk(bet, 'authorize');
      await expectBalanceDelta(platform, platform.main, '3.00', async () => {
        const key = ctx.data.key('settle');
        const first = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '3.00',
          currency,
          key,
        });
        expectOk(first, 'settle');
        for (let i = 0; i < 2; i++) {
          const again = await platform.settle({
            betId: bet.betId,
            roundId: bet.roundId,
            win: '3.00',
            currency,
            key,
          });
          expectOk(again, `replay ${i + 1}`);
        }
      });
    },
  },
  {
    id: 'idem.rollback-replay',
    category: 'idempotency',
    title: 'Rollback retried with the same key',
    description: 'The same rollback sent three times (a provider retrying after timeouts).',
    expected: 'three identical answers; the stake is returned once.',
    covers: ['idempotency.same-answer'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '1.00' });
      expectOk(bet, 'authorize');
      await expectBalanceDelta(platform, platform.main, '1.00', async () => {
        const key = ctx.data.key('rb');
        const first = await platform.rollback({ betId: bet.betId, roundId: bet.roundId, key });
        expectOk(first, 'rollback');
        for (let i = 0; i < 2; i++) {
          const again = await platform.rollback({ betId: bet.betId, roundId: bet.roundId, key });
          expectOk(again, `replay ${i + 1}`);
        }
      });
    },
  },
  {
    id: 'idem.replay-after-balance-moved',
    category: 'idempotency',
    title: 'A replay after the balance moved answers what was stored',
    description:
      'Authorize and settle a bet, roll another back, play a round that moves the balance, then replay the authorize, settle and rollback with their keys.',
    expected:
      'each replay answers byte for byte what the first answer said (its balance is the stored one, not the live one); nothing moves twice.',
    covers: ['idempotency.same-answer'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.40' });
      expectOk(bet, 'authorize');
      const settle = {
        betId: bet.betId,
        roundId: bet.roundId,
        win: '0.90',
        currency,
        key: ctx.data.key('settle'),
      };
      expectOk(await platform.settle(settle), 'settle');
      const voided = await platform.authorize({ sessionId, amount: '0.30' });
      expectOk(voided, 'authorize of the bet to roll back');
      const rollback = { betId: voided.betId, roundId: voided.roundId, key: ctx.data.key('rb') };
      expectOk(await platform.rollback(rollback), 'rollback');
      await platform.playRound(sessionId, '0.20', '0.00');
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        expectOk(await platform.rollback(rollback), 'rollback replay');
        const { betId, roundId, key } = bet;
        expectOk(
          await platform.authorize({ sessionId, betId, roundId, key, amount: '0.40' }),
          'authorize replay',
        );
        expectOk(await platform.settle(settle), 'settle replay');
      });
    },
  },
  {
    id: 'idem.session-replay',
    category: 'idempotency',
    title: 'Session creation retried with the same key',
    description: 'createSession twice with one key.',
    expected: 'the same session_id both times.',
    covers: ['idempotency.same-answer'],
    async run(ctx) {
      const player = ctx.profile.players.main;
      const body = {
        player_id: player.id,
        game_id: ctx.profile.gameId,
        currency: player.currency,
        locale: ctx.profile.locale,
      };
      const key = ctx.data.key('sess');
      const first = await ctx.http.post('/v1/sessions', body, { idempotencyKey: key });
      const again = await ctx.http.post('/v1/sessions', body, { idempotencyKey: key });
      check(first.status === 201, `createSession answered ${first.status}`);
      check(again.status === 201, `the replayed createSession answered ${again.status}`);
    },
  },
  {
    id: 'idem.authorize-key-other-body',
    category: 'idempotency',
    title: 'Authorize: same key, other body',
    description: 'A second authorize reuses the key with another amount.',
    expected: '409 IDEMPOTENCY_MISMATCH and no second debit.',
    covers: ['IDEMPOTENCY_MISMATCH', 'idempotency.other-body'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const key = ctx.data.key('bet');
      const first = await platform.authorize({ sessionId, key, amount: '0.50' });
      expectOk(first, 'authorize');
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        const other = await platform.authorize({
          sessionId,
          key,
          betId: first.betId,
          roundId: first.roundId,
          amount: '0.70',
        });
        expectError(other, 409, 'IDEMPOTENCY_MISMATCH');
      });
      await platform.rollback({ betId: first.betId, roundId: first.roundId });
    },
  },
  {
    id: 'idem.settle-key-other-body',
    category: 'idempotency',
    title: 'Settle: same key, other body',
    description: 'A second settle reuses the key with another win.',
    expected: '409 IDEMPOTENCY_MISMATCH and no second credit.',
    covers: ['IDEMPOTENCY_MISMATCH', 'idempotency.other-body'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      const bet = await platform.authorize({ sessionId, amount: '0.50' });
      expectOk(bet, 'authorize');
      const key = ctx.data.key('settle');
      expectOk(
        await platform.settle({ betId: bet.betId, roundId: bet.roundId, win: '0.50', currency, key }),
        'settle',
      );
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        const other = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '9.50',
          currency,
          key,
        });
        expectError(other, 409, 'IDEMPOTENCY_MISMATCH');
      });
    },
  },
  {
    id: 'idem.same-bet-new-key',
    category: 'idempotency',
    title: 'The same bet under a new key',
    description: 'An authorize for an already authorized bet_id with a fresh key.',
    expected: '409 DUPLICATE; the stake is not taken twice.',
    covers: ['DUPLICATE'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const first = await platform.authorize({ sessionId, amount: '0.50' });
      expectOk(first, 'authorize');
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        const again = await platform.authorize({
          sessionId,
          betId: first.betId,
          roundId: first.roundId,
          amount: '0.50',
        });
        expectError(again, 409, 'DUPLICATE');
      });
      await platform.rollback({ betId: first.betId, roundId: first.roundId });
    },
  },
  {
    id: 'idem.key-scoped-per-operation',
    category: 'idempotency',
    title: 'One key value on two operations',
    description: 'Authorize and settle of one bet sent with the same X-Idempotency-Key value.',
    expected: 'both succeed: a key is scoped to (brand, provider, operation).',
    covers: ['idempotency.same-answer'],
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const key = ctx.data.key('shared');
      const bet = await platform.authorize({ sessionId, key, amount: '0.10' });
      expectOk(bet, 'authorize');
      const settled = await platform.settle({
        betId: bet.betId,
        roundId: bet.roundId,
        win: '0.10',
        currency: platform.main.currency,
        key,
      });
      expectOk(settled, 'settle with the authorize key');
    },
  },
  {
    id: 'idem.rollback-key-other-body',
    category: 'idempotency',
    title: 'Rollback: same key, other bet',
    description: 'A rollback key reused for another bet.',
    expected: '409 IDEMPOTENCY_MISMATCH; the other bet stays held.',
    covers: ['IDEMPOTENCY_MISMATCH', 'idempotency.other-body'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const a = await platform.authorize({ sessionId, amount: '0.30' });
      const b = await platform.authorize({ sessionId, amount: '0.30' });
      expectOk(a, 'authorize a');
      expectOk(b, 'authorize b');
      const key = ctx.data.key('rb');
      expectOk(await platform.rollback({ betId: a.betId, roundId: a.roundId, key }), 'rollback a');
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        expectError(
          await platform.rollback({ betId: b.betId, roundId: b.roundId, key }),
          409,
          'IDEMPOTENCY_MISMATCH',
        );
      });
      await platform.rollback({ betId: b.betId, roundId: b.roundId });
    },
  },
];
