import type { AddressInfo } from 'node:net';
import { ApiError, createClient } from '@croupier/client';
import { contractPlugin, type Handlers, operations } from '@croupier/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { croupierSecurity, createSigner, issueSandboxCredentials, oauthRoutes } from '../src/index.ts';
import { platform } from './fixtures.ts';

/**
 * The wiring the wallet and sandbox will use: croupierSecurity on the app, then the generated
 * contract plugin; the generated client signs through createSigner and sends a bearer token.
 */
const p = platform();
const credentials = issueSandboxCredentials({
  provider: 'studio-x',
  brand: 'brand-7',
  region: 'EU',
  scopes: ['sessions:write', 'bets:write', 'settlements:write'],
  clients: p.clients,
  keyRing: p.keyRing,
});
let ledgerWrites = 0;
let app: FastifyInstance;
let baseUrl = '';

const handlers = new Proxy({} as Handlers, {
  get: (_target, operationId: string) => () => {
    ledgerWrites += 1;
    if (operationId === 'authorizeBet')
      return { status: 200, body: { status: 'authorized', hold_id: 'h_zz1' } };
    if (operationId === 'getHealth')
      return { status: 200, body: { status: 'ok', version: '1.0.0', time: new Date().toISOString() } };
    return {
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: 'not in this test', retryable: true, trace_id: 't' },
    };
  },
});

beforeAll(async () => {
  app = Fastify();
  await app.register(oauthRoutes, { issuer: p.issuer, keyRing: p.keyRing });
  await app.register(croupierSecurity, {
    operations,
    oauth2: { keyRing: p.keyRing },
    signatures: { keyRing: p.keyRing },
    now: p.now,
  });
  await app.register(contractPlugin, { handlers });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
});

async function fetchToken(scope: string): Promise<string> {
  const answer = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.client_id,
      client_secret: credentials.client_secret,
      scope,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

function client(token: string, algorithm: 'ed25519' | 'hmac-sha256' = 'ed25519') {
  const sign =
    algorithm === 'ed25519'
      ? createSigner({ keyId: credentials.signing.keyId, algorithm, key: credentials.signing.privateKeyPem })
      : createSigner({ keyId: credentials.hmac.keyId, algorithm, key: credentials.hmac.secret });
  return createClient({
    baseUrl,
    brandId: 'brand-7',
    region: 'EU',
    providerId: 'studio-x',
    headers: { authorization: `Bearer ${token}` },
    sign,
    retry: { maxAttempts: 1 },
  });
}

const bet = {
  body: {
    session_id: 's_456',
    bet_id: 'b_001',
    round_id: 'r_8c12',
    amount: { amount: '2.00', currency: 'EUR' },
  },
};

describe('security in front of the generated server plugin, called by the generated client', () => {
  it('a signed call with a scoped token reaches the handler (Ed25519 and HMAC)', async () => {
    const token = await fetchToken('bets:write');
    ledgerWrites = 0;
    expect((await client(token).authorizeBet(bet)).body).toMatchObject({
      status: 'authorized',
      hold_id: 'h_zz1',
    });
    expect((await client(token, 'hmac-sha256').authorizeBet(bet)).body).toMatchObject({
      status: 'authorized',
    });
    expect(ledgerWrites).toBe(2);
  });

  it('a token without the scope the contract names is refused 403 FORBIDDEN_SCOPE before the handler', async () => {
    const token = await fetchToken('sessions:write');
    ledgerWrites = 0;
    const error = await client(token)
      .authorizeBet(bet)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN_SCOPE' });
    expect(ledgerWrites).toBe(0);
  });

  it('/health stays open without credentials', async () => {
    const health = await createClient({ baseUrl }).getHealth();
    expect(health.status).toBe(200);
  });
});
