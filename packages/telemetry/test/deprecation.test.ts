import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, loadOpenApi } from '@croupier/codegen';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  createMetrics,
  DeprecationRegistry,
  deprecationPlugin,
  metricNames,
  type OperationTable,
  operationIdFromTable,
} from '../src/index.ts';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/deprecated-api.yaml');

/** The operations table the codegen writes into generated/server, built from the fixture contract. */
async function operationsOf(file: string): Promise<OperationTable> {
  const model = buildModel(await loadOpenApi(file));
  return Object.fromEntries(
    model.operations.map((op) => [
      op.operationId,
      {
        operationId: op.operationId,
        method: op.method.toUpperCase(),
        path: op.path,
        deprecated: op.deprecated,
        sunset: op.sunset,
      },
    ]),
  );
}

async function walletWith(operations: OperationTable) {
  let clock = new Date('2026-01-10T12:00:00Z');
  const metrics = createMetrics();
  const deprecations = DeprecationRegistry.fromTable(operations, { metrics, now: () => clock });
  const app = Fastify();
  await app.register(deprecationPlugin, { deprecations, operationIdOf: operationIdFromTable(operations) });
  app.get('/v1/players/:player_id/balance', async () => ({ balances: [] }));
  app.get('/v1/balance', async (request, reply) => {
    const query = request.query as { player_id?: string };
    if (!query.player_id)
      return reply
        .code(400)
        .send({ code: 'VALIDATION_FAILED', message: 'player_id', retryable: false, trace_id: 't' });
    return { balances: [] };
  });
  return { app, deprecations, metrics, tick: (iso: string) => (clock = new Date(iso)) };
}

describe('Deprecation and Sunset headers from the contract', () => {
  it('reads deprecated and x-sunset from the operations table the codegen builds', async () => {
    const operations = await operationsOf(fixture);
    expect(operations.getBalanceLegacy).toMatchObject({ deprecated: true, sunset: '2026-06-30' });
    expect(operations.getBalance).toMatchObject({ deprecated: false });
  });

  it('marks responses of the deprecated operation, errors included, and leaves the others alone', async () => {
    const { app } = await walletWith(await operationsOf(fixture));
    const legacy = await app.inject({
      method: 'GET',
      url: '/v1/balance?player_id=p_demo_1',
      headers: { 'x-provider-id': 'studio' },
    });
    expect(legacy.statusCode).toBe(200);
    expect(legacy.headers.deprecation).toBe('true');
    expect(legacy.headers.sunset).toBe('Tue, 30 Jun 2026 00:00:00 GMT');
    const failed = await app.inject({
      method: 'GET',
      url: '/v1/balance',
      headers: { 'x-provider-id': 'studio' },
    });
    expect(failed.statusCode).toBe(400);
    expect(failed.headers.sunset).toBe('Tue, 30 Jun 2026 00:00:00 GMT');
    const current = await app.inject({ method: 'GET', url: '/v1/players/p_demo_1/balance' });
    expect(current.headers.deprecation).toBeUndefined();
    expect(current.headers.sunset).toBeUndefined();
    await app.close();
  });

  it('sends the RFC 9745 date form and a Link when the deprecation date and a guide are known', () => {
    const registry = new DeprecationRegistry([
      {
        operationId: 'getBalanceLegacy',
        deprecatedAt: new Date('2026-01-01T00:00:00Z'),
        sunset: new Date('2026-06-30T00:00:00Z'),
        link: 'https://docs.example/migrate-balance',
      },
    ]);
    expect(registry.headersFor('getBalanceLegacy')).toEqual({
      deprecation: '@1767225600',
      sunset: 'Tue, 30 Jun 2026 00:00:00 GMT',
      link: '<https://docs.example/migrate-balance>; rel="deprecation"; type="text/html"',
    });
    expect(registry.headersFor('getBalance')).toEqual({});
  });

  it('tells who still calls what, per provider, in the registry and in Prometheus', async () => {
    const { app, deprecations, metrics, tick } = await walletWith(await operationsOf(fixture));
    const call = (provider?: string) =>
      app.inject({
        method: 'GET',
        url: '/v1/balance?player_id=p_demo_1',
        headers: provider ? { 'x-provider-id': provider } : {},
      });
    await call('studio');
    tick('2026-01-11T08:00:00Z');
    await call('studio');
    await call('studio');
    await call('reelworks');
    await call();
    await app.inject({
      method: 'GET',
      url: '/v1/players/p_demo_1/balance',
      headers: { 'x-provider-id': 'modern' },
    });

    expect(deprecations.deprecationUsage()).toEqual([
      {
        operationId: 'getBalanceLegacy',
        providerId: 'studio',
        calls: 3,
        firstSeen: '2026-01-10T12:00:00.000Z',
        lastSeen: '2026-01-11T08:00:00.000Z',
        sunset: '2026-06-30T00:00:00.000Z',
      },
      {
        operationId: 'getBalanceLegacy',
        providerId: 'reelworks',
        calls: 1,
        firstSeen: '2026-01-11T08:00:00.000Z',
        lastSeen: '2026-01-11T08:00:00.000Z',
        sunset: '2026-06-30T00:00:00.000Z',
      },
      {
        operationId: 'getBalanceLegacy',
        providerId: 'unknown',
        calls: 1,
        firstSeen: '2026-01-11T08:00:00.000Z',
        lastSeen: '2026-01-11T08:00:00.000Z',
        sunset: '2026-06-30T00:00:00.000Z',
      },
    ]);
    const text = await metrics.scrape();
    expect(text).toContain(
      `${metricNames.deprecatedCalls}{operation="getBalanceLegacy",provider="studio"} 3`,
    );
    expect(text).not.toContain('provider="modern"');
    await app.close();
  });

  it('refuses an x-sunset that is not a date, naming the operation', () => {
    expect(() =>
      DeprecationRegistry.fromTable({
        old: { operationId: 'old', method: 'GET', path: '/old', deprecated: true, sunset: 'soon' },
      }),
    ).toThrow(/DEPRECATION_SUNSET_INVALID.*old/);
  });
});
