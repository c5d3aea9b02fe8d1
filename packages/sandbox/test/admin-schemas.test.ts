import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApiOptions, adminRoutes } from '../src/admin-api.ts';
import { SandboxUnderTest } from './harness.ts';

// Every admin route that takes params, a query or a body declares their schema, as the contract's
// routes do; a body of the wrong shape is a 400 in the error schema, naming the field, before any handler.
let sut: SandboxUnderTest;
const routes: Array<{ method: string; url: string; schema?: Record<string, unknown> }> = [];
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
  // The routes as declared: registering them calls none of the services behind them.
  const app = Fastify();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, schema: route.schema as Record<string, unknown> | undefined });
    }
  });
  await app.register(adminRoutes({ defaults: {} } as unknown as AdminApiOptions), { prefix: '/sandbox' });
  await app.ready();
  await app.close();
});
afterAll(async () => {
  await sut?.stop();
});

describe('sandbox admin API route schemas', () => {
  it('every admin route with params, a query or a body declares a schema for them', () => {
    const admin = routes.filter((r) => r.url.startsWith('/sandbox/') && r.method !== 'HEAD');
    expect(admin.length).toBeGreaterThan(15);
    const missing = admin.filter((r) => {
      const takesParams = r.url.includes(':') && !r.schema?.params;
      const takesBody = (r.method === 'POST' || r.method === 'PUT') && !r.schema?.body;
      return takesParams || takesBody;
    });
    // Buttons that take no body: a players reset, a session's expiry (its id is a checked param).
    expect(missing.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'POST /sandbox/players/reset',
      'POST /sandbox/sessions/:id/expire',
    ]);
  });

  it.each([
    ['PUT', '/sandbox/emulators/wallet', { delay_ms: '5' }, /delay_ms must be integer/],
    ['PUT', '/sandbox/emulators/wallet', { delay_ms: 70_000 }, /delay_ms must be <= 60000/],
    [
      'POST',
      '/sandbox/faults',
      { kind: 'latency', delay_ms: 10, typo: 1 },
      /has "typo", which is not a field of this call/,
    ],
    ['POST', '/sandbox/faults', { kind: 'earthquake' }, /body\/kind must be one of latency, error_rate/],
    [
      'PUT',
      '/sandbox/players/p_demo_1/kyc',
      { status: 'maybe' },
      /body\/status must be one of verified, pending, denied/,
    ],
    ['POST', '/sandbox/players', { player_id: 'p_\u0001' }, /player_id must match pattern/],
    ['PUT', '/sandbox/jackpot', { percent: 1.5 }, /percent must be string/],
    ['POST', '/sandbox/jackpot/trigger', {}, /must have required property 'player_id'/],
  ])('%s %s %j → 400 VALIDATION_FAILED', async (method, url, body, message) => {
    const answer = await sut.call(method as 'POST', url, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false });
    expect(answer.body.message).toMatch(message);
    expect(answer.body.trace_id).toEqual(expect.any(String));
  });

  it('a query parameter is checked as written: "limit=ten" is refused, "limit=10" is taken', async () => {
    expect((await sut.call('GET', '/sandbox/requests?limit=ten')).status).toBe(400);
    expect((await sut.call('GET', '/sandbox/requests?limit=10')).status).toBe(200);
  });

  it('a button pressed without a body still works', async () => {
    expect((await sut.call('DELETE', '/sandbox/faults')).status).toBe(200);
    expect((await sut.call('POST', '/sandbox/players/reset')).status).toBe(200);
  });
});
