import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  Degradation,
  degradationFlags,
  degradationPlugin,
  FeatureFlags,
  operationIdFromTable,
} from '../src/index.ts';

const operations = {
  createSession: { operationId: 'createSession', method: 'POST', path: '/v1/sessions' },
  authorizeBet: { operationId: 'authorizeBet', method: 'POST', path: '/v1/bets/authorize' },
  settleBet: { operationId: 'settleBet', method: 'POST', path: '/v1/bets/settle' },
  rollbackBet: { operationId: 'rollbackBet', method: 'POST', path: '/v1/bets/rollback' },
};
const money = (amount: string) => ({ amount, currency: 'EUR' });

/** A toy wallet: records what reached its handlers, so the test sees what degradation let through. */
async function wallet(flags: FeatureFlags) {
  const handled: Array<{ op: string; body: Record<string, unknown> }> = [];
  const app = Fastify();
  await app.register(degradationPlugin, {
    degradation: new Degradation(flags),
    operationIdOf: operationIdFromTable(operations),
  });
  for (const op of Object.values(operations)) {
    app.post(op.path, async (request) => {
      handled.push({ op: op.operationId, body: request.body as Record<string, unknown> });
      return { status: 'ok' };
    });
  }
  const post = (url: string, body: object, brand = 'brand-7') =>
    app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'x-brand-id': brand, 'x-provider-id': 'studio', 'x-trace-id': 'tr_a1b2' },
    });
  return { app, handled, post };
}

describe('degradation modes', () => {
  it('noNewSessions refuses createSession with NEW_SESSIONS_STOPPED while open rounds keep betting and settling', async () => {
    const flags = new FeatureFlags();
    const { app, handled, post } = await wallet(flags);
    expect((await post('/v1/sessions', { player_id: 'p_demo_1' })).statusCode).toBe(200);
    flags.set(degradationFlags.noNewSessions, true);

    const refused = await post('/v1/sessions', { player_id: 'p_demo_2' });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({
      code: 'NEW_SESSIONS_STOPPED',
      message: expect.stringContaining('open sessions keep playing'),
      retryable: false,
      trace_id: 'tr_a1b2',
    });
    expect(
      (
        await post('/v1/bets/authorize', {
          session_id: 's_456',
          bet_id: 'b_001',
          round_id: 'r_8c12',
          amount: money('2.00'),
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await post('/v1/bets/settle', { bet_id: 'b_001', round_id: 'r_8c12', win: money('14.60') }))
        .statusCode,
    ).toBe(200);
    expect((await post('/v1/bets/rollback', { bet_id: 'b_002', round_id: 'r_8c13' })).statusCode).toBe(200);
    expect(handled.map((h) => h.op)).toEqual(['createSession', 'authorizeBet', 'settleBet', 'rollbackBet']);
    await app.close();
  });

  it('scopes a mode to one brand: the other brands still open sessions', async () => {
    const flags = new FeatureFlags();
    flags.override(degradationFlags.noNewSessions, { brand: 'brand-7', enabled: true });
    const { app, post } = await wallet(flags);
    expect((await post('/v1/sessions', {}, 'brand-7')).statusCode).toBe(503);
    expect((await post('/v1/sessions', {}, 'brand-9')).statusCode).toBe(200);
    await app.close();
  });

  it('jackpotOff lets the bet through without a contribution and holds jackpot wins back as retryable', async () => {
    const flags = new FeatureFlags();
    flags.set(degradationFlags.jackpotOff, true);
    const { app, handled, post } = await wallet(flags);
    const bet = await post('/v1/bets/authorize', {
      session_id: 's_456',
      bet_id: 'b_001',
      round_id: 'r_8c12',
      amount: money('2.00'),
      jackpot_contribution: true,
    });
    expect(bet.statusCode).toBe(200);
    expect(handled[0]?.body.jackpot_contribution).toBe(false);
    const win = await post('/v1/bets/settle', {
      bet_id: 'b_001',
      round_id: 'r_8c12',
      win: money('5000.00'),
      win_type: 'jackpot',
    });
    expect(win.statusCode).toBe(503);
    expect(win.json()).toMatchObject({ code: 'PLATFORM_DEGRADED', retryable: true });
    const regular = await post('/v1/bets/settle', {
      bet_id: 'b_001',
      round_id: 'r_8c12',
      win: money('4.00'),
    });
    expect(regular.statusCode).toBe(200);
    await app.close();
  });

  it('promoOff holds promo wins back as retryable and settles regular rounds; lifting it pays the retry', async () => {
    const flags = new FeatureFlags();
    flags.set(degradationFlags.promoOff, true);
    const { app, handled, post } = await wallet(flags);
    const promo = {
      bet_id: 'pw_1',
      round_id: 'r_promo_1',
      win: money('10.00'),
      win_type: 'promo',
      player_id: 'p_demo_1',
      session_id: 's_456',
    };
    expect((await post('/v1/bets/settle', promo)).json()).toMatchObject({
      code: 'PLATFORM_DEGRADED',
      retryable: true,
    });
    expect(
      (await post('/v1/bets/settle', { bet_id: 'b_001', round_id: 'r_8c12', win: money('0.00') })).statusCode,
    ).toBe(200);
    flags.set(degradationFlags.promoOff, false);
    expect((await post('/v1/bets/settle', promo)).statusCode).toBe(200);
    expect(handled.map((h) => h.body.bet_id)).toEqual(['b_001', 'pw_1']);
    await app.close();
  });

  it('lists the active modes of a scope (for /health and dashboards)', () => {
    const flags = new FeatureFlags();
    flags.set(degradationFlags.promoOff, true);
    flags.override(degradationFlags.noNewSessions, { brand: 'brand-7', enabled: true });
    const degradation = new Degradation(flags);
    expect(degradation.activeModes({ brand: 'brand-7' })).toEqual(['noNewSessions', 'promoOff']);
    expect(degradation.activeModes({ brand: 'brand-9' })).toEqual(['promoOff']);
  });
});
