import Fastify from 'fastify';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ClientRegistry,
  createTokenIssuer,
  createTokenVerifier,
  isOAuthError,
  KeyRing,
  oauthRoutes,
  type TokenResponse,
} from '../src/index.ts';

function setup(start = Date.UTC(2025, 9, 23, 16, 0, 0)) {
  const clock = { now: start };
  const now = () => clock.now;
  const keyRing = new KeyRing({ now });
  const clients = new ClientRegistry();
  const studio = clients.register({
    provider: 'studio-x',
    brand: 'brand-7',
    region: 'EU',
    scopes: ['bets:write', 'sessions:write'],
  });
  const issuer = createTokenIssuer({ keyRing, clients, now, ttlSeconds: 300 });
  const verifyToken = createTokenVerifier({ keyRing, now });
  return { clock, keyRing, clients, studio, issuer, verifyToken };
}

describe('OAuth2 client credentials', () => {
  it('issues a short-lived EdDSA JWT carrying brand, region, provider and the granted scopes', async () => {
    const { studio, issuer, verifyToken, keyRing } = setup();
    const token = (await issuer.issueToken({
      grant_type: 'client_credentials',
      ...studio,
      scope: 'bets:write',
    })) as TokenResponse;
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'bets:write' });
    const header = decodeProtectedHeader(token.access_token);
    expect(header.alg).toBe('EdDSA');
    expect(keyRing.get(header.kid!)).toMatchObject({ brand: 'brand-7', region: 'EU', purpose: 'token' });
    expect(decodeJwt(token.access_token)).toMatchObject({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
    });
    const verified = await verifyToken(token.access_token);
    expect(verified).toMatchObject({ ok: true, claims: { brand: 'brand-7', scopes: ['bets:write'] } });
  });

  it('grants every allowed scope when none is asked for', async () => {
    const { studio, issuer } = setup();
    const token = (await issuer.issueToken({ ...studio })) as TokenResponse;
    expect(token.scope.split(' ').sort()).toEqual(['bets:write', 'sessions:write']);
  });

  it('refuses a wrong secret with invalid_client and an unallowed scope with invalid_scope', async () => {
    const { studio, issuer } = setup();
    const wrong = await issuer.issueToken({ client_id: studio.client_id, client_secret: 'nope' });
    expect(isOAuthError(wrong) && wrong.error).toBe('invalid_client');
    const scope = await issuer.issueToken({ ...studio, scope: 'settlements:write' });
    expect(isOAuthError(scope) && scope).toMatchObject({ error: 'invalid_scope', status: 400 });
  });

  it('answers 401 UNAUTHORIZED to a missing, tampered or expired token', async () => {
    const { studio, issuer, verifyToken, clock } = setup();
    const token = (await issuer.issueToken(studio)) as TokenResponse;
    expect(await verifyToken(undefined)).toMatchObject({ ok: false, status: 401, code: 'UNAUTHORIZED' });
    expect(await verifyToken(`${token.access_token.slice(0, -4)}AAAA`)).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    clock.now += 301_000;
    const expired = await verifyToken(token.access_token);
    expect(expired).toMatchObject({ ok: false, status: 401, code: 'UNAUTHORIZED' });
    expect(!expired.ok && expired.message).toMatch(/expired/);
  });

  it('keeps tokens signed by the old key valid through the rotation overlap, then refuses them', async () => {
    const { studio, issuer, verifyToken, keyRing, clock } = setup();
    const before = (await issuer.issueToken(studio)) as TokenResponse;
    keyRing.rotate({ brand: 'brand-7', region: 'EU', purpose: 'token', overlapSeconds: 120 });
    const after = (await issuer.issueToken(studio)) as TokenResponse;
    expect(decodeProtectedHeader(after.access_token).kid).not.toBe(
      decodeProtectedHeader(before.access_token).kid,
    );
    expect((await verifyToken(before.access_token)).ok).toBe(true);
    clock.now += 121_000;
    expect(await verifyToken(before.access_token)).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    expect((await verifyToken(after.access_token)).ok).toBe(true);
  });

  it('serves POST /oauth/token (form and JSON, RFC 6749 errors) and the JWKS', async () => {
    const { studio, issuer, keyRing } = setup(Date.now());
    const app = Fastify();
    await app.register(oauthRoutes, { issuer, keyRing });
    const form = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        ...studio,
        scope: 'bets:write',
      }).toString(),
    });
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.json()).toMatchObject({ token_type: 'Bearer', scope: 'bets:write' });
    const basic = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${studio.client_id}:${studio.client_secret}`).toString('base64')}`,
      },
      payload: { grant_type: 'client_credentials' },
    });
    expect(basic.statusCode).toBe(200);
    const badClient = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: studio.client_id, client_secret: 'x' },
    });
    expect(badClient.statusCode).toBe(401);
    expect(badClient.json()).toMatchObject({ error: 'invalid_client' });
    const badScope = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', ...studio, scope: 'events:publish' },
    });
    expect(badScope.statusCode).toBe(400);
    expect(badScope.json()).toMatchObject({ error: 'invalid_scope' });
    const badGrant = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'password', ...studio },
    });
    expect(badGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const keys = jwks.json().keys as Array<Record<string, string>>;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(keys[0]).not.toHaveProperty('d');
    await app.close();
  });
});
