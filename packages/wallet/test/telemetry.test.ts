import { InProcessTransport, OutboxRelay } from '@croupier/bus';
import { setupTracing, spanNames, traceIdFor, type Tracing } from '@croupier/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { createWalletServer, openWallet, seedSandboxPlayers } from '../src/index.ts';
import { Caller } from './harness.ts';

/** The finished-span type of the in-memory exporter, without depending on the OpenTelemetry SDK here. */
type ReadableSpan = ReturnType<NonNullable<Tracing['memory']>['getFinishedSpans']>[number];

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('the real wallet, traced and measured', () => {
  it('one bet: the HTTP, database, outbox relay and bus publish spans share one trace id', async () => {
    tracing = setupTracing({ serviceName: 'wallet-test', exporter: 'memory' });
    const wallet = await openWallet({ file: ':memory:' });
    await seedSandboxPlayers(wallet);
    const app = await createWalletServer({ wallet });
    const transport = new InProcessTransport();
    const published: Array<Record<string, string>> = [];
    await transport.subscribe('croupier.events.>', (message) => {
      published.push(message.headers);
    });
    const caller = new Caller(app);
    try {
      const session = await caller.call(
        'POST',
        '/v1/sessions',
        { player_id: 'p_demo_1', game_id: 'studio:slot_forge_02', currency: 'EUR', locale: 'de-DE' },
        { traceId: 'tr_session_1' },
      );
      const traceId = 'tr_one_bet_7';
      const authorized = await caller.call(
        'POST',
        '/v1/bets/authorize',
        {
          session_id: session.body.session_id,
          bet_id: 'b_traced',
          round_id: 'r_traced',
          amount: { amount: '2.00', currency: 'EUR' },
        },
        { traceId },
      );
      expect(authorized.status).toBe(200);
      const relay = new OutboxRelay(wallet.ledger.outbox, transport);
      await relay.drain();

      const spans = tracing.memory?.getFinishedSpans() ?? [];
      const trace = traceIdFor(traceId);
      const inTrace = spans.filter((s) => s.spanContext().traceId === trace);
      const http = named(inTrace, 'POST /v1/bets/authorize')[0];
      expect(http, `spans: ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
      const db = named(inTrace, spanNames.dbTransaction)[0];
      expect(db?.parentSpanContext?.spanId).toBe(http?.spanContext().spanId);
      const relays = named(inTrace, spanNames.outboxRelay);
      const publishes = named(inTrace, spanNames.busPublish);
      // bet.authorized and wallet.debit: each relayed and published under the request's trace.
      expect(relays).toHaveLength(2);
      expect(publishes).toHaveLength(2);
      for (const publish of publishes) {
        expect(relays.map((r) => r.spanContext().spanId)).toContain(publish.parentSpanContext?.spanId);
      }
      for (const relaySpan of relays)
        expect(relaySpan.parentSpanContext?.spanId).toBe(db?.spanContext().spanId);
      expect(published.some((h) => h.traceparent?.includes(trace))).toBe(true);
    } finally {
      await app.close();
      await wallet.close();
    }
  });

  it('/metrics counts each operation with its latency, and errors and replays by code', async () => {
    const wallet = await openWallet({ file: ':memory:' });
    await seedSandboxPlayers(wallet);
    const app = await createWalletServer({ wallet });
    const caller = new Caller(app);
    try {
      const body = {
        player_id: 'p_demo_1',
        game_id: 'studio:slot_forge_02',
        currency: 'EUR',
        locale: 'de-DE',
      };
      await caller.call('POST', '/v1/sessions', body, { key: 'metrics-1' });
      await caller.call('POST', '/v1/sessions', { ...body, locale: 'en-GB' }, { key: 'metrics-1' });
      await caller.call('GET', '/v1/players/p_nobody/balance');
      const scrape = await app.inject({ method: 'GET', url: '/metrics' });
      expect(scrape.statusCode).toBe(200);
      expect(scrape.body).toMatch(/operation="createSession"/);
      expect(scrape.body).toMatch(/code="IDEMPOTENCY_MISMATCH"/);
      expect(scrape.body).toMatch(/operation="getBalance"/);
      expect(scrape.body).not.toMatch(/p_nobody/);
    } finally {
      await app.close();
      await wallet.close();
    }
  });
});
