import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { JWK } from 'jose';
import { SecurityConfigError } from './errors.ts';
import type { SecuritySummaryCollector } from './summary.ts';

/** `ed25519` signs bodies and (as JOSE `EdDSA`) tokens; `hmac-sha256` signs bodies with a shared secret. */
export type KeyAlgorithm = 'ed25519' | 'hmac-sha256';

/** `token`: the platform signs access tokens with it. `signature`: a provider signs request bodies with it. */
export type KeyPurpose = 'token' | 'signature';

export interface KeyRecord {
  /** `<brand>/<region>/<provider or "platform">/<purpose>-<serial>`: readable, and unique across brands. */
  id: string;
  brand: string;
  region: string;
  /** The provider a signature key belongs to; absent on the platform's token keys. */
  provider?: string;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  publicKey?: KeyObject;
  /** Only on keys this side signs with. */
  privateKey?: KeyObject;
  /** HMAC secret (both sides hold it). */
  secret?: string;
  /** Epoch ms from which the key is accepted. */
  notBefore: number;
  /** Epoch ms from which the key is refused: the end of the overlap window after a rotation. */
  notAfter?: number;
}

export type KeyLookup =
  | { ok: true; key: KeyRecord }
  | { ok: false; reason: 'unknown' | 'retired' | 'not_yet_valid'; key?: KeyRecord };

export interface KeyRingOptions {
  now?: () => number;
  collector?: SecuritySummaryCollector;
}

export interface NewKey {
  brand: string;
  region: string;
  provider?: string;
  purpose: KeyPurpose;
  algorithm?: KeyAlgorithm;
  id?: string;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * Keys per brand and region. Rotation makes a new key current and keeps the old one accepted for an
 * overlap window, then refuses it. A key knows its brand: the verifiers refuse it for any other.
 */
export class KeyRing {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly now: () => number;
  private serial = 0;
  /** Bumps on every change so cached JWKS can tell they are stale. */
  version = 0;

  constructor(private readonly options: KeyRingOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  private newId(key: NewKey): string {
    this.serial += 1;
    const stamp = new Date(this.now()).toISOString().slice(0, 10).replace(/-/g, '');
    return `${key.brand}/${key.region}/${key.provider ?? 'platform'}/${key.purpose}-${stamp}-${this.serial}${randomBytes(2).toString('hex')}`;
  }

  private check(key: NewKey) {
    for (const [field, value] of [
      ['brand', key.brand],
      ['region', key.region],
      ...(key.provider ? [['provider', key.provider]] : []),
    ] as const) {
      if (!SAFE.test(value)) {
        throw new SecurityConfigError(
          'KEY_TENANCY_INVALID',
          `${field} "${value}" is not a valid id (letters, digits, . _ : -)`,
        );
      }
    }
  }

  /** Creates a key pair (ed25519) or secret (hmac-sha256) held with its private part. */
  generate(key: NewKey): KeyRecord {
    this.check(key);
    const algorithm = key.algorithm ?? 'ed25519';
    const base = {
      id: key.id ?? this.newId(key),
      brand: key.brand,
      region: key.region,
      ...(key.provider ? { provider: key.provider } : {}),
      purpose: key.purpose,
      algorithm,
      notBefore: this.now(),
    };
    if (algorithm === 'hmac-sha256')
      return this.add({ ...base, secret: randomBytes(32).toString('base64url') });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    return this.add({ ...base, publicKey, privateKey });
  }

  /** Registers a key someone else holds: a provider's Ed25519 public key (PEM) or a shared HMAC secret. */
  import(
    key: NewKey & { publicKeyPem?: string; privateKeyPem?: string; secret?: string; notBefore?: number },
  ): KeyRecord {
    this.check(key);
    const algorithm = key.algorithm ?? (key.secret ? 'hmac-sha256' : 'ed25519');
    const privateKey = key.privateKeyPem ? createPrivateKey(key.privateKeyPem) : undefined;
    const publicKey = key.publicKeyPem
      ? createPublicKey(key.publicKeyPem)
      : privateKey
        ? createPublicKey(privateKey)
        : undefined;
    if (algorithm === 'ed25519' && !publicKey) {
      throw new SecurityConfigError(
        'KEY_MATERIAL_MISSING',
        'an ed25519 key needs publicKeyPem or privateKeyPem',
      );
    }
    if (algorithm === 'hmac-sha256' && !key.secret) {
      throw new SecurityConfigError('KEY_MATERIAL_MISSING', 'an hmac-sha256 key needs its secret');
    }
    return this.add({
      id: key.id ?? this.newId(key),
      brand: key.brand,
      region: key.region,
      ...(key.provider ? { provider: key.provider } : {}),
      purpose: key.purpose,
      algorithm,
      ...(publicKey ? { publicKey } : {}),
      ...(privateKey ? { privateKey } : {}),
      ...(key.secret ? { secret: key.secret } : {}),
      notBefore: key.notBefore ?? this.now(),
    });
  }

  add(record: KeyRecord): KeyRecord {
    if (this.keys.has(record.id))
      throw new SecurityConfigError('KEY_ID_TAKEN', `key id ${record.id} already exists`);
    this.keys.set(record.id, record);
    this.version += 1;
    this.options.collector?.recordKey(summarize(record));
    return record;
  }

  /**
   * Makes a new key current for (brand, region, provider, purpose). Every older key of that slot stays
   * accepted until `now + overlapSeconds`, then is refused.
   */
  rotate(key: NewKey & { overlapSeconds: number }): {
    current: KeyRecord;
    retiring: KeyRecord[];
    cutoff: number;
  } {
    const now = this.now();
    const cutoff = now + key.overlapSeconds * 1000;
    const retiring = this.list().filter(
      (k) =>
        k.brand === key.brand &&
        k.region === key.region &&
        k.provider === key.provider &&
        k.purpose === key.purpose &&
        (k.notAfter === undefined || k.notAfter > cutoff),
    );
    const algorithm = key.algorithm ?? retiring.at(-1)?.algorithm;
    const current = this.generate({ ...key, ...(algorithm ? { algorithm } : {}) });
    for (const old of retiring) {
      old.notAfter = cutoff;
      this.options.collector?.recordRotation({
        brand: key.brand,
        region: key.region,
        purpose: key.purpose,
        from: old.id,
        to: current.id,
        at: new Date(now).toISOString(),
        overlap_until: new Date(cutoff).toISOString(),
      });
    }
    this.version += 1;
    return { current, retiring, cutoff };
  }

  /** Ends a key's life at once (compromise): no overlap. */
  revoke(id: string): void {
    const key = this.keys.get(id);
    if (!key) return;
    key.notAfter = this.now();
    this.version += 1;
  }

  get(id: string): KeyRecord | undefined {
    return this.keys.get(id);
  }

  /** The key if it is accepted at `at` (default now). */
  lookup(id: string, at: number = this.now()): KeyLookup {
    const key = this.keys.get(id);
    if (!key) return { ok: false, reason: 'unknown' };
    if (at < key.notBefore) return { ok: false, reason: 'not_yet_valid', key };
    if (key.notAfter !== undefined && at >= key.notAfter) return { ok: false, reason: 'retired', key };
    return { ok: true, key };
  }

  /** The newest accepted key of a slot: the one to sign with. */
  current(slot: {
    brand: string;
    region: string;
    provider?: string;
    purpose: KeyPurpose;
  }): KeyRecord | undefined {
    const at = this.now();
    const candidates = this.list()
      .map((key, index) => ({ key, index }))
      .filter(
        ({ key }) =>
          key.brand === slot.brand &&
          key.region === slot.region &&
          key.provider === slot.provider &&
          key.purpose === slot.purpose &&
          this.lookup(key.id, at).ok,
      );
    // A key without a cutoff beats one being rotated out; then the newest wins.
    const retiring = (k: KeyRecord) => (k.notAfter === undefined ? 0 : 1);
    candidates.sort(
      (a, b) => retiring(a.key) - retiring(b.key) || b.key.notBefore - a.key.notBefore || b.index - a.index,
    );
    return candidates[0]?.key;
  }

  list(): KeyRecord[] {
    return [...this.keys.values()];
  }

  /** Public Ed25519 keys still accepted, as a JWKS (`kid` = key id). HMAC secrets are never published. */
  jwks(filter: { purpose?: KeyPurpose; brand?: string; region?: string } = {}): { keys: JWK[] } {
    const at = this.now();
    const keys = this.list()
      .filter(
        (k) =>
          k.algorithm === 'ed25519' &&
          k.publicKey &&
          this.lookup(k.id, at).ok &&
          (filter.purpose === undefined || k.purpose === filter.purpose) &&
          (filter.brand === undefined || k.brand === filter.brand) &&
          (filter.region === undefined || k.region === filter.region),
      )
      .map((k) => ({
        ...(k.publicKey!.export({ format: 'jwk' }) as JWK),
        kid: k.id,
        alg: 'EdDSA',
        use: 'sig',
      }));
    return { keys };
  }
}

export function summarize(key: KeyRecord) {
  return {
    id: key.id,
    brand: key.brand,
    region: key.region,
    ...(key.provider ? { provider: key.provider } : {}),
    purpose: key.purpose,
    algorithm: key.purpose === 'token' ? 'EdDSA (Ed25519)' : key.algorithm,
    not_before: new Date(key.notBefore).toISOString(),
    ...(key.notAfter !== undefined ? { not_after: new Date(key.notAfter).toISOString() } : {}),
  };
}
