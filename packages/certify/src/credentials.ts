/**
 * A provider's credentials for a secured target (what `croupier sandbox keys` writes): the client
 * certificate for mTLS, OAuth2 client credentials for a bearer token, and a body-signing key. Certify
 * uses them the way a provider's client would: every request carries a fresh-enough token and a
 * signature over the exact bytes sent; "unsigned" scenario requests carry neither.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSigner } from '@croupier/security';
import { Agent, request } from 'undici';
import type { RequestSigner, TlsMaterial } from './scenario.ts';

export interface CredentialsFile {
  brand: string;
  region: string;
  provider: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  token_url?: string;
  signing: { keyId: string; algorithm: 'ed25519'; privateKeyPem: string };
  certs?: { caCert: string; clientCert: string; clientKey: string };
}

export interface TargetCredentials {
  file: CredentialsFile;
  tls?: TlsMaterial;
  signer: RequestSigner;
}

export function loadCredentials(file: string, target: string): TargetCredentials {
  let parsed: CredentialsFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CredentialsFile;
  } catch (error) {
    throw Object.assign(new Error(`cannot read credentials ${file}: ${(error as Error).message}`), {
      code: 'CREDENTIALS_UNREADABLE',
    });
  }
  for (const field of ['client_id', 'client_secret', 'signing'] as const) {
    if (!parsed[field]) {
      throw Object.assign(
        new Error(`credentials ${file} lack "${field}"; write them with \`croupier sandbox keys\``),
        {
          code: 'CREDENTIALS_INCOMPLETE',
        },
      );
    }
  }
  const here = path.dirname(file);
  const pem = (p: string) => readFileSync(path.resolve(here, p), 'utf8');
  const tls = parsed.certs
    ? { ca: pem(parsed.certs.caCert), cert: pem(parsed.certs.clientCert), key: pem(parsed.certs.clientKey) }
    : undefined;
  return { file: parsed, ...(tls ? { tls } : {}), signer: credentialSigner(parsed, target, tls) };
}

/** Signs with the provider's Ed25519 key and adds a bearer token, fetched and renewed before it expires. */
export function credentialSigner(
  credentials: CredentialsFile,
  target: string,
  tls?: TlsMaterial,
): RequestSigner {
  const sign = createSigner({
    algorithm: credentials.signing.algorithm,
    keyId: credentials.signing.keyId,
    key: credentials.signing.privateKeyPem,
  });
  const dispatcher = tls ? new Agent({ connect: tls }) : undefined;
  let token: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const basic = Buffer.from(
      `${encodeURIComponent(credentials.client_id)}:${encodeURIComponent(credentials.client_secret)}`,
    ).toString('base64');
    const response = await request(new URL(credentials.token_url ?? '/oauth/token', target), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(credentials.scopes.join(' '))}`,
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw Object.assign(
        new Error(`token endpoint answered ${response.statusCode}: ${text.slice(0, 200)}`),
        {
          code: 'TOKEN_REFUSED',
        },
      );
    }
    const body = JSON.parse(text) as { access_token: string; expires_in?: number };
    // Renew at 80 % of the lifetime, so a token never expires between signing and arrival.
    token = { value: body.access_token, renewAt: Date.now() + (body.expires_in ?? 60) * 800 };
    return token.value;
  };
  const bearer = async () => {
    if (token && Date.now() < token.renewAt) return token.value;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  return {
    describe: () => ({
      keyId: credentials.signing.keyId,
      algorithm: credentials.signing.algorithm,
      scopes: credentials.scopes,
    }),
    withScopes: (scopes) => credentialSigner({ ...credentials, scopes }, target, tls),
    async sign(req, options) {
      const headers = { ...req.headers, authorization: `Bearer ${await bearer()}` };
      const signature =
        options?.timestamp === undefined
          ? sign({ method: req.method, path: req.path, body: req.body, headers })
          : createSigner({
              algorithm: credentials.signing.algorithm,
              keyId: credentials.signing.keyId,
              key: credentials.signing.privateKeyPem,
              now: () => (options.timestamp as number) * 1000,
            })({ method: req.method, path: req.path, body: req.body, headers });
      return { authorization: headers.authorization, ...signature };
    },
  };
}
