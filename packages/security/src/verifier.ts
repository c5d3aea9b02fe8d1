import type { TLSSocket } from 'node:tls';
import {
  createOperationMatcher,
  isPublic,
  type OperationSecurity,
  type OperationTable,
  requiredScopes,
} from './contract.ts';
import { principalFromCertificate } from './certificates.ts';
import { type Rejection, reject } from './errors.ts';
import type { KeyRing } from './keyring.ts';
import { headerValue, type Principal } from './principal.ts';
import type { RegionRouter } from './region.ts';
import type { ReplayStore } from './replay.ts';
import { canonicalPath, createSignatureVerifier } from './signatures.ts';
import type { SecuritySummaryCollector } from './summary.ts';
import { bearerToken, createTokenVerifier } from './tokens.ts';

export interface RequestVerifierOptions {
  /** The generated `operations` table, or `loadOperationSecurity()` from the contract. */
  operations: OperationTable;
  /** Require a client certificate issued by the trusted CA (the TLS server must `requestCert`). */
  mtls?: boolean;
  /** Require a bearer token signed by a token key of the ring, with the operation's scopes. */
  oauth2?: { keyRing: KeyRing; issuer?: string } | false;
  /** Require body signatures by a signature key of the ring. */
  signatures?: { keyRing: KeyRing; windowSeconds?: number; replayStore?: ReplayStore } | false;
  /** Refuse requests whose region has no store or whose player lives elsewhere. */
  regions?: RegionRouter;
  /** The player a request is about, for the residency check (default: `player_id` path segment). */
  playerIdOf?: (input: VerifiableRequest) => string | undefined;
  now?: () => number;
  collector?: SecuritySummaryCollector;
}

/** What the verifier needs from a request; Fastify, node:http or a test can supply it. */
export interface VerifiableRequest {
  /** The operation of the route the router matched (the generated routes carry it in their config). */
  operationId?: string;
  /**
   * The route template the router matched (`/v1/sessions/:session_id`), or `null` when no route
   * matched. Security decides on it, never on the raw URL: `/v1/bets/%61uthorize` is routed to
   * `/v1/bets/authorize` and must be checked as that. Absent (a caller without a router): the
   * operation is found from the path in its canonical form.
   */
  route?: string | null;
  /** Path parameters as the router decoded them. */
  params?: Record<string, unknown>;
  method: string;
  /** Path and query as received. */
  url: string;
  headers: Record<string, unknown>;
  /** The raw body bytes, needed only when signatures are on. */
  rawBody?: string | Uint8Array;
  /** The TLS socket (`request.raw.socket`), needed only when mTLS is on. */
  tlsSocket?: Pick<TLSSocket, 'getPeerCertificate'> & { authorized?: boolean; encrypted?: boolean };
}

export type Verdict =
  | { ok: true; principal: Principal | undefined; operation: OperationSecurity | undefined }
  | Rejection;

function defaultPlayerId(input: VerifiableRequest): string | undefined {
  const routed = input.params?.player_id;
  if (typeof routed === 'string') return routed;
  const match = /\/players\/([^/?#]+)/.exec(canonicalPath(input.url) ?? '');
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Authenticates and authorizes one request against the contract's security requirements. Stage one
 * (`authenticate`) needs only headers and the socket; stage two (`verifyBody`) needs the raw body.
 * `verify` runs both.
 */
export function createRequestVerifier(options: RequestVerifierOptions) {
  const findOperation = createOperationMatcher(options.operations);
  const verifyToken = options.oauth2
    ? createTokenVerifier({ ...options.oauth2, ...(options.now ? { now: options.now } : {}) })
    : undefined;
  const verifySignature = options.signatures
    ? createSignatureVerifier({ ...options.signatures, ...(options.now ? { now: options.now } : {}) })
    : undefined;
  const collector = options.collector;
  const playerIdOf = options.playerIdOf ?? defaultPlayerId;

  const refuse = (rejection: Rejection): Rejection => {
    collector?.recordRejection(rejection.code);
    return rejection;
  };

  function operationOf(input: VerifiableRequest): OperationSecurity | undefined {
    // An id the table does not know (another contract's route config) falls back to the template.
    const named = input.operationId ? options.operations[input.operationId] : undefined;
    if (named) return named;
    if (input.route === null) return undefined;
    if (input.route !== undefined) return findOperation(input.method, input.route);
    const path = canonicalPath(input.url);
    return path === undefined ? undefined : findOperation(input.method, path);
  }

  async function authenticate(input: VerifiableRequest): Promise<Verdict> {
    const operation = operationOf(input);
    // A request no route matched runs no handler: the contract plugin answers 404/405. Routes outside
    // the contract (token endpoint, admin API) are the host's own; public operations need nothing.
    if (!operation || isPublic(operation)) return { ok: true, principal: undefined, operation };
    const brand = headerValue(input.headers, 'X-Brand-Id');
    const region = headerValue(input.headers, 'X-Region');
    const provider = headerValue(input.headers, 'X-Provider-Id');
    const principal: Principal = {
      brand: brand ?? '',
      region: region ?? '',
      provider: provider ?? '',
      scopes: [],
      via: [],
    };
    let established = false;

    if (options.mtls) {
      const socket = input.tlsSocket;
      const peer =
        socket?.encrypted !== false && socket?.authorized ? socket.getPeerCertificate() : undefined;
      const tenancy = peer && Object.keys(peer).length > 0 ? principalFromCertificate(peer) : undefined;
      if (!tenancy) {
        return refuse(
          reject(
            'UNAUTHORIZED',
            'a client certificate issued by the platform CA is required (mTLS); see `croupier certs`',
          ),
        );
      }
      collector?.recordMtlsSubject({
        ...tenancy,
        ...(peer?.fingerprint256 ? { fingerprint256: peer.fingerprint256 } : {}),
      });
      collector?.recordScheme('mtls');
      Object.assign(principal, tenancy);
      principal.via.push('mtls');
      established = true;
    }

    if (verifyToken) {
      const result = await verifyToken(bearerToken(headerValue(input.headers, 'authorization')));
      if (!result.ok) return refuse(result);
      const { claims } = result;
      if (established && (claims.brand !== principal.brand || claims.provider !== principal.provider)) {
        return refuse(
          reject(
            'FORBIDDEN_TENANT',
            `the token is for ${claims.provider} of brand ${claims.brand}, the certificate for ${principal.provider} of brand ${principal.brand}`,
          ),
        );
      }
      if (established && claims.region !== principal.region) {
        return refuse(
          reject(
            'REGION_MISMATCH',
            `the token is for region ${claims.region}, the certificate for ${principal.region}`,
          ),
        );
      }
      Object.assign(principal, {
        brand: claims.brand,
        region: claims.region,
        provider: claims.provider,
        scopes: claims.scopes,
      });
      principal.via.push('oauth2');
      collector?.recordScheme('oauth2');
      established = true;
    }

    if (established) {
      if (brand !== principal.brand) {
        return refuse(
          reject(
            'FORBIDDEN_TENANT',
            `credentials are issued for brand ${principal.brand}, the request is for ${brand ?? 'no brand'}`,
          ),
        );
      }
      if (provider !== principal.provider) {
        return refuse(
          reject(
            'FORBIDDEN_TENANT',
            `credentials are issued for provider ${principal.provider}, X-Provider-Id is ${provider ?? 'missing'}`,
          ),
        );
      }
    }

    if (options.regions) {
      const routed = await options.regions.route({
        requestedRegion: region,
        principalRegion: principal.region,
        brand: principal.brand,
        ...(playerIdOf(input) ? { playerId: playerIdOf(input)! } : {}),
      });
      if (!routed.ok) return refuse(routed);
    } else if (established && region !== principal.region) {
      return refuse(
        reject(
          'REGION_MISMATCH',
          `credentials are for region ${principal.region}, X-Region is ${region ?? 'missing'}`,
        ),
      );
    }

    if (verifyToken) {
      const needed = requiredScopes(operation);
      collector?.recordScopesRequired(needed);
      const missing = needed.filter((scope) => !principal.scopes.includes(scope));
      if (missing.length > 0) {
        return refuse(
          reject(
            'FORBIDDEN_SCOPE',
            `${operation.operationId} needs scope ${missing.join(' ')}; the token has ${principal.scopes.join(' ') || 'none'}`,
          ),
        );
      }
    }
    return { ok: true, principal, operation };
  }

  async function verifyBody(input: VerifiableRequest, authenticated: Verdict): Promise<Verdict> {
    if (!authenticated.ok || !verifySignature || !authenticated.principal || !authenticated.operation)
      return authenticated;
    const principal = authenticated.principal;
    const result = await verifySignature(
      { method: input.method, url: input.url, headers: input.headers, rawBody: input.rawBody ?? '' },
      {
        brand: headerValue(input.headers, 'X-Brand-Id') ?? '',
        region: headerValue(input.headers, 'X-Region') ?? '',
        provider: headerValue(input.headers, 'X-Provider-Id') ?? '',
      },
    );
    if (!result.ok) return refuse(result);
    collector?.recordScheme('signature');
    collector?.recordAlgorithm(result.key.algorithm);
    const signed: Principal = { ...principal, keyId: result.key.id, via: [...principal.via, 'signature'] };
    if (principal.via.length === 0)
      Object.assign(signed, { brand: result.key.brand, region: result.key.region });
    return { ...authenticated, principal: signed };
  }

  async function verify(input: VerifiableRequest): Promise<Verdict> {
    const verdict = await verifyBody(input, await authenticate(input));
    if (verdict.ok && verdict.principal) collector?.recordAccepted();
    return verdict;
  }

  return {
    authenticate,
    verifyBody,
    verify,
    /** Whether `verifyBody` needs the raw body. */
    needsBody: Boolean(verifySignature),
    operationOf,
  };
}

export type RequestVerifier = ReturnType<typeof createRequestVerifier>;
