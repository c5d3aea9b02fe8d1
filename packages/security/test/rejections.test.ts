import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { croupierSecurity, loadOperationSecurity } from '../src/index.ts';
import { authorizeBody, certificates, platform, tenantHeaders } from './fixtures.ts';
import { type TlsCall, tlsCall } from './tls-request.ts';

/**
 * One test per rejection, each with its exact contract code, against a tiny Fastify app over real
 * mTLS whose handlers count their calls: a refused request must never reach a handler.
 */
const p = platform();
let calls = 0;

async function app(rejectUnauthorized: boolean): Promise<{ app: FastifyInstance; port: number }> {
  const fastify = Fastify({
    https: {
      key: certificates.server.keyPem,
      cert: certificates.server.certPem,
      ca: certificates.ca.certPem,
      requestCert: true,
      rejectUnauthorized,
    },
  });
  await fastify.register(croupierSecurity, {
    operations: loadOperationSecurity(),
    mtls: true,
    oauth2: { keyRing: p.keyRing },
    signatures: { keyRing: p.keyRing },
    now: p.now,
    collector: p.collector,
  });
  fastify.post('/v1/bets/authorize', async (request) => {
    calls += 1;
    return {
      status: 'authorized',
      hold_id: 'h_zz1',
      principal: request.croupierPrincipal,
      echoed: request.body,
    };
  });
  fastify.get('/v1/players/:player_id/balance', async () => {
    calls += 1;
    return { player_id: 'p_demo_1', balances: [] };
  });
  fastify.get('/health', async () => ({ status: 'ok' }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { app: fastify, port: (fastify.server.address() as AddressInfo).port };
}

let strict: { app: FastifyInstance; port: number };
let lenient: { app: FastifyInstance; port: number };

beforeAll(async () => {
  strict = await app(true);
  lenient = await app(false);
});

afterAll(async () => {
  await strict.app.close();
  await lenient.app.close();
});

beforeEach(() => {
  calls = 0;
  p.clock.now = Date.now();
});

const client7 = {
  ca: certificates.ca.certPem,
  cert: certificates.brand7.certPem,
  key: certificates.brand7.keyPem,
};

async function authorize(
  options: {
    token?: string;
    sign?: (req: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body: string;
    }) => Record<string, string>;
    headers?: Record<string, string>;
    tls?: Partial<TlsCall>;
    port?: number;
    body?: string;
  } = {},
) {
  const body = options.body ?? authorizeBody;
  const headers: Record<string, string> = {
    ...tenantHeaders,
    'X-Idempotency-Key': `bet_${Math.random().toString(36).slice(2)}`,
    ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const signature = (options.sign ?? p.signer7)({
    method: 'POST',
    path: '/v1/bets/authorize',
    headers,
    body,
  });
  return tlsCall({
    port: options.port ?? strict.port,
    method: 'POST',
    path: '/v1/bets/authorize',
    headers: { ...headers, ...signature },
    body,
    ...client7,
    ...options.tls,
  });
}

function expectRefused(
  answer: { status: number; json: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(answer.json).toMatchObject({ code, retryable: false });
  expect(typeof answer.json.trace_id).toBe('string');
  expect(typeof answer.json.message).toBe('string');
  expect(answer.status).toBe(status);
  expect(calls).toBe(0);
}

describe('croupierSecurity accepts a fully authenticated request', () => {
  it('mTLS + token with scope + Ed25519 signature reach the handler once, body intact', async () => {
    const answer = await authorize({ token: await p.token(p.studio7) });
    expect(answer.status).toBe(200);
    expect(answer.json.principal).toMatchObject({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
      keyId: p.key7.id,
      via: ['mtls', 'oauth2', 'signature'],
    });
    expect(answer.json.echoed).toEqual(JSON.parse(authorizeBody));
    expect(calls).toBe(1);
  });

  it('leaves public operations (/health, security: []) open', async () => {
    const answer = await tlsCall({ port: strict.port, path: '/health', ...client7 });
    expect(answer.status).toBe(200);
  });
});

describe('croupierSecurity refuses before any handler runs', () => {
  it('wrong certificate (another CA): refused at TLS by a strict server', async () => {
    await expect(
      authorize({
        token: await p.token(p.studio7),
        tls: { cert: certificates.rogue.certPem, key: certificates.rogue.keyPem },
      }),
    ).rejects.toThrow();
    expect(calls).toBe(0);
  });

  it('wrong certificate (another CA): 401 UNAUTHORIZED where TLS lets it through', async () => {
    const answer = await authorize({
      port: lenient.port,
      token: await p.token(p.studio7),
      tls: { cert: certificates.rogue.certPem, key: certificates.rogue.keyPem },
    });
    expectRefused(answer, 401, 'UNAUTHORIZED');
  });

  it('no certificate: 401 UNAUTHORIZED where TLS lets it through', async () => {
    const answer = await authorize({
      port: lenient.port,
      token: await p.token(p.studio7),
      tls: { cert: undefined, key: undefined },
    });
    expectRefused(answer, 401, 'UNAUTHORIZED');
  });

  it("another brand's certificate: 403 FORBIDDEN_TENANT", async () => {
    const answer = await authorize({
      token: await p.token(p.studio7),
      tls: { cert: certificates.brand8.certPem, key: certificates.brand8.keyPem },
    });
    expectRefused(answer, 403, 'FORBIDDEN_TENANT');
  });

  it("another brand's token: 403 FORBIDDEN_TENANT", async () => {
    const answer = await authorize({ token: await p.token(p.studio8) });
    expectRefused(answer, 403, 'FORBIDDEN_TENANT');
  });

  it("another brand's signing key: 403 FORBIDDEN_TENANT", async () => {
    const answer = await authorize({ token: await p.token(p.studio7), sign: p.signer8 });
    expectRefused(answer, 403, 'FORBIDDEN_TENANT');
  });

  it('missing token: 401 UNAUTHORIZED', async () => {
    expectRefused(await authorize(), 401, 'UNAUTHORIZED');
  });

  it('expired token: 401 UNAUTHORIZED', async () => {
    const token = await p.token(p.studio7);
    p.clock.now += 301_000;
    expectRefused(await authorize({ token }), 401, 'UNAUTHORIZED');
  });

  it('missing scope (balances:read only, authorizeBet needs bets:write): 403 FORBIDDEN_SCOPE', async () => {
    expectRefused(await authorize({ token: await p.token(p.studio7ReadOnly) }), 403, 'FORBIDDEN_SCOPE');
  });

  it('bad signature (body changed after signing): 401 SIGNATURE_INVALID', async () => {
    const token = await p.token(p.studio7);
    const sign = (req: { method: string; path: string; headers: Record<string, string>; body: string }) =>
      p.signer7({ ...req, body: req.body.replace('2.00', '0.01') });
    expectRefused(await authorize({ token, sign }), 401, 'SIGNATURE_INVALID');
  });

  it('unsigned request: 401 SIGNATURE_INVALID', async () => {
    expectRefused(
      await authorize({ token: await p.token(p.studio7), sign: () => ({}) }),
      401,
      'SIGNATURE_INVALID',
    );
  });

  it('replayed request: the first passes, the identical second is 401 REPLAY_DETECTED', async () => {
    const token = await p.token(p.studio7);
    const headers = {
      ...tenantHeaders,
      'X-Idempotency-Key': 'bet_replay_1',
      Authorization: `Bearer ${token}`,
    };
    const signature = p.signer7({ method: 'POST', path: '/v1/bets/authorize', headers, body: authorizeBody });
    const send = () =>
      tlsCall({
        port: strict.port,
        method: 'POST',
        path: '/v1/bets/authorize',
        headers: { ...headers, ...signature },
        body: authorizeBody,
        ...client7,
      });
    expect((await send()).status).toBe(200);
    calls = 0;
    expectRefused(await send(), 401, 'REPLAY_DETECTED');
  });

  it('timestamp outside the window: 401 TIMESTAMP_OUT_OF_WINDOW', async () => {
    const token = await p.token(p.studio7);
    const sign = (req: { method: string; path: string; headers: Record<string, string>; body: string }) => {
      const saved = p.clock.now;
      p.clock.now -= 301_000;
      try {
        return p.signer7(req);
      } finally {
        p.clock.now = saved;
      }
    };
    expectRefused(await authorize({ token, sign }), 401, 'TIMESTAMP_OUT_OF_WINDOW');
  });

  it('X-Region other than the credentials: 403 REGION_MISMATCH', async () => {
    expectRefused(
      await authorize({ token: await p.token(p.studio7), headers: { 'X-Region': 'US' } }),
      403,
      'REGION_MISMATCH',
    );
  });

  it('a GET needs the scope its operation names in the contract (getBalance: balances:read)', async () => {
    const token = await p.token(p.studio7, 'bets:write');
    const headers = { ...tenantHeaders, Authorization: `Bearer ${token}` };
    const path = '/v1/players/p_demo_1/balance';
    const answer = await tlsCall({
      port: strict.port,
      path,
      headers: { ...headers, ...p.signer7({ method: 'GET', path, headers, body: '' }) },
      ...client7,
    });
    expectRefused(answer, 403, 'FORBIDDEN_SCOPE');
  });
});

describe('the security summary of the run', () => {
  it('lists keys, algorithms, scopes, mTLS subjects and rejections without key material', () => {
    const summary = p.collector.summary();
    expect(summary.algorithms).toEqual(expect.arrayContaining(['ed25519', 'hmac-sha256', 'EdDSA (Ed25519)']));
    expect(summary.keys.map((k) => k.id)).toEqual(expect.arrayContaining([p.key7.id, p.key8.id]));
    expect(summary.scopes_required).toContain('bets:write');
    expect(summary.scopes_granted).toEqual(expect.arrayContaining(['bets:write', 'balances:read']));
    expect(summary.mtls_subjects).toEqual(
      expect.arrayContaining([expect.objectContaining({ brand: 'brand-7', provider: 'studio-x' })]),
    );
    expect(summary.schemes).toEqual(['mtls', 'oauth2', 'signature']);
    expect(summary.accepted).toBeGreaterThan(0);
    for (const code of [
      'UNAUTHORIZED',
      'FORBIDDEN_TENANT',
      'FORBIDDEN_SCOPE',
      'SIGNATURE_INVALID',
      'REPLAY_DETECTED',
      'TIMESTAMP_OUT_OF_WINDOW',
      'REGION_MISMATCH',
    ]) {
      expect(summary.rejections[code]).toBeGreaterThan(0);
    }
    const text = JSON.stringify(summary);
    expect(text).not.toContain('PRIVATE');
    expect(text).not.toContain(p.key8.secret!);
  });
});
