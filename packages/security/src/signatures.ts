import {
  createHash,
  createHmac,
  createPrivateKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { type Rejection, reject, SecurityConfigError } from './errors.ts';
import type { KeyAlgorithm, KeyRecord, KeyRing } from './keyring.ts';
import { headerValue } from './principal.ts';
import { MemoryReplayStore, type ReplayStore } from './replay.ts';

export const SIGNATURE_HEADER = 'X-Signature';
export const TIMESTAMP_HEADER = 'X-Signature-Timestamp';
export const KEY_ID_HEADER = 'X-Signature-Key-Id';
export const IDEMPOTENCY_HEADER = 'X-Idempotency-Key';

export interface SignableRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/v1/bets/authorize?x=1`. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The one form of a request path that is signed and verified: every segment percent-decoded and
 * re-encoded as `encodeURIComponent` does, which is what the generated client sends. `/v1/bets/%61uthorize`
 * and `/v1/bets/authorize` reach the same route, so they must be the same signed bytes (and the same
 * replay); a client signing a differently encoded path fails verification instead of opening a second
 * way in. The query is kept as sent. `undefined` when a segment is not valid percent-encoded UTF-8.
 */
export function canonicalPath(pathAndQuery: string): string | undefined {
  const at = pathAndQuery.indexOf('?');
  const path = at < 0 ? pathAndQuery : pathAndQuery.slice(0, at);
  const query = at < 0 ? '' : pathAndQuery.slice(at);
  try {
    return path
      .split('/')
      .map((segment) => encodeURIComponent(decodeURIComponent(segment)))
      .join('/')
      .concat(query);
  } catch {
    return undefined;
  }
}

/** Raw signature length per algorithm: HMAC-SHA256 gives 32 bytes, Ed25519 64. */
const SIGNATURE_BYTES: Record<KeyAlgorithm, number> = { 'hmac-sha256': 32, ed25519: 64 };

/**
 * Decodes a signature only from its one canonical encoding: standard base64 alphabet, `=` padding
 * present, unused trailing bits zero, the algorithm's exact length. Base64 has several spellings of
 * the same bytes (no padding, other trailing bits, URL alphabet, embedded whitespace); accepting them
 * let a captured signature pass the replay check once per spelling.
 */
export function decodeSignature(algorithm: KeyAlgorithm, text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== SIGNATURE_BYTES[algorithm] || bytes.toString('base64') !== text) return undefined;
  return bytes;
}

/**
 * The bytes that are signed, one field a line:
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nIDEMPOTENCY_KEY\nBASE64(SHA256(raw body))`.
 * The idempotency key is signed so a captured signature cannot be replayed under a new key.
 */
export function canonicalString(parts: {
  method: string;
  path: string;
  timestamp: string;
  idempotencyKey: string | undefined;
  body: string | Uint8Array;
}): string {
  const digest = createHash('sha256').update(parts.body).digest('base64');
  return [parts.method.toUpperCase(), parts.path, parts.timestamp, parts.idempotencyKey ?? '', digest].join(
    '\n',
  );
}

function computeSignature(algorithm: KeyAlgorithm, key: KeyObject | string, data: string): string {
  if (algorithm === 'hmac-sha256') {
    if (typeof key !== 'string')
      throw new SecurityConfigError('SIGNER_KEY_INVALID', 'hmac-sha256 needs the secret as a string');
    return createHmac('sha256', key).update(data).digest('base64');
  }
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  return sign(null, Buffer.from(data), privateKey).toString('base64');
}

export interface SignerOptions {
  keyId: string;
  algorithm: KeyAlgorithm;
  /** The HMAC secret, or the Ed25519 private key (PEM or KeyObject). */
  key: string | KeyObject;
  /** Epoch ms (default `Date.now`). */
  now?: () => number;
}

/**
 * The generated client's `sign` hook: returns the three signature headers for one attempt.
 * Two attempts of the same request within one second would sign identical bytes and read as a
 * replay, so a repeat gets the next second's timestamp instead (well inside the window).
 */
export function createSigner(options: SignerOptions): (request: SignableRequest) => Record<string, string> {
  const now = options.now ?? Date.now;
  const key =
    options.algorithm === 'ed25519' && typeof options.key === 'string'
      ? createPrivateKey(options.key)
      : options.key;
  const lastTimestamp = new Map<string, number>();
  return (request) => {
    const idempotencyKey = headerValue(request.headers, IDEMPOTENCY_HEADER);
    const base = `${request.method.toUpperCase()}\n${request.path}\n${idempotencyKey ?? ''}\n${request.body}`;
    let timestamp = Math.floor(now() / 1000);
    const previous = lastTimestamp.get(base);
    if (previous !== undefined && timestamp <= previous) timestamp = previous + 1;
    lastTimestamp.set(base, timestamp);
    if (lastTimestamp.size > 10_000) lastTimestamp.delete(lastTimestamp.keys().next().value as string);
    const data = canonicalString({
      ...request,
      path: canonicalPath(request.path) ?? request.path,
      timestamp: String(timestamp),
      idempotencyKey,
    });
    return {
      [SIGNATURE_HEADER]: `${options.algorithm}=${computeSignature(options.algorithm, key, data)}`,
      [TIMESTAMP_HEADER]: String(timestamp),
      [KEY_ID_HEADER]: options.keyId,
    };
  };
}

export interface SignatureVerifierOptions {
  keyRing: KeyRing;
  /** Accepted distance between the signature timestamp and the clock, both ways (default 300 s). */
  windowSeconds?: number;
  replayStore?: ReplayStore;
  now?: () => number;
}

export interface SignedRequest {
  method: string;
  /** Path and query as received; verified in their canonical form (`canonicalPath`). */
  url: string;
  headers: Record<string, unknown>;
  rawBody: string | Uint8Array;
}

export type SignatureVerdict = { ok: true; key: KeyRecord } | Rejection;

function safeEqual(left: Buffer, right: Buffer): boolean {
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a signed request: the key exists, belongs to the tenant in the headers and is not retired;
 * the timestamp is inside the window; the signature verifies; and it was not seen before.
 */
export function createSignatureVerifier(options: SignatureVerifierOptions) {
  const now = options.now ?? Date.now;
  const windowSeconds = options.windowSeconds ?? 300;
  const replays = options.replayStore ?? new MemoryReplayStore(now);

  return async function verifySignature(
    request: SignedRequest,
    expected: { brand?: string; region?: string; provider?: string } = {},
  ): Promise<SignatureVerdict> {
    const header = headerValue(request.headers, SIGNATURE_HEADER);
    const timestamp = headerValue(request.headers, TIMESTAMP_HEADER);
    const keyId = headerValue(request.headers, KEY_ID_HEADER);
    if (!header || !timestamp || !keyId) {
      return reject(
        'SIGNATURE_INVALID',
        `signed requests need ${SIGNATURE_HEADER}, ${TIMESTAMP_HEADER} and ${KEY_ID_HEADER}; missing: ${[
          !header && SIGNATURE_HEADER,
          !timestamp && TIMESTAMP_HEADER,
          !keyId && KEY_ID_HEADER,
        ]
          .filter(Boolean)
          .join(', ')}`,
      );
    }
    const match = /^(hmac-sha256|ed25519)=(.*)$/s.exec(header);
    if (!match)
      return reject('SIGNATURE_INVALID', `${SIGNATURE_HEADER} must read "<hmac-sha256|ed25519>=<base64>"`);
    const [, algorithm, encoded] = match as unknown as [string, KeyAlgorithm, string];
    const signature = decodeSignature(algorithm, encoded);
    if (!signature) {
      return reject(
        'SIGNATURE_INVALID',
        `${SIGNATURE_HEADER} must carry the ${SIGNATURE_BYTES[algorithm]}-byte ${algorithm} signature in standard padded base64, exactly as Buffer#toString('base64') writes it`,
      );
    }
    const path = canonicalPath(request.url);
    if (path === undefined)
      return reject('SIGNATURE_INVALID', 'the request path is not valid percent-encoded UTF-8');

    const at = now();
    const lookup = options.keyRing.lookup(keyId, at);
    if (!lookup.ok && lookup.reason === 'unknown') {
      return reject(
        'SIGNATURE_INVALID',
        `signature key ${keyId} is not known; register it or use a current key`,
      );
    }
    const key = lookup.key!;
    if (key.purpose !== 'signature')
      return reject('SIGNATURE_INVALID', `key ${keyId} is not a body-signature key`);
    // Tenancy before validity: another brand's key is a tenancy breach, whatever its state.
    if (expected.brand !== undefined && key.brand !== expected.brand) {
      return reject(
        'FORBIDDEN_TENANT',
        `signature key ${keyId} belongs to brand ${key.brand}, not ${expected.brand}`,
      );
    }
    if (expected.provider !== undefined && key.provider !== undefined && key.provider !== expected.provider) {
      return reject(
        'FORBIDDEN_TENANT',
        `signature key ${keyId} belongs to provider ${key.provider}, not ${expected.provider}`,
      );
    }
    if (expected.region !== undefined && key.region !== expected.region) {
      return reject(
        'REGION_MISMATCH',
        `signature key ${keyId} is for region ${key.region}, not ${expected.region}`,
      );
    }
    if (!lookup.ok) {
      return reject(
        'SIGNATURE_INVALID',
        lookup.reason === 'retired'
          ? `signature key ${keyId} was rotated out at ${new Date(key.notAfter!).toISOString()}; sign with the current key`
          : `signature key ${keyId} is not valid before ${new Date(key.notBefore).toISOString()}`,
      );
    }
    if (key.algorithm !== algorithm) {
      return reject(
        'SIGNATURE_INVALID',
        `key ${keyId} signs with ${key.algorithm}, the header says ${algorithm}`,
      );
    }

    if (!/^\d{1,12}$/.test(timestamp)) {
      return reject(
        'TIMESTAMP_OUT_OF_WINDOW',
        `${TIMESTAMP_HEADER} must be unix seconds, got "${timestamp}"`,
      );
    }
    const skew = Number(timestamp) - Math.floor(at / 1000);
    if (Math.abs(skew) > windowSeconds) {
      return reject(
        'TIMESTAMP_OUT_OF_WINDOW',
        `${TIMESTAMP_HEADER} is ${skew} s from the platform clock (window ±${windowSeconds} s); check the caller's time sync`,
      );
    }

    const data = canonicalString({
      method: request.method,
      path,
      timestamp,
      idempotencyKey: headerValue(request.headers, IDEMPOTENCY_HEADER),
      body: request.rawBody,
    });
    const valid =
      algorithm === 'hmac-sha256'
        ? safeEqual(
            createHmac('sha256', key.secret ?? '')
              .update(data)
              .digest(),
            signature,
          )
        : verify(null, Buffer.from(data), key.publicKey!, signature);
    if (!valid) {
      return reject(
        'SIGNATURE_INVALID',
        'signature does not verify: sign METHOD\\nPATH?QUERY\\nTIMESTAMP\\nIDEMPOTENCY_KEY\\nBASE64(SHA256(raw body)) with the named key',
      );
    }

    // Remembered for twice the window: a timestamp may sit at either edge of it. Keyed on what was
    // signed, not on the header's text, so no other spelling or encoding of the same request is new.
    const signed = createHash('sha256').update(data).digest('base64');
    if (!(await replays.rememberOnce(`${keyId}|${signed}`, windowSeconds * 2))) {
      return reject('REPLAY_DETECTED', 'this signature was already used; sign each attempt anew');
    }
    return { ok: true, key };
  };
}
