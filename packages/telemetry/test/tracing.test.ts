import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  currentTraceparent,
  operationIdFromTable,
  setupTracing,
  spanNames,
  traceContextFor,
  traceIdFor,
  tracingPlugin,
  type Tracing,
  withSpan,
  X_TRACE_ID_ATTRIBUTE,
} from '../src/index.ts';

const operations = {
  authorizeBet: {
    operationId: 'authorizeBet',
    method: 'POST',
    path: '/v1/bets/authorize',
    deprecated: false,
    sunset: undefined,
  },
};

interface OutboxRow {
  traceId: string;
  traceparent: string | undefined;
}

/** A wallet in miniature: authorize writes its ledger rows and an outbox row in one DB transaction. */
async function walletApp() {
  const outbox: OutboxRow[] = [];
  const app = Fastify();
  await app.register(tracingPlugin, { operationIdOf: operationIdFromTable(operations) });
  app.post('/v1/bets/authorize', async (request) => {
    await withSpan(spanNames.dbTransaction, { 'db.system': 'postgresql' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      outbox.push({ traceId: String(request.headers['x-trace-id']), traceparent: currentTraceparent() });
    });
    return { status: 'authorized', hold_id: 'h_zz1' };
  });
  /** The relay runs later, outside any request: it continues the trace from the stored row. */
  const relay = async () => {
    for (const row of outbox.splice(0)) {
      await withSpan(
        spanNames.outboxRelay,
        { 'messaging.batch.message_count': 1 },
        () =>
          withSpan(
            spanNames.busPublish,
            { 'messaging.destination.name': 'croupier.events.bet.authorized' },
            () => undefined,
          ),
        { parent: traceContextFor(row.traceId, row.traceparent) },
      );
    }
  };
  return { app, relay };
}

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const byName = (spans: ReadableSpan[], name: string) => {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}; have ${spans.map((s) => s.name).join(', ')}`);
  return span;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('one bet, one trace', () => {
  it('nests the DB transaction, outbox relay and bus publish under the HTTP span of the request', async () => {
    tracing = setupTracing({ serviceName: 'wallet-test', exporter: 'memory' });
    const { app, relay } = await walletApp();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/bets/authorize',
      headers: { 'x-trace-id': 'tr_a1b2', 'content-type': 'application/json' },
      payload: { bet_id: 'b_001' },
    });
    expect(response.statusCode).toBe(200);
    await relay();
    await app.close();

    const spans = tracing.memory?.getFinishedSpans() ?? [];
    const http = byName(spans, 'POST /v1/bets/authorize');
    const db = byName(spans, spanNames.dbTransaction);
    const relaySpan = byName(spans, spanNames.outboxRelay);
    const publish = byName(spans, spanNames.busPublish);
    const traceId = traceIdFor('tr_a1b2');

    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(parentOf(http)).toBeUndefined();
    expect(parentOf(db)).toBe(http.spanContext().spanId);
    expect(parentOf(relaySpan)).toBe(db.spanContext().spanId);
    expect(parentOf(publish)).toBe(relaySpan.spanContext().spanId);
    expect(http.attributes['croupier.operation_id']).toBe('authorizeBet');
    expect(http.attributes['http.response.status_code']).toBe(200);
    expect(http.attributes[X_TRACE_ID_ATTRIBUTE]).toBe('tr_a1b2');

    expect(response.headers['x-trace-id']).toBe('tr_a1b2');
    expect(response.headers.traceparent).toBe(`00-${traceId}-${http.spanContext().spanId}-01`);
  });

  it('derives the trace id from a non-hex X-Trace-Id by sha256 prefix, and keeps a 32-hex one as is', () => {
    expect(traceIdFor('tr_a1b2')).toBe(createHash('sha256').update('tr_a1b2').digest('hex').slice(0, 32));
    expect(traceIdFor('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdFor('0'.repeat(32))).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdFor('0'.repeat(32))).not.toBe('0'.repeat(32));
  });

  it('uses a 32-hex X-Trace-Id as the trace id, without a copy attribute', async () => {
    tracing = setupTracing({ serviceName: 'wallet-test', exporter: 'memory' });
    const { app } = await walletApp();
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.inject({
      method: 'POST',
      url: '/v1/bets/authorize',
      headers: { 'x-trace-id': id },
      payload: {},
    });
    await app.close();
    const http = byName(tracing.memory?.getFinishedSpans() ?? [], 'POST /v1/bets/authorize');
    expect(http.spanContext().traceId).toBe(id);
    expect(http.attributes[X_TRACE_ID_ATTRIBUTE]).toBeUndefined();
    expect(response.headers['x-trace-id']).toBe(id);
  });

  it('continues a caller traceparent, and answers with X-Trace-Id = its trace id when none was sent', async () => {
    tracing = setupTracing({ serviceName: 'wallet-test', exporter: 'memory' });
    const { app } = await walletApp();
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await app.inject({
      method: 'POST',
      url: '/v1/bets/authorize',
      headers: { traceparent: parent },
      payload: {},
    });
    await app.close();
    const http = byName(tracing.memory?.getFinishedSpans() ?? [], 'POST /v1/bets/authorize');
    expect(http.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(parentOf(http)).toBe('b7ad6b7169203331');
    expect(response.headers['x-trace-id']).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('gives a request without trace headers a fresh trace id, the same in both response headers', async () => {
    tracing = setupTracing({ serviceName: 'wallet-test' });
    expect(tracing.exporter).toBe(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none');
    const { app } = await walletApp();
    const response = await app.inject({ method: 'POST', url: '/v1/bets/authorize', payload: {} });
    await app.close();
    const xTraceId = String(response.headers['x-trace-id']);
    expect(xTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(String(response.headers.traceparent)).toMatch(new RegExp(`^00-${xTraceId}-[0-9a-f]{16}-01$`));
  });

  it('refuses an OTLP exporter without an endpoint, naming the setting', () => {
    const saved = {
      a: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
      b: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    };
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    try {
      expect(() => setupTracing({ serviceName: 'x', exporter: 'otlp' })).toThrow(
        /OTEL_EXPORTER_OTLP_ENDPOINT/,
      );
    } finally {
      if (saved.a !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved.a;
      if (saved.b !== undefined) process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = saved.b;
    }
  });
});
