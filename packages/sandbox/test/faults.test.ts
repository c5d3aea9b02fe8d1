import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SandboxUnderTest } from './harness.ts';

let sut: SandboxUnderTest;
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
});
afterAll(async () => {
  await sut.stop();
});
beforeEach(async () => {
  await sut.call('DELETE', '/sandbox/faults');
});

const bet = () => `b_${randomUUID().slice(0, 12)}`;
const trace = () => `t_${randomUUID()}`;

describe('fault buttons: each one changes a real request or event, and switches off again', () => {
  it('latency: a fixed delay holds the call; off, the call is not delayed', async () => {
    const id = await sut.fault({ kind: 'latency', delay_ms: 300 });
    const slow = trace();
    const started = Date.now();
    expect(
      (await sut.call('GET', '/v1/players/p_demo_1/balance', undefined, { 'x-trace-id': slow })).status,
    ).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sut.logged(slow)?.fault).toBe('latency');
    await sut.clear(id);
    const fast = trace();
    await sut.call('GET', '/v1/players/p_demo_1/balance', undefined, { 'x-trace-id': fast });
    expect(sut.logged(fast)?.fault).toBeUndefined();
  });

  it('latency: a uniform distribution delays within its bounds', async () => {
    await sut.fault({ kind: 'latency', min_ms: 150, max_ms: 200 });
    const started = Date.now();
    await sut.call('GET', '/v1/players/p_demo_1/balance');
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('error_rate: rate 1 answers the chosen code with its contract status; off, calls succeed', async () => {
    const id = await sut.fault({ kind: 'error_rate', rate: 1, code: 'RATE_LIMITED' });
    const refused = await sut.call('GET', '/v1/players/p_demo_1/balance');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(typeof refused.body.trace_id).toBe('string');
    await sut.clear(id);
    expect((await sut.call('GET', '/v1/players/p_demo_1/balance')).status).toBe(200);
  });

  it('wallet_outage: money calls answer 503 PLATFORM_DEGRADED with no write; off, the same bet goes through', async () => {
    const session = await sut.openSession();
    const before = await sut.cash();
    const id = await sut.fault({ kind: 'wallet_outage' });
    const b = bet();
    const refused = await sut.authorize(session, b, '1.00', { 'x-idempotency-key': `k_${b}` });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'PLATFORM_DEGRADED', retryable: true });
    expect((await sut.call('GET', '/health')).status).toBe(200);
    await sut.clear(id);
    expect(await sut.cash()).toBe(before);
    const retried = await sut.authorize(session, b, '1.00', { 'x-idempotency-key': `k_${b}` });
    expect(retried.status).toBe(200);
  });

  it('wallet_outage: a percent-encoded money path is the same call and gets the same 503', async () => {
    const before = await sut.cash();
    const id = await sut.fault({ kind: 'wallet_outage' });
    const debit = {
      player_id: 'p_demo_1',
      transaction_id: `tx_${bet()}`,
      amount: { amount: '1.00', currency: 'EUR' },
    };
    for (const path of ['/%77allet/debit', '/wallet/%64ebit', '/%76%31/players/p_demo_1/balance']) {
      const refused = await sut.call(
        path.includes('debit') ? 'POST' : 'GET',
        path,
        path.includes('debit') ? debit : undefined,
      );
      expect(refused.status, path).toBe(503);
      expect(refused.body).toMatchObject({ code: 'PLATFORM_DEGRADED' });
    }
    await sut.clear(id);
    expect(await sut.cash()).toBe(before);
  });

  it('region_outage: calls from that region answer 503; off, they are served', async () => {
    const id = await sut.fault({ kind: 'region_outage', region: 'EU' });
    const refused = await sut.call('GET', '/v1/players/p_demo_1/balance');
    expect(refused.status).toBe(503);
    expect(String(refused.body.message)).toContain('region EU');
    await sut.clear(id);
    expect((await sut.call('GET', '/v1/players/p_demo_1/balance')).status).toBe(200);
  });

  it('no_new_sessions: new sessions are refused while an open round still settles; off, sessions open', async () => {
    const session = await sut.openSession();
    const b = bet();
    expect((await sut.authorize(session, b)).status).toBe(200);
    const id = await sut.fault({ kind: 'no_new_sessions' });
    const refused = await sut.createSession('p_demo_1', 'EUR');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('NEW_SESSIONS_STOPPED');
    expect((await sut.settle(b, '0.50')).status).toBe(200);
    await sut.clear(id);
    await expect(sut.openSession()).resolves.toMatch(/^s_/);
  });

  it('promo_off: a promo win waits (503, retryable) while regular wins settle; off, it is paid', async () => {
    const session = await sut.openSession();
    const id = await sut.fault({ kind: 'promo_off' });
    const promo = bet();
    const promoWin = { win_type: 'promo', player_id: 'p_demo_1', session_id: session };
    const key = { 'x-idempotency-key': `k_${promo}` };
    const waiting = await sut.settle(promo, '3.00', promoWin, key);
    expect(waiting.status).toBe(503);
    expect(waiting.body).toMatchObject({ code: 'PLATFORM_DEGRADED', retryable: true });
    const regular = bet();
    await sut.authorize(session, regular);
    expect((await sut.settle(regular, '1.00')).status).toBe(200);
    await sut.clear(id);
    expect((await sut.settle(promo, '3.00', promoWin, key)).status).toBe(200);
  });

  it('jackpot_off: no contribution is taken and jackpot wins wait; off, the jackpot pays', async () => {
    await sut.call('PUT', '/sandbox/jackpot', { percent: '10' });
    const session = await sut.openSession();
    const id = await sut.fault({ kind: 'jackpot_off' });
    const b = bet();
    const authorized = await sut.call('POST', '/v1/bets/authorize', {
      session_id: session,
      bet_id: b,
      round_id: `r_${b}`,
      amount: { amount: '1.00', currency: 'EUR' },
      jackpot_contribution: true,
    });
    expect(authorized.status).toBe(200);
    const [held] = (await sut.eventsOfBet(b, 1)).filter((e) => e.event_type === 'bet.authorized');
    expect((held!.payload as Record<string, unknown>).jackpot_contribution).toBeUndefined();
    const jackpotWin = { win_type: 'jackpot', player_id: 'p_demo_1', session_id: session };
    const jp = bet();
    expect((await sut.settle(jp, '1.00', jackpotWin)).status).toBe(503);
    await sut.clear(id);
    const b2 = bet();
    const contributed = await sut.call('POST', '/v1/bets/authorize', {
      session_id: session,
      bet_id: b2,
      round_id: `r_${b2}`,
      amount: { amount: '1.00', currency: 'EUR' },
      jackpot_contribution: true,
    });
    expect(contributed.status).toBe(200);
    const [taken] = (await sut.eventsOfBet(b2, 1)).filter((e) => e.event_type === 'bet.authorized');
    expect((taken!.payload as Record<string, unknown>).jackpot_contribution).toEqual({
      amount: '0.10',
      currency: 'EUR',
    });
    const pools = await sut.call('GET', '/sandbox/jackpot');
    expect(pools.body.pools).toEqual([{ currency: 'EUR', amount: '0.10' }]);
    const triggered = await sut.call('POST', '/sandbox/jackpot/trigger', { player_id: 'p_demo_2' });
    expect(triggered.status).toBe(409);
    expect(triggered.body.code).toBe('JACKPOT_EMPTY');
    const paid = await sut.call('POST', '/sandbox/jackpot/trigger', { player_id: 'p_demo_1' });
    expect(paid.body).toMatchObject({ paid: true, amount: '0.10', currency: 'EUR' });
    await sut.call('PUT', '/sandbox/jackpot', { percent: '0' });
  });

  it('duplicate_delivery: each event reaches subscribers twice with one event_id; off, once', async () => {
    const session = await sut.openSession();
    const id = await sut.fault({ kind: 'duplicate_delivery' });
    const doubled = bet();
    await sut.authorize(session, doubled);
    const copies = (await sut.eventsOfBet(doubled, 2)).filter((e) => e.event_type === 'bet.authorized');
    expect(copies).toHaveLength(2);
    expect(copies[0]?.event_id).toBe(copies[1]?.event_id);
    await sut.clear(id);
    const single = bet();
    await sut.authorize(session, single);
    await sut.settle(single, '0.00');
    // Every event of the round, so none is still in flight when the next test presses its fault.
    const events = await sut.eventsOfBet(single, 4);
    expect(events.filter((e) => e.event_type === 'bet.authorized')).toHaveLength(1);
  });

  it('out_of_order: a window of events arrives newest first; off, in commit order', async () => {
    const session = await sut.openSession();
    const id = await sut.fault({ kind: 'out_of_order', window: 4 });
    const reordered = bet();
    await sut.authorize(session, reordered);
    // The authorize's events are on the bus (held in the reorder window) before the settle's follow.
    await expect
      .poll(() => sut.sandbox.wallet().ledger.outbox.unpublishedCount(), { timeout: 5_000, interval: 10 })
      .toBe(0);
    await sut.settle(reordered, '0.00');
    const seen = (await sut.eventsOfBet(reordered, 4, 3_000)).map((e) => e.event_type);
    expect(seen.indexOf('bet.settled')).toBeLessThan(seen.indexOf('bet.authorized'));
    await sut.clear(id);
    const ordered = bet();
    await sut.authorize(session, ordered);
    await sut.settle(ordered, '0.00');
    // All four (authorize's two and settle's two): waiting for two could return before settle's arrive.
    const inOrder = (await sut.eventsOfBet(ordered, 4)).map((e) => e.event_type);
    expect(inOrder.indexOf('bet.authorized')).toBeLessThan(inOrder.indexOf('bet.settled'));
  });

  it('outbox_delay: events reach the bus no sooner than the delay after commit; off, promptly', async () => {
    const session = await sut.openSession();
    const id = await sut.fault({ kind: 'outbox_delay', delay_ms: 600 });
    const late = bet();
    const committed = Date.now();
    await sut.authorize(session, late);
    const arrived = await sut.eventsOfBet(late, 1, 5_000);
    expect(arrived.length).toBeGreaterThan(0);
    expect(Date.parse(arrived[0]?._received_at as string) - committed).toBeGreaterThanOrEqual(550);
    await sut.clear(id);
    const prompt = bet();
    await sut.authorize(session, prompt);
    expect((await sut.eventsOfBet(prompt, 1, 2_000)).length).toBeGreaterThan(0);
  });

  it('clock_skew: delivered occurred_at is shifted by the skew; off, it is the commit time', async () => {
    const session = await sut.openSession();
    const id = await sut.fault({ kind: 'clock_skew', skew_ms: -3_600_000 });
    const skewed = bet();
    await sut.authorize(session, skewed);
    const [event] = await sut.eventsOfBet(skewed, 1);
    expect(Date.now() - Date.parse(event?.occurred_at as string)).toBeGreaterThan(3_500_000);
    await sut.clear(id);
    const honest = bet();
    await sut.authorize(session, honest);
    const [fresh] = await sut.eventsOfBet(honest, 1);
    expect(Math.abs(Date.now() - Date.parse(fresh?.occurred_at as string))).toBeLessThan(60_000);
  });
});

describe('fault scope, time box and input', () => {
  it('a fault scoped to another provider leaves this provider alone; scoped to it, it bites', async () => {
    await sut.fault({ kind: 'error_rate', rate: 1, code: 'PLATFORM_DEGRADED', provider: 'other-studio' });
    expect((await sut.call('GET', '/v1/players/p_demo_1/balance')).status).toBe(200);
    await sut.fault({
      kind: 'error_rate',
      rate: 1,
      code: 'PLATFORM_DEGRADED',
      provider: 'studio-x',
      brand: 'brand-7',
    });
    expect((await sut.call('GET', '/v1/players/p_demo_1/balance')).status).toBe(503);
  });

  it('switches itself off when its time box ends', async () => {
    await sut.fault({ kind: 'wallet_outage', duration_s: 1 });
    expect((await sut.call('GET', '/v1/players/p_demo_1/balance')).status).toBe(503);
    // Off by itself within a deadline (no sleep tuned to the 1 s box).
    await expect
      .poll(async () => (await sut.call('GET', '/v1/players/p_demo_1/balance')).status, {
        timeout: 5_000,
        interval: 50,
      })
      .toBe(200);
    expect((await sut.call('GET', '/sandbox/faults')).body.faults).toEqual([]);
  });

  it('refuses a bad fault with a 400 that names the field, and an unknown id with a 404', async () => {
    const unknownKind = await sut.call('POST', '/sandbox/faults', { kind: 'meteor' });
    expect(unknownKind.status).toBe(400);
    expect(String(unknownKind.body.message)).toContain('kind must be one of latency, error_rate');
    const badRate = await sut.call('POST', '/sandbox/faults', {
      kind: 'error_rate',
      rate: 2,
      code: 'RATE_LIMITED',
    });
    expect(badRate.status).toBe(400);
    expect(String(badRate.body.message)).toContain('"rate"');
    const badCode = await sut.call('POST', '/sandbox/faults', {
      kind: 'error_rate',
      rate: 0.5,
      code: 'NOPE',
    });
    expect(badCode.status).toBe(400);
    expect((await sut.call('DELETE', '/sandbox/faults/f_missing')).status).toBe(404);
    expect((await sut.call('GET', '/sandbox/faults/kinds')).body.kinds).toHaveLength(11);
  });
});
