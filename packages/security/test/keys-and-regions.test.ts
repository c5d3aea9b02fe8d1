import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ClientRegistry,
  createRequestVerifier,
  createSigner,
  createSignatureVerifier,
  issueSandboxCredentials,
  KeyRing,
  loadOperationSecurity,
  principalFromCertificate,
  RegionRouter,
  SecuritySummaryCollector,
} from '../src/index.ts';

const T0 = Date.UTC(2025, 9, 23, 16, 0, 0);

describe('KeyRing', () => {
  it('names keys by brand and region and rejects ids that could smuggle another tenant', () => {
    const ring = new KeyRing({ now: () => T0 });
    const key = ring.generate({ brand: 'brand-7', region: 'EU', provider: 'studio-x', purpose: 'signature' });
    expect(key.id.startsWith('brand-7/EU/studio-x/signature-')).toBe(true);
    expect(() => ring.generate({ brand: 'brand-7/EU', region: 'EU', purpose: 'token' })).toThrow(
      /KEY_TENANCY_INVALID/,
    );
  });

  it('publishes public token keys as a JWKS, keeps retired ones out after the cutoff, never publishes HMAC secrets', () => {
    const clock = { now: T0 };
    const collector = new SecuritySummaryCollector();
    const ring = new KeyRing({ now: () => clock.now, collector });
    const first = ring.generate({ brand: 'brand-7', region: 'EU', purpose: 'token' });
    ring.generate({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
      purpose: 'signature',
      algorithm: 'hmac-sha256',
    });
    const { current } = ring.rotate({
      brand: 'brand-7',
      region: 'EU',
      purpose: 'token',
      overlapSeconds: 600,
    });
    expect(ring.jwks({ purpose: 'token' }).keys.map((k) => k.kid)).toEqual([first.id, current.id]);
    expect(JSON.stringify(ring.jwks())).not.toMatch(/"d"|"k"/);
    clock.now += 600_000;
    expect(ring.jwks({ purpose: 'token' }).keys.map((k) => k.kid)).toEqual([current.id]);
    const summary = collector.summary();
    expect(summary.rotations).toEqual([
      expect.objectContaining({
        from: first.id,
        to: current.id,
        overlap_until: new Date(T0 + 600_000).toISOString(),
      }),
    ]);
    expect(summary.keys.find((k) => k.id === first.id)?.not_after).toBe(new Date(T0 + 600_000).toISOString());
  });

  it('a revoked key is refused at once', async () => {
    const ring = new KeyRing({ now: () => T0 });
    const key = ring.generate({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
      purpose: 'signature',
      algorithm: 'hmac-sha256',
    });
    const sign = createSigner({ keyId: key.id, algorithm: 'hmac-sha256', key: key.secret!, now: () => T0 });
    ring.revoke(key.id);
    const verify = createSignatureVerifier({ keyRing: ring, now: () => T0 });
    const headers = sign({ method: 'GET', path: '/v1/players/p/balance', headers: {}, body: '' });
    expect(await verify({ method: 'GET', url: '/v1/players/p/balance', headers, rawBody: '' })).toMatchObject(
      { code: 'SIGNATURE_INVALID' },
    );
  });
});

describe('RegionRouter', () => {
  const router = new RegionRouter({
    regions: { EU: { url: 'postgres://eu/db' }, US: { url: 'postgres://us/db' } },
    playerRegion: (_brand, playerId) => (playerId.startsWith('p_us_') ? 'US' : 'EU'),
  });

  it("serves a request from its region's store", async () => {
    expect(
      await router.route({
        requestedRegion: 'EU',
        principalRegion: 'EU',
        brand: 'brand-7',
        playerId: 'p_demo_1',
      }),
    ).toEqual({
      ok: true,
      region: 'EU',
      store: { url: 'postgres://eu/db' },
    });
  });

  it('refuses 403 REGION_MISMATCH: X-Region other than the credentials, an unknown region, a player of another region', async () => {
    for (const request of [
      { requestedRegion: 'US', principalRegion: 'EU', brand: 'brand-7' },
      { requestedRegion: 'APAC', principalRegion: 'APAC', brand: 'brand-7' },
      { requestedRegion: 'EU', principalRegion: 'EU', brand: 'brand-7', playerId: 'p_us_9' },
    ]) {
      expect(await router.route(request)).toMatchObject({ ok: false, status: 403, code: 'REGION_MISMATCH' });
    }
  });

  it('the request verifier applies it to /players/{player_id} paths', async () => {
    const keyRing = new KeyRing({ now: () => T0 });
    const key = keyRing.generate({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
      purpose: 'signature',
      algorithm: 'hmac-sha256',
    });
    const verifier = createRequestVerifier({
      operations: loadOperationSecurity(),
      signatures: { keyRing },
      regions: router,
      now: () => T0,
    });
    const sign = createSigner({ keyId: key.id, algorithm: 'hmac-sha256', key: key.secret!, now: () => T0 });
    const call = async (player: string) => {
      const path = `/v1/players/${player}/balance`;
      const headers = { 'X-Brand-Id': 'brand-7', 'X-Region': 'EU', 'X-Provider-Id': 'studio-x' };
      return verifier.verify({
        method: 'GET',
        url: path,
        headers: { ...headers, ...sign({ method: 'GET', path, headers, body: '' }) },
        rawBody: '',
      });
    };
    expect(await call('p_demo_1')).toMatchObject({
      ok: true,
      principal: { brand: 'brand-7', keyId: key.id, via: ['signature'] },
    });
    expect(await call('p_us_9')).toMatchObject({ ok: false, code: 'REGION_MISMATCH' });
  });
});

describe('issueSandboxCredentials', () => {
  it('registers a client, an Ed25519 and an HMAC signing key, and writes certificates', () => {
    const clients = new ClientRegistry();
    const keyRing = new KeyRing();
    const out = mkdtempSync(join(tmpdir(), 'croupier-sandbox-'));
    const credentials = issueSandboxCredentials({
      provider: 'studio-x',
      brand: 'brand-7',
      region: 'EU',
      scopes: ['bets:write'],
      clients,
      keyRing,
      certsDir: out,
    });
    expect(clients.authenticate(credentials.client_id, credentials.client_secret)).toMatchObject({
      brand: 'brand-7',
      scopes: ['bets:write'],
    });
    expect(keyRing.get(credentials.signing.keyId)).toMatchObject({
      algorithm: 'ed25519',
      purpose: 'signature',
      provider: 'studio-x',
    });
    expect(keyRing.get(credentials.signing.keyId)?.privateKey).toBeUndefined();
    expect(keyRing.get(credentials.hmac.keyId)?.secret).toBe(credentials.hmac.secret);
    expect(existsSync(credentials.certs!.clientCert)).toBe(true);
    expect(principalFromCertificate(readFileSync(credentials.certs!.clientCert, 'utf8'))).toEqual({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
    });
  });
});
