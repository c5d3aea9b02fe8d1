import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxUnderTest } from './harness.ts';

let sut: SandboxUnderTest;
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
});
afterAll(async () => {
  await sut.stop();
});

const bet = () => `b_${randomUUID().slice(0, 12)}`;

describe('test players', () => {
  it('are seeded as the brief names them, with balances, KYC and what each is for', async () => {
    const { body } = await sut.call('GET', '/sandbox/players');
    const players = body.players as Array<{
      player_id: string;
      currency: string;
      kyc: string;
      balances: Record<string, { cash: string }>;
    }>;
    const byId = Object.fromEntries(players.map((p) => [p.player_id, p]));
    expect(Object.keys(byId)).toEqual(
      expect.arrayContaining([
        'p_demo_1',
        'p_demo_2',
        'p_blocked_rg',
        'p_low_balance',
        'p_bonus',
        'p_kyc_pending',
      ]),
    );
    expect(byId.p_demo_1?.balances.EUR?.cash).toBe('100.00');
    expect(byId.p_demo_2?.balances.USD?.cash).toBe('100.00');
    expect(byId.p_kyc_pending?.kyc).toBe('pending');
    expect((byId.p_bonus!.balances.EUR as unknown as { bonus: string }).bonus).toBe('25.00');
  });

  it('behave as advertised: self-excluded, low balance, KYC pending', async () => {
    const rg = await sut.createSession('p_blocked_rg', 'EUR');
    expect(rg.status).toBe(403);
    expect(rg.body.code).toBe('RG_BLOCKED');
    const low = await sut.openSession('p_low_balance');
    const poor = await sut.authorize(low, bet(), '2.00');
    expect(poor.status).toBe(402);
    expect(poor.body.code).toBe('INSUFFICIENT_FUNDS');
    const kyc = await sut.createSession('p_kyc_pending', 'EUR');
    expect(kyc.body.code).toBe('KYC_PENDING');
  });

  it('reset starts over from the seed: balances back, faults off', async () => {
    const session = await sut.openSession();
    await sut.authorize(session, bet(), '7.00');
    expect(await sut.cash()).toBe('93.00');
    await sut.fault({ kind: 'latency', delay_ms: 1 });
    const reset = await sut.call('POST', '/sandbox/players/reset');
    expect(reset.status).toBe(200);
    expect(await sut.cash()).toBe('100.00');
    expect((await sut.call('GET', '/sandbox/faults')).body.faults).toEqual([]);
  });
});

describe('emulators', () => {
  it('KYC: allow, deny and pending per player', async () => {
    expect((await sut.call('PUT', '/sandbox/players/p_demo_2/kyc', { status: 'denied' })).status).toBe(200);
    const denied = await sut.createSession('p_demo_2', 'USD');
    expect(denied.body.code).toBe('KYC_DENIED');
    await sut.call('PUT', '/sandbox/players/p_demo_2/kyc', { status: 'verified' });
    await expect(sut.openSession('p_demo_2', 'USD')).resolves.toMatch(/^s_/);
    expect((await sut.call('PUT', '/sandbox/players/p_demo_2/kyc', { status: 'maybe' })).status).toBe(400);
    expect((await sut.call('PUT', '/sandbox/players/p_nobody/kyc', { status: 'verified' })).status).toBe(404);
  });

  it('RG: a named test profile applies to /rg/check and to bets, and clears again', async () => {
    expect((await sut.call('PUT', '/sandbox/players/p_demo_2/rg', { profile: 'self_excluded' })).status).toBe(
      200,
    );
    const check = await sut.call('POST', '/rg/check', {
      player_id: 'p_demo_2',
      amount: { amount: '1.00', currency: 'USD' },
    });
    expect(JSON.stringify(check.body)).toContain('self_exclusion');
    await sut.call('PUT', '/sandbox/players/p_demo_2/rg', { profile: 'clear' });
    const clear = await sut.call('POST', '/rg/check', {
      player_id: 'p_demo_2',
      amount: { amount: '1.00', currency: 'USD' },
    });
    expect(JSON.stringify(clear.body)).not.toContain('self_exclusion');
    expect((await sut.call('PUT', '/sandbox/players/p_demo_2/rg', { profile: 'nope' })).status).toBe(400);
  });

  it('wallet: /wallet/debit is idempotent and its delay is configurable', async () => {
    const transaction = `tx_${randomUUID().slice(0, 8)}`;
    const debit = {
      player_id: 'p_demo_1',
      transaction_id: transaction,
      amount: { amount: '1.50', currency: 'EUR' },
    };
    const key = { 'x-idempotency-key': `k_${transaction}` };
    const first = await sut.call('POST', '/wallet/debit', debit, key);
    const again = await sut.call('POST', '/wallet/debit', debit, key);
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await sut.call('PUT', '/sandbox/emulators/wallet', { delay_ms: 200 })).status).toBe(200);
    const started = Date.now();
    await sut.call('POST', '/wallet/debit', { ...debit, transaction_id: `${transaction}_2` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    await sut.call('PUT', '/sandbox/emulators/wallet', { delay_ms: 0 });
    expect((await sut.call('PUT', '/sandbox/emulators/wallet', { delay_ms: -1 })).status).toBe(400);
  });

  it('schema registry: subjects, versions and schemas by id in the Confluent shape', async () => {
    const subjects = (await sut.call('GET', '/schema-registry/subjects')).body as unknown as string[];
    expect(subjects).toEqual(
      expect.arrayContaining(['bet.settled-value', 'wallet.debit-value', 'envelope-value']),
    );
    const versions = (await sut.call('GET', '/schema-registry/subjects/bet.settled-value/versions')).body;
    expect(versions).toEqual([1]);
    const latest = (await sut.call('GET', '/schema-registry/subjects/bet.settled-value/versions/latest'))
      .body;
    expect(latest).toMatchObject({ subject: 'bet.settled-value', version: 1, schemaType: 'JSON' });
    expect(JSON.parse(latest.schema as string).$id).toContain('bet.settled/');
    expect(latest.references).toEqual(
      expect.arrayContaining([expect.objectContaining({ subject: 'envelope-value' })]),
    );
    const byId = (await sut.call('GET', `/schema-registry/schemas/ids/${latest.id}`)).body;
    expect(byId.schema).toBe(latest.schema);
    const missing = await sut.call('GET', '/schema-registry/subjects/nope-value/versions');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe(40401);
  });

  it('event bus test topics: a published test event comes back on the stream, filtered by topic', async () => {
    const published = await sut.call('POST', '/sandbox/topics/provider-smoke', {
      hello: 'world',
      trace_id: 't_topic',
    });
    expect(published.status).toBe(202);
    const onTopic = async () =>
      (
        (await sut.call('GET', '/sandbox/events?topic=provider-smoke')).body.events as Array<{
          event: unknown;
        }>
      ).map((e) => e.event);
    await expect
      .poll(onTopic, { timeout: 5_000, interval: 20 })
      .toEqual([{ hello: 'world', trace_id: 't_topic' }]);
    expect((await sut.call('POST', '/sandbox/topics/Bad.Topic', {})).status).toBe(400);
  });

  it('event stream: server-sent events carry each envelope as it is delivered', async () => {
    const controller = new AbortController();
    const response = await fetch(`${sut.url}/sandbox/events/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const session = await sut.openSession();
    const b = bet();
    await sut.authorize(session, b);
    let text = '';
    const deadline = Date.now() + 3_000;
    while (!text.includes(b) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('"event_type":"bet.authorized"');
    expect(text).toContain(`"bet_id":"${b}"`);
  });

  it("a bet's ledger entries carry the trace id that moved them; the request log finds it", async () => {
    const session = await sut.openSession();
    const b = bet();
    const traceId = `t_${randomUUID()}`;
    await sut.authorize(session, b, '1.00', { 'x-trace-id': traceId });
    const ledger = await sut.call('GET', `/sandbox/bets/${b}/ledger`);
    expect(ledger.status).toBe(200);
    expect((ledger.body.entries as Array<{ trace_id: string; amount: string }>)[0]).toMatchObject({
      trace_id: traceId,
      amount: '1.00',
    });
    const log = await sut.call('GET', `/sandbox/requests?trace_id=${traceId}`);
    expect((log.body.requests as Array<{ path: string; status: number }>)[0]).toMatchObject({
      path: '/v1/bets/authorize',
      status: 200,
    });
    expect((await sut.call('GET', '/sandbox/bets/b_never/ledger')).status).toBe(404);
    expect((await sut.call('GET', '/sandbox/requests?limit=0')).status).toBe(400);
    expect((await sut.call('GET', '/sandbox/events?after=abc')).status).toBe(400);
  });
});
