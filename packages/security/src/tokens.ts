import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Rejection, reject } from './errors.ts';
import type { KeyRing } from './keyring.ts';
import type { Tenancy } from './principal.ts';
import type { SecuritySummaryCollector } from './summary.ts';

export interface ClientRegistration extends Tenancy {
  client_id: string;
  /** Scopes this client may ask for. */
  scopes: string[];
}

/** Clients per provider, brand and region, with the scopes each may be granted. Secrets are kept hashed. */
export class ClientRegistry {
  private readonly clients = new Map<string, ClientRegistration & { secretHash: Buffer }>();

  register(client: Tenancy & { scopes: string[]; client_id?: string; client_secret?: string }): {
    client_id: string;
    client_secret: string;
  } {
    const client_id =
      client.client_id ??
      `${client.provider}.${client.brand}.${client.region}.${randomBytes(4).toString('hex')}`;
    const client_secret = client.client_secret ?? randomBytes(24).toString('base64url');
    this.clients.set(client_id, {
      client_id,
      brand: client.brand,
      region: client.region,
      provider: client.provider,
      scopes: [...client.scopes],
      secretHash: hash(client_secret),
    });
    return { client_id, client_secret };
  }

  authenticate(clientId: string, clientSecret: string): ClientRegistration | undefined {
    const client = this.clients.get(clientId);
    // Hash comparison in constant time; an unknown id still pays for one hash.
    const presented = hash(clientSecret);
    if (!client || !timingSafeEqual(presented, client.secretHash)) return undefined;
    const { secretHash: _, ...registration } = client;
    return registration;
  }

  get(clientId: string): ClientRegistration | undefined {
    const client = this.clients.get(clientId);
    if (!client) return undefined;
    const { secretHash: _, ...registration } = client;
    return registration;
  }
}

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** RFC 6749 §5.2 error, with the HTTP status to answer it with. */
export interface OAuthError {
  error: 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';
  error_description: string;
  status: 400 | 401;
}

export interface TokenIssuerOptions {
  keyRing: KeyRing;
  clients: ClientRegistry;
  /** `iss` of every token (default `croupier`). */
  issuer?: string;
  /** Lifetime of a token (default 300 s). */
  ttlSeconds?: number;
  now?: () => number;
  collector?: SecuritySummaryCollector;
}

export interface TokenRequest {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
}

export function isOAuthError(value: TokenResponse | OAuthError): value is OAuthError {
  return 'error' in value;
}

/**
 * Issues short-lived EdDSA (Ed25519) JWTs for the client-credentials grant. Each token is signed with
 * the current token key of the client's brand and region, and carries brand, region and provider.
 */
export function createTokenIssuer(options: TokenIssuerOptions) {
  const now = options.now ?? Date.now;
  const issuer = options.issuer ?? 'croupier';
  const ttl = options.ttlSeconds ?? 300;

  async function issueToken(request: TokenRequest): Promise<TokenResponse | OAuthError> {
    if (request.grant_type !== undefined && request.grant_type !== 'client_credentials') {
      return {
        error: 'unsupported_grant_type',
        error_description: 'only grant_type=client_credentials is supported',
        status: 400,
      };
    }
    if (!request.client_id || !request.client_secret) {
      return {
        error: 'invalid_client',
        error_description: 'client_id and client_secret are required',
        status: 401,
      };
    }
    const client = options.clients.authenticate(request.client_id, request.client_secret);
    if (!client)
      return { error: 'invalid_client', error_description: 'unknown client or wrong secret', status: 401 };
    const requested = request.scope?.trim() ? [...new Set(request.scope.trim().split(/\s+/))] : client.scopes;
    const refused = requested.filter((scope) => !client.scopes.includes(scope));
    if (refused.length > 0) {
      return {
        error: 'invalid_scope',
        error_description: `client ${client.client_id} may not ask for ${refused.join(' ')}; allowed: ${client.scopes.join(' ')}`,
        status: 400,
      };
    }
    const slot = { brand: client.brand, region: client.region, purpose: 'token' as const };
    const key = options.keyRing.current(slot) ?? options.keyRing.generate({ ...slot, algorithm: 'ed25519' });
    const issuedAt = Math.floor(now() / 1000);
    const scope = requested.join(' ');
    const access_token = await new SignJWT({
      scope,
      brand: client.brand,
      region: client.region,
      provider: client.provider,
      client_id: client.client_id,
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.id, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setSubject(client.client_id)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .setJti(randomUUID())
      .sign(key.privateKey!);
    options.collector?.recordScopesGranted(requested);
    options.collector?.recordAlgorithm('EdDSA (Ed25519)');
    return { access_token, token_type: 'Bearer', expires_in: ttl, scope };
  }

  return { issueToken, issuer, ttlSeconds: ttl };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

export interface TokenClaims extends Tenancy {
  scopes: string[];
  clientId: string;
  keyId: string;
  expiresAt: number;
}

export interface TokenVerifierOptions {
  keyRing: KeyRing;
  issuer?: string;
  now?: () => number;
  /** Leeway for clock skew on exp/nbf (default 0 s: tokens are short-lived anyway). */
  clockToleranceSeconds?: number;
}

/**
 * Verifies a bearer token against the key ring's public token keys (a local JWKS, rebuilt when keys
 * rotate). A key of one brand never vouches for a token naming another brand.
 */
export function createTokenVerifier(options: TokenVerifierOptions) {
  const now = options.now ?? Date.now;
  const issuer = options.issuer ?? 'croupier';
  let cached: { version: number; at: number; jwks: ReturnType<typeof createLocalJWKSet> } | undefined;

  const jwks = () => {
    const at = now();
    // Keys retire by time as well as by rotation: rebuild at least once a second.
    if (
      !cached ||
      cached.version !== options.keyRing.version ||
      Math.floor(cached.at / 1000) !== Math.floor(at / 1000)
    ) {
      cached = {
        version: options.keyRing.version,
        at,
        jwks: createLocalJWKSet(options.keyRing.jwks({ purpose: 'token' })),
      };
    }
    return cached.jwks;
  };

  return async function verifyToken(
    token: string | undefined,
  ): Promise<{ ok: true; claims: TokenClaims } | Rejection> {
    if (!token) return reject('UNAUTHORIZED', 'send "Authorization: Bearer <token>" from POST /oauth/token');
    let payload: JWTPayload;
    let kid: string | undefined;
    try {
      const result = await jwtVerify(token, jwks(), {
        issuer,
        algorithms: ['EdDSA'],
        currentDate: new Date(now()),
        clockTolerance: options.clockToleranceSeconds ?? 0,
      });
      payload = result.payload;
      kid = result.protectedHeader.kid;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        return reject('UNAUTHORIZED', 'token expired; fetch a new one from POST /oauth/token');
      if (error instanceof joseErrors.JWKSNoMatchingKey) {
        return reject('UNAUTHORIZED', 'token signed by an unknown or retired key; fetch a new one');
      }
      return reject('UNAUTHORIZED', `token rejected: ${(error as Error).message}`);
    }
    const { brand, region, provider, scope, client_id } = payload as Record<string, unknown>;
    if (typeof brand !== 'string' || typeof region !== 'string' || typeof provider !== 'string' || !kid) {
      return reject('UNAUTHORIZED', 'token lacks brand, region, provider or kid');
    }
    const key = options.keyRing.get(kid);
    if (!key || key.brand !== brand || key.region !== region) {
      return reject(
        'FORBIDDEN_TENANT',
        `token for brand ${brand} is signed with a key of brand ${key?.brand ?? 'unknown'}`,
      );
    }
    return {
      ok: true,
      claims: {
        brand,
        region,
        provider,
        scopes: typeof scope === 'string' && scope ? scope.split(' ') : [],
        clientId: typeof client_id === 'string' ? client_id : String(payload.sub ?? ''),
        keyId: kid,
        expiresAt: (payload.exp ?? 0) * 1000,
      },
    };
  };
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
