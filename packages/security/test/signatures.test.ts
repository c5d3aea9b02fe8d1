import { describe, expect, it } from 'vitest';
import {
  canonicalString,
  createSignatureVerifier,
  createSigner,
  KeyRing,
  MemoryReplayStore,
} from '../src/index.ts';

const T0 = Date.UTC(2025, 9, 23, 16, 0, 0);

function setup() {
  const clock = { now: T0 };
  const now = () => clock.now;
  const keyRing = new KeyRing({ now });
  const ed = keyRing.generate({
    brand: 'brand-7',
    region: 'EU',
    provider: 'studio-x',
    purpose: 'signature',
    algorithm: 'ed25519',
  });
  const hmac = keyRing.generate({
    brand: 'brand-7',
    region: 'EU',
    provider: 'studio-x',
    purpose: 'signature',
    algorithm: 'hmac-sha256',
  });
  const other = keyRing.generate({
    brand: 'brand-8',
    region: 'EU',
    provider: 'studio-x',
    purpose: 'signature',
    algorithm: 'hmac-sha256',
  });
  const verify = createSignatureVerifier({ keyRing, now, replayStore: new MemoryReplayStore(now) });
  return { clock, now, keyRing, ed, hmac, other, verify };
}

const expected = { brand: 'brand-7', region: 'EU', provider: 'studio-x' };
const body =
  '{"session_id":"s_456","bet_id":"b_001","round_id":"r_8c12","amount":{"amount":"2.00","currency":"EUR"}}';
const request = {
  method: 'POST',
  path: '/v1/bets/authorize',
  headers: { 'X-Idempotency-Key': 'bet_r_8c12_1' },
  body,
};

function signed(
  headers: Record<string, string>,
  overrides: Partial<{ url: string; rawBody: string; idem: string }> = {},
) {
  return {
    method: 'POST',
    url: overrides.url ?? '/v1/bets/authorize',
    headers: { 'x-idempotency-key': overrides.idem ?? 'bet_r_8c12_1', ...headers },
    rawBody: overrides.rawBody ?? body,
  };
}

describe('body signatures', () => {
  it('sign the canonical string METHOD, PATH?QUERY, TIMESTAMP, IDEMPOTENCY_KEY, BASE64(SHA256(body))', () => {
    expect(
      canonicalString({
        method: 'post',
        path: '/v1/x?a=1',
        timestamp: '1761235200',
        idempotencyKey: 'k',
        body: '',
      }),
    ).toBe('POST\n/v1/x?a=1\n1761235200\nk\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  for (const algorithm of ['ed25519', 'hmac-sha256'] as const) {
    it(`${algorithm}: a signed request verifies and names its key`, async () => {
      const { ed, hmac, verify, now } = setup();
      const key = algorithm === 'ed25519' ? ed : hmac;
      const sign = createSigner({ keyId: key.id, algorithm, key: key.privateKey ?? key.secret!, now });
      const headers = sign(request);
      expect(headers['X-Signature']).toMatch(new RegExp(`^${algorithm}=[A-Za-z0-9+/]+={0,2}$`));
      expect(headers['X-Signature-Timestamp']).toBe(String(T0 / 1000));
      const verdict = await verify(signed(headers), expected);
      expect(verdict).toMatchObject({ ok: true, key: { id: key.id } });
    });
  }

  it('401 SIGNATURE_INVALID for a changed body, path or idempotency key, a missing header and an unknown key', async () => {
    const { hmac, verify, now } = setup();
    const sign = createSigner({ keyId: hmac.id, algorithm: 'hmac-sha256', key: hmac.secret!, now });
    for (const tampered of [
      { rawBody: body.replace('2.00', '20.00') },
      { url: '/v1/bets/authorize?x=1' },
      { idem: 'other' },
    ]) {
      expect(await verify(signed(sign(request), tampered), expected)).toMatchObject({
        ok: false,
        status: 401,
        code: 'SIGNATURE_INVALID',
      });
    }
    const headers = sign(request);
    const { 'X-Signature': _, ...unsigned } = headers;
    expect(await verify(signed(unsigned), expected)).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(
      await verify(signed({ ...headers, 'X-Signature-Key-Id': 'brand-7/EU/studio-x/nope' }), expected),
    ).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('401 REPLAY_DETECTED when the same signed request comes twice inside the window', async () => {
    const { ed, verify, now } = setup();
    const headers = createSigner({ keyId: ed.id, algorithm: 'ed25519', key: ed.privateKey!, now })(request);
    expect((await verify(signed(headers), expected)).ok).toBe(true);
    expect(await verify(signed(headers), expected)).toMatchObject({
      ok: false,
      status: 401,
      code: 'REPLAY_DETECTED',
    });
  });

  it('the signer never repeats a signature, so a quick retry of the same request is not a replay', async () => {
    const { hmac, verify, now } = setup();
    const sign = createSigner({ keyId: hmac.id, algorithm: 'hmac-sha256', key: hmac.secret!, now });
    const first = sign(request);
    const retry = sign(request);
    expect(retry['X-Signature']).not.toBe(first['X-Signature']);
    expect((await verify(signed(first), expected)).ok).toBe(true);
    expect((await verify(signed(retry), expected)).ok).toBe(true);
  });

  it('401 TIMESTAMP_OUT_OF_WINDOW outside ±300 s, accepted at the edge', async () => {
    const { hmac, verify, clock } = setup();
    const at = (ms: number) =>
      createSigner({ keyId: hmac.id, algorithm: 'hmac-sha256', key: hmac.secret!, now: () => ms })(request);
    expect(await verify(signed(at(T0 - 301_000)), expected)).toMatchObject({
      status: 401,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect(await verify(signed(at(T0 + 301_000)), expected)).toMatchObject({
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect((await verify(signed(at(T0 - 300_000)), expected)).ok).toBe(true);
    clock.now = T0;
  });

  it('403 FORBIDDEN_TENANT for a key of another brand, even with a valid signature', async () => {
    const { other, verify, now } = setup();
    const headers = createSigner({ keyId: other.id, algorithm: 'hmac-sha256', key: other.secret!, now })(
      request,
    );
    expect(await verify(signed(headers), expected)).toMatchObject({
      ok: false,
      status: 403,
      code: 'FORBIDDEN_TENANT',
    });
  });

  it('rotation: old and new keys both verify until the cutoff, then the old one is refused', async () => {
    const { keyRing, hmac, verify, clock, now } = setup();
    const { current, cutoff } = keyRing.rotate({
      brand: 'brand-7',
      region: 'EU',
      provider: 'studio-x',
      purpose: 'signature',
      algorithm: 'hmac-sha256',
      overlapSeconds: 3600,
    });
    expect(cutoff).toBe(T0 + 3_600_000);
    const oldSigner = createSigner({ keyId: hmac.id, algorithm: 'hmac-sha256', key: hmac.secret!, now });
    const newSigner = createSigner({
      keyId: current.id,
      algorithm: 'hmac-sha256',
      key: current.secret!,
      now,
    });
    expect((await verify(signed(oldSigner(request)), expected)).ok).toBe(true);
    expect((await verify(signed(newSigner(request)), expected)).ok).toBe(true);
    clock.now = cutoff;
    expect(await verify(signed(oldSigner(request)), expected)).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect((await verify(signed(newSigner(request)), expected)).ok).toBe(true);
    expect(
      keyRing.current({ brand: 'brand-7', region: 'EU', provider: 'studio-x', purpose: 'signature' })?.id,
    ).toBe(current.id);
  });
});
