import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { type DevelopmentCa, writeCertificateSet } from './certificates.ts';
import type { KeyRing } from './keyring.ts';
import type { Tenancy } from './principal.ts';
import type { ClientRegistry } from './tokens.ts';

export interface SandboxCredentials extends Tenancy {
  client_id: string;
  client_secret: string;
  scopes: string[];
  /** The provider's Ed25519 body-signing key: the platform keeps only the public half. */
  signing: { keyId: string; algorithm: 'ed25519'; privateKeyPem: string; publicKeyPem: string };
  /** A shared HMAC secret, for providers that sign with HMAC-SHA256 instead. */
  hmac: { keyId: string; algorithm: 'hmac-sha256'; secret: string };
  /** Present when `certsDir` was given. */
  certs?: {
    dir: string;
    caCert: string;
    clientCert: string;
    clientKey: string;
    serverCert: string;
    serverKey: string;
  };
}

export interface SandboxCredentialOptions extends Tenancy {
  scopes: string[];
  /** The platform's registries to register the client and keys in. */
  clients: ClientRegistry;
  keyRing: KeyRing;
  /** Write a CA, server and client certificate here. */
  certsDir?: string;
  /** Reuse a CA across several brands so one server trusts all their client certificates. */
  ca?: DevelopmentCa;
}

/**
 * Everything a provider needs to call a secured sandbox: OAuth2 client id and secret, an Ed25519
 * signing key pair and an HMAC secret (both registered in the key ring), and optionally certificates.
 */
export function issueSandboxCredentials(options: SandboxCredentialOptions): SandboxCredentials {
  const tenancy = { brand: options.brand, region: options.region, provider: options.provider };
  const { client_id, client_secret } = options.clients.register({ ...tenancy, scopes: options.scopes });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signingKey = options.keyRing.import({
    ...tenancy,
    purpose: 'signature',
    algorithm: 'ed25519',
    publicKeyPem,
  });
  const hmacKey = options.keyRing.generate({ ...tenancy, purpose: 'signature', algorithm: 'hmac-sha256' });
  const credentials: SandboxCredentials = {
    ...tenancy,
    client_id,
    client_secret,
    scopes: [...options.scopes],
    signing: { keyId: signingKey.id, algorithm: 'ed25519', privateKeyPem, publicKeyPem },
    hmac: { keyId: hmacKey.id, algorithm: 'hmac-sha256', secret: hmacKey.secret! },
  };
  if (options.certsDir) {
    const set = writeCertificateSet({
      ...tenancy,
      out: join(options.certsDir),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    credentials.certs = {
      dir: set.dir,
      caCert: set.files.caCert,
      clientCert: set.files.clientCert,
      clientKey: set.files.clientKey,
      serverCert: set.files.serverCert,
      serverKey: set.files.serverKey,
    };
  }
  return credentials;
}
