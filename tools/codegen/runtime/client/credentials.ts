/**
 * A provider's credentials, used by the client itself: the client certificate for mTLS, OAuth2 client
 * credentials for a bearer token (cached, renewed before it expires) and a key that signs every body.
 * Node-only, and loaded on first use, so a client without credentials never touches a Node module.
 */

/** What `croupier sandbox keys` writes (or the same fields from a platform's onboarding). */
export interface ClientCredentials {
  brand?: string;
  region?: string;
  provider?: string;
  client_id: string;
  client_secret: string;
  /** Scopes to ask the token endpoint for (default: whatever the client is registered for). */
  scopes?: string[];
  /** Token endpoint, absolute or relative to `baseUrl` (default `/oauth/token`). */
  token_url?: string;
  /** The provider's Ed25519 body-signing key. */
  signing?: { keyId: string; algorithm: 'ed25519'; privateKeyPem: string };
  /** A shared HMAC-SHA256 secret, for signing with HMAC instead. */
  hmac?: { keyId: string; algorithm: 'hmac-sha256'; secret: string };
  /** PEM files (absolute, or relative to the credentials file) for mTLS. */
  certs?: { caCert?: string; clientCert: string; clientKey: string };
}

export type SignatureAlgorithm = 'ed25519' | 'hmac-sha256';

/** What the runtime needs from credentials: tenant headers, a fetch that presents the certificate, and a signer. */
export interface Secured {
  tenantHeaders: Record<string, string>;
  fetch: typeof fetch | undefined;
  sign: (request: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string;
  }) => Promise<Record<string, string>>;
}

export class CredentialsError extends Error {
  constructor(
    readonly code: 'CREDENTIALS_UNREADABLE' | 'CREDENTIALS_INCOMPLETE' | 'TOKEN_REFUSED',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CredentialsError';
  }
}

/** Renew a token at this share of its lifetime, so it never expires between signing and arrival. */
const RENEW_AT = 0.8;

export async function secure(
  baseUrl: string,
  source: string | ClientCredentials,
  signWith?: SignatureAlgorithm,
): Promise<Secured> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let credentials: ClientCredentials;
  let here = process.cwd();
  if (typeof source === 'string') {
    here = path.dirname(path.resolve(source));
    try {
      credentials = JSON.parse(await fs.readFile(source, 'utf8')) as ClientCredentials;
    } catch (error) {
      throw new CredentialsError('CREDENTIALS_UNREADABLE', `${source}: ${(error as Error).message}`);
    }
  } else {
    credentials = source;
  }
  if (!credentials.client_id || !credentials.client_secret) {
    throw new CredentialsError('CREDENTIALS_INCOMPLETE', 'client_id and client_secret are required');
  }
  const tenantHeaders: Record<string, string> = {};
  if (credentials.brand) tenantHeaders['X-Brand-Id'] = credentials.brand;
  if (credentials.provider) tenantHeaders['X-Provider-Id'] = credentials.provider;
  if (credentials.region) tenantHeaders['X-Region'] = credentials.region;

  let tlsFetch: typeof fetch | undefined;
  if (credentials.certs) {
    const pem = (file: string) => fs.readFile(path.resolve(here, file), 'utf8');
    const certs = credentials.certs;
    tlsFetch = await mtlsFetch({
      cert: await pem(certs.clientCert),
      key: await pem(certs.clientKey),
      ...(certs.caCert ? { ca: await pem(certs.caCert) } : {}),
    });
  }
  const send = tlsFetch ?? ((input, init) => globalThis.fetch(input, init));
  const bearer = tokenSource(baseUrl, credentials, send);
  const signBody = await signer(credentials, signWith);
  return {
    tenantHeaders,
    fetch: tlsFetch,
    async sign(request) {
      return { Authorization: `Bearer ${await bearer()}`, ...signBody(request) };
    },
  };
}

/** OAuth2 client credentials: one token shared by every call, fetched once and renewed before expiry. */
function tokenSource(baseUrl: string, credentials: ClientCredentials, send: typeof fetch) {
  let token: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const url = new URL(
    credentials.token_url ?? '/oauth/token',
    baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
  );
  const fetchToken = async (): Promise<string> => {
    const basic = btoa(
      `${encodeURIComponent(credentials.client_id)}:${encodeURIComponent(credentials.client_secret)}`,
    );
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scopes?.length) form.set('scope', credentials.scopes.join(' '));
    const response = await send(url, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const text = await response.text();
    if (response.status !== 200) {
      // The body is the server's error schema, never the secret we sent.
      throw new CredentialsError(
        'TOKEN_REFUSED',
        `${url.href} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    const body = JSON.parse(text) as { access_token: string; expires_in?: number };
    token = { value: body.access_token, renewAt: Date.now() + (body.expires_in ?? 60) * 1000 * RENEW_AT };
    return token.value;
  };
  return (): Promise<string> => {
    if (token && Date.now() < token.renewAt) return Promise.resolve(token.value);
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/**
 * Signs `METHOD\nPATH?QUERY\nTIMESTAMP\nIDEMPOTENCY_KEY\nBASE64(SHA256(body))` with Ed25519 (default when
 * the credentials carry a signing key) or HMAC-SHA256. Two attempts of one request within a second would
 * sign identical bytes and read as a replay, so a repeat takes the next second instead.
 */
async function signer(credentials: ClientCredentials, signWith?: SignatureAlgorithm) {
  const crypto = await import('node:crypto');
  const algorithm: SignatureAlgorithm = signWith ?? (credentials.signing ? 'ed25519' : 'hmac-sha256');
  const material = algorithm === 'ed25519' ? credentials.signing : credentials.hmac;
  if (!material) {
    throw new CredentialsError('CREDENTIALS_INCOMPLETE', `no ${algorithm} key to sign with`);
  }
  const compute =
    material.algorithm === 'ed25519'
      ? (
          (key) => (data: string) =>
            crypto.sign(null, Buffer.from(data), key).toString('base64')
        )(crypto.createPrivateKey(material.privateKeyPem))
      : (data: string) => crypto.createHmac('sha256', material.secret).update(data).digest('base64');
  const lastTimestamp = new Map<string, number>();
  return (request: { method: string; path: string; headers: Record<string, string>; body: string }) => {
    const idempotencyKey =
      Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-idempotency-key')?.[1] ?? '';
    const method = request.method.toUpperCase();
    const base = `${method}\n${request.path}\n${idempotencyKey}\n${request.body}`;
    let timestamp = Math.floor(Date.now() / 1000);
    const previous = lastTimestamp.get(base);
    if (previous !== undefined && timestamp <= previous) timestamp = previous + 1;
    lastTimestamp.set(base, timestamp);
    if (lastTimestamp.size > 10_000) lastTimestamp.delete(lastTimestamp.keys().next().value as string);
    const digest = crypto.createHash('sha256').update(request.body).digest('base64');
    const data = [method, request.path, String(timestamp), idempotencyKey, digest].join('\n');
    return {
      'X-Signature': `${algorithm}=${compute(data)}`,
      'X-Signature-Timestamp': String(timestamp),
      'X-Signature-Key-Id': material.keyId,
    };
  };
}

/** A fetch over node:https that presents the client certificate (and trusts the given CA). */
async function mtlsFetch(tls: { ca?: string; cert: string; key: string }): Promise<typeof fetch> {
  const https = await import('node:https');
  // Idle keep-alive sockets are unref'd by Node, so a script using the client still exits on its own.
  const agent = new https.Agent({ keepAlive: true, ...tls });
  const NULL_BODY = new Set([101, 204, 205, 304]);
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const request = https.request(
        url,
        { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) },
        (response) => {
          const chunks: Uint8Array[] = [];
          response.on('data', (chunk: Uint8Array) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const out = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
                out.append(name, one);
              }
            }
            const status = response.statusCode ?? 0;
            resolve(
              new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, headers: out }),
            );
          });
        },
      );
      request.on('error', reject);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
}
