/**
 * Issue 13, classes 1 and 2 at the package's own seams: the signed path has one canonical form, a
 * signature one encoding, the replay store remembers what was signed, and the Fastify plugin decides
 * on the route the router matched (also under a prefix, and for routes registered by hand).
 */
import { createHmac } from 'node:crypto';
import { contractPlugin, type Handlers, operations } from '@croupier/server';
import fc from 'fast-check';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  canonicalPath,
  canonicalString,
  createSignatureVerifier,
  croupierSecurity,
  decodeSignature,
  loadOperationSecurity,
} from '../src/index.ts';
import { authorizeBody, platform, tenantHeaders } from './fixtures.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A spelling of the same bytes that is not the canonical one, chosen by fast-check. */
const respelling = fc.oneof(
  fc.constant((b64: string) => b64.replace(/=+$/, '')),
  fc.constant((b64: string) => `${b64}=`),
  fc.constant((b64: string) => b64.replace(/=$/, '')),
  fc.integer({ min: 1, max: 15 }).map((low) => (b64: string) => {
    const body = b64.replace(/=+$/, '');
    const padding = b64.length - body.length;
    const unused = padding === 2 ? 4 : padding === 1 ? 2 : 0;
    const bits = low & ((1 << unused) - 1);
    if (bits === 0) return b64.replace(/=+$/, '');
    const last = ALPHABET.indexOf(body.at(-1) as string);
    return `${body.slice(0, -1)}${ALPHABET[last ^ bits]}${'='.repeat(padding)}`;
  }),
  fc.constant((b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
  fc.tuple(fc.nat(), fc.constantFrom(' ', '\t', '\n', '\r\n')).map(
    ([at, space]) =>
      (b64: string) =>
        `${b64.slice(0, at % b64.length)}${space}${b64.slice(at % b64.length)}`,
  ),
);

describe('canonical signed path', () => {
  it('any percent-encoding of a path has the canonical form the generated client sends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        (segments, picks, lower) => {
          const sent = `/${segments.map(encodeURIComponent).join('/')}`;
          let n = 0;
          const reEncoded = sent.replace(/%[0-9A-F]{2}|[^/%]/g, (chunk) => {
            if (!picks[n++ % picks.length]) return chunk;
            if (chunk.startsWith('%')) return lower ? chunk.toLowerCase() : chunk;
            return [...Buffer.from(chunk)]
              .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
              .map((hex) => (lower ? hex : hex.toUpperCase()))
              .join('');
          });
          expect(canonicalPath(sent)).toBe(sent);
          expect(canonicalPath(reEncoded)).toBe(sent);
          expect(canonicalPath(`${reEncoded}?a=%61`)).toBe(`${sent}?a=%61`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a malformed escape has no canonical form', () => {
    for (const path of ['/v1/%zz', '/v1/%E0%A4%A', '/%', '/a%ED%A0%80'])
      expect(canonicalPath(path)).toBeUndefined();
  });
});

describe('one encoding per signature, replay keyed on what was signed', () => {
  it('decodeSignature accepts only padded standard base64 of the exact length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ed25519', 'hmac-sha256') as fc.Arbitrary<'ed25519' | 'hmac-sha256'>,
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        respelling,
        (algorithm, random, respell) => {
          const bytes = Buffer.from(random.subarray(0, algorithm === 'ed25519' ? 64 : 32));
          const canonical = bytes.toString('base64');
          expect(decodeSignature(algorithm, canonical)?.equals(bytes)).toBe(true);
          const other = respell(canonical);
          if (other !== canonical) expect(decodeSignature(algorithm, other)).toBeUndefined();
          // A signature of the other algorithm's length is refused too.
          const wrongLength = Buffer.concat([bytes, Buffer.from([1])]).toString('base64');
          expect(decodeSignature(algorithm, wrongLength)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a signed request passes once; every re-spelling, and the same bytes on an encoded path, are refused', async () => {
    const p = platform();
    const verify = createSignatureVerifier({ keyRing: p.keyRing, now: p.now });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(respelling, { minLength: 1, maxLength: 6 }),
        async (hmac, respells) => {
          const sign = hmac ? p.signer8 : p.signer7;
          const brand = hmac ? 'brand-8' : 'brand-7';
          const headers = { ...tenantHeaders, 'X-Brand-Id': brand, 'X-Idempotency-Key': `k_${n++}` };
          const signed = sign({ method: 'POST', path: '/v1/bets/authorize', headers, body: authorizeBody });
          const request = (url: string, signature = signed['X-Signature'] as string) => ({
            method: 'POST',
            url,
            headers: { ...headers, ...signed, 'X-Signature': signature },
            rawBody: authorizeBody,
          });
          const [algorithm, ...rest] = (signed['X-Signature'] as string).split('=');
          const canonical = rest.join('=');
          for (const respell of respells) {
            const other = respell(canonical);
            if (other === canonical) continue;
            const refused = await verify(request('/v1/bets/authorize', `${algorithm}=${other}`), { brand });
            expect(refused).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
          }
          expect(await verify(request('/v1/bets/authorize'), { brand })).toMatchObject({ ok: true });
          expect(await verify(request('/v1/bets/%61uthorize'), { brand })).toMatchObject({
            ok: false,
            code: 'REPLAY_DETECTED',
          });
          expect(await verify(request('/v1/bets/authorize'), { brand })).toMatchObject({
            ok: false,
            code: 'REPLAY_DETECTED',
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a signature over a non-canonical path does not verify (one signed form, not two)', async () => {
    const p = platform();
    const verify = createSignatureVerifier({ keyRing: p.keyRing, now: p.now });
    const headers = { ...tenantHeaders, 'X-Idempotency-Key': 'k_raw' };
    // The signer signs the canonical form whatever it is given, so a raw-path signature is made by hand.
    const timestamp = String(Math.floor(p.now() / 1000));
    const data = canonicalString({
      method: 'POST',
      path: '/v1/bets/%61uthorize',
      timestamp,
      idempotencyKey: 'k_raw',
      body: authorizeBody,
    });
    const signature = createHmac('sha256', p.key8.secret!).update(data).digest('base64');
    const verdict = await verify(
      {
        method: 'POST',
        url: '/v1/bets/%61uthorize',
        headers: {
          ...headers,
          'X-Brand-Id': 'brand-8',
          'X-Signature': `hmac-sha256=${signature}`,
          'X-Signature-Timestamp': timestamp,
          'X-Signature-Key-Id': p.key8.id,
        },
        rawBody: authorizeBody,
      },
      { brand: 'brand-8' },
    );
    expect(verdict).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});

describe('the Fastify plugin decides on the matched route', () => {
  const handlers = new Proxy({} as Handlers, {
    get: () => () => ({ status: 200, body: { status: 'authorized', hold_id: 'h_1' } }),
  });

  it('under a prefix, with the generated routes: every encoding of an operation path is 401 without credentials', async () => {
    const p = platform();
    const app = Fastify();
    await app.register(croupierSecurity, {
      operations,
      prefix: '/api',
      oauth2: { keyRing: p.keyRing },
      signatures: { keyRing: p.keyRing },
      now: p.now,
    });
    await app.register(contractPlugin, { handlers, prefix: '/api' });
    for (const url of [
      '/api/v1/bets/authorize',
      '/api/v1/bets/%61uthorize',
      '/api/%76%31/bets/authorize',
      '/api/v1/%62ets/authorize',
      '/api/wallet/%64ebit',
    ]) {
      const answer = await app.inject({
        method: 'POST',
        url,
        headers: tenantHeaders,
        payload: JSON.parse(authorizeBody),
      });
      expect(answer.statusCode, url).toBe(401);
      expect(answer.json().code).toBe('UNAUTHORIZED');
    }
    const balance = await app.inject({
      method: 'GET',
      url: '/api/v1/players/p_1/%62alance',
      headers: tenantHeaders,
    });
    expect(balance.statusCode).toBe(401);
    await app.close();
  });

  it('routes registered by hand (no operation id in their config) are matched by their template', async () => {
    const p = platform();
    const app = Fastify();
    await app.register(croupierSecurity, {
      operations: loadOperationSecurity(),
      oauth2: { keyRing: p.keyRing },
      now: p.now,
    });
    let reached = 0;
    app.post('/v1/bets/authorize', async () => {
      reached += 1;
      return { status: 'authorized' };
    });
    app.get('/v1/players/:player_id/balance', async () => {
      reached += 1;
      return { balances: [] };
    });
    for (const [method, url] of [
      ['POST', '/v1/bets/%61uthorize'],
      ['POST', '/v1/bets/%61%75%74%68%6f%72%69%7a%65'],
      ['GET', '/v1/players/p_demo_1/%62alance'],
      ['HEAD', '/v1/%70layers/p_demo_1/balance'],
    ] as const) {
      const answer = await app.inject({
        method,
        url,
        headers: tenantHeaders,
        payload: method === 'POST' ? {} : undefined,
      });
      expect(answer.statusCode, `${method} ${url}`).toBe(401);
    }
    expect(reached).toBe(0);
    await app.close();
  });
});
