import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createMetrics, metricNames, metricsPlugin, operationIdFromTable } from '../src/index.ts';

const operations = {
  authorizeBet: { operationId: 'authorizeBet', method: 'POST', path: '/v1/bets/authorize' },
  getSession: { operationId: 'getSession', method: 'GET', path: '/v1/sessions/{session_id}' },
};

const error = (code: string) => ({
  code,
  message: code.toLowerCase(),
  retryable: false,
  trace_id: 'tr_a1b2',
});

async function app(metrics = createMetrics()) {
  const fastify = Fastify();
  await fastify.register(metricsPlugin, { metrics, operationIdOf: operationIdFromTable(operations) });
  fastify.post('/v1/bets/authorize', async (request, reply) => {
    const key = String(request.headers['x-idempotency-key']);
    if (key === 'dup') return reply.code(409).send(error('DUPLICATE'));
    if (key === 'mismatch') return reply.code(409).send(error('IDEMPOTENCY_MISMATCH'));
    if (key === 'broke') throw new Error('boom');
    return { status: 'authorized', hold_id: 'h_zz1' };
  });
  fastify.get('/v1/sessions/:session_id', async (_request, reply) =>
    reply.code(404).send(error('SESSION_NOT_FOUND')),
  );
  return { fastify, metrics };
}

/** One sample's value from the exposition text, as Prometheus would scrape it. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metricsPlugin', () => {
  it('records latency per operationId and status, and error codes from the error body', async () => {
    const { fastify } = await app();
    const post = (key: string) =>
      fastify.inject({
        method: 'POST',
        url: '/v1/bets/authorize',
        headers: { 'x-idempotency-key': key },
        payload: {},
      });
    await post('k1');
    await post('k2');
    await post('dup');
    await post('mismatch');
    await post('broke');
    await fastify.inject({ method: 'GET', url: '/v1/sessions/s_456' });
    await fastify.inject({ method: 'GET', url: '/nowhere' });

    const scrape = await fastify.inject({ method: 'GET', url: '/metrics' });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toContain('text/plain');
    const text = scrape.body;
    const count = `${metricNames.requestDuration}_count`;
    expect(sample(text, count, { operation: 'authorizeBet', status: '200' })).toBe(2);
    expect(sample(text, count, { operation: 'authorizeBet', status: '409' })).toBe(2);
    expect(sample(text, count, { operation: 'getSession', status: '404' })).toBe(1);
    expect(sample(text, count, { operation: 'unmatched', status: '404' })).toBe(1);
    expect(
      sample(text, `${metricNames.requestDuration}_bucket`, {
        operation: 'authorizeBet',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(sample(text, metricNames.errors, { operation: 'authorizeBet', code: 'DUPLICATE' })).toBe(1);
    expect(sample(text, metricNames.errors, { operation: 'getSession', code: 'SESSION_NOT_FOUND' })).toBe(1);
    expect(sample(text, metricNames.errors, { operation: 'authorizeBet', code: 'HTTP_500' })).toBe(1);
    expect(sample(text, metricNames.duplicates, { operation: 'authorizeBet' })).toBe(1);
    expect(sample(text, metricNames.idempotencyMismatches, { operation: 'authorizeBet' })).toBe(1);
    // Scrapes do not measure themselves.
    expect(text).not.toContain('operation="GET /metrics"');
    await fastify.close();
  });

  it('exposes latency buckets fine enough for p95/p99 between 5 and 500 ms', async () => {
    const { fastify } = await app();
    const text = (
      await fastify
        .inject({ method: 'POST', url: '/v1/bets/authorize', payload: {} })
        .then(() => fastify.inject({ method: 'GET', url: '/metrics' }))
    ).body;
    const les = [
      ...text.matchAll(
        /croupier_http_request_duration_seconds_bucket\{le="([^"]+)",operation="authorizeBet"/g,
      ),
    ].map((m) => m[1]);
    const inBudget = les.filter((le) => le !== '+Inf' && Number(le) >= 0.005 && Number(le) <= 0.5);
    expect(inBudget.length).toBeGreaterThanOrEqual(12);
    await fastify.close();
  });

  it('reads outbox and queue lag at scrape time and keeps the settle lag histogram and replays', async () => {
    let oldestUnpublished = 42;
    const metrics = createMetrics({
      outboxLagSeconds: () => oldestUnpublished,
      outboxPending: () => 7,
      queueLagSeconds: async () => ({ reporting: 3.5 }),
      defaultLabels: { service: 'wallet' },
    });
    metrics.observeSettleLag(2.5, 'slots');
    metrics.recordDuplicate('settleBet');
    const { fastify } = await app(metrics);
    let text = (await fastify.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, metricNames.outboxLag, { service: 'wallet' })).toBe(42);
    expect(sample(text, metricNames.outboxPending, {})).toBe(7);
    expect(sample(text, metricNames.queueLag, { consumer: 'reporting' })).toBe(3.5);
    expect(sample(text, `${metricNames.settleLag}_count`, { game_type: 'slots' })).toBe(1);
    expect(sample(text, `${metricNames.settleLag}_bucket`, { game_type: 'slots', le: '2' })).toBe(0);
    expect(sample(text, `${metricNames.settleLag}_bucket`, { game_type: 'slots', le: '5' })).toBe(1);
    expect(sample(text, metricNames.duplicates, { operation: 'settleBet' })).toBe(1);
    oldestUnpublished = 0;
    text = (await fastify.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, metricNames.outboxLag, {})).toBe(0);
    await fastify.close();
  });

  it('keeps two apps apart: each createMetrics has its own registry', async () => {
    const a = await app();
    const b = await app();
    await a.fastify.inject({ method: 'POST', url: '/v1/bets/authorize', payload: {} });
    const textB = (await b.fastify.inject({ method: 'GET', url: '/metrics' })).body;
    expect(
      sample(textB, `${metricNames.requestDuration}_count`, { operation: 'authorizeBet' }),
    ).toBeUndefined();
    await a.fastify.close();
    await b.fastify.close();
  });
});
