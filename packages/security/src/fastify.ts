import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { errorBody, type Rejection } from './errors.ts';
import type { KeyRing } from './keyring.ts';
import type { Principal } from './principal.ts';
import { type TokenIssuer, type TokenRequest, isOAuthError } from './tokens.ts';
import {
  createRequestVerifier,
  type RequestVerifierOptions,
  type VerifiableRequest,
  type Verdict,
} from './verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who called, once `croupierSecurity` accepted the request; undefined on public operations. */
    croupierPrincipal: Principal | undefined;
  }
}

export interface CroupierSecurityOptions extends RequestVerifierOptions {
  /** `false` registers nothing: the sandbox's first-contact mode. Default true. */
  enabled?: boolean;
  /**
   * Prefix the contract routes are mounted under. It is stripped before matching operations and before
   * checking signatures: the generated client signs the path after its base URL.
   */
  prefix?: string;
  /** Called for every refused request, e.g. to log it. */
  onRejection?: (rejection: Rejection, request: FastifyRequest) => void;
}

const verdicts = new WeakMap<FastifyRequest, Verdict>();

function traceIdOf(request: FastifyRequest): string {
  const header = request.headers['x-trace-id'];
  return typeof header === 'string' && header.length > 0 && header.length <= 128 ? header : randomUUID();
}

/**
 * Reads the body the signature covers, never more than the route accepts: past `limit` it stops
 * (the rest is drained by the error handler, which answers 413) and resolves `undefined`.
 */
function readBody(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) {
        stop();
        resolve(undefined);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/**
 * Reads and drops what is left of a refused request's body (bounded), so the refusal is not lost to a
 * reset: closing a socket the client still writes to resets it, and a client sending a large body
 * without credentials saw EPIPE instead of its 401. Same bounds as the contract plugin's drain.
 */
function drainBody(
  raw: NodeJS.ReadableStream & { complete?: boolean; destroyed?: boolean; readableEnded?: boolean },
): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      raw.removeListener('end', finish);
      raw.removeListener('close', finish);
      raw.removeListener('error', finish);
      resolve();
    };
    const onData = (chunk: Buffer | string) => {
      received += chunk.length;
      if (received > 64 * 1024 * 1024) finish();
    };
    const timer = setTimeout(finish, 30_000);
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('close', finish);
    raw.once('error', finish);
    raw.resume();
  });
}

/** The error Fastify's own body parser raises, so the contract's error handler answers 413 PAYLOAD_TOO_LARGE. */
const bodyTooLarge = () => new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();

async function croupierSecurityPlugin(
  fastify: FastifyInstance,
  options: CroupierSecurityOptions,
): Promise<void> {
  if (options.enabled === false) return;
  const verifier = createRequestVerifier(options);
  const prefix = options.prefix ?? '';
  fastify.decorateRequest('croupierPrincipal', undefined);

  const refuse = async (request: FastifyRequest, reply: FastifyReply, rejection: Rejection) => {
    options.onRejection?.(rejection, request);
    await drainBody(request.raw);
    const traceId = traceIdOf(request);
    return reply
      .code(rejection.status)
      .header('x-trace-id', traceId)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(errorBody(rejection, traceId)));
  };

  const unprefixed = (url: string) =>
    prefix && url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url;

  // The decision is made on the route the router matched (its operation id, else its template),
  // never on the raw URL: percent-encoding a literal segment must not route to an operation while
  // escaping its security.
  const input = (request: FastifyRequest, rawBody?: Buffer): VerifiableRequest => {
    const routed = request.is404 ? undefined : request.routeOptions.url;
    const operationId = (request.routeOptions.config as { operationId?: unknown } | undefined)?.operationId;
    return {
      ...(typeof operationId === 'string' && !request.is404 ? { operationId } : {}),
      route: routed === undefined ? null : unprefixed(routed),
      params: (request.params ?? {}) as Record<string, unknown>,
      method: request.method,
      url: unprefixed(request.url),
      headers: request.headers as Record<string, unknown>,
      tlsSocket: request.raw.socket as TLSSocket,
      ...(rawBody ? { rawBody } : {}),
    };
  };

  // Credentials are checked before the body is read, so a refused request costs no parsing.
  fastify.addHook('onRequest', async (request, reply) => {
    const verdict = await verifier.authenticate(input(request));
    if (!verdict.ok) return refuse(request, reply, verdict);
    verdicts.set(request, verdict);
    request.croupierPrincipal = verdict.principal;
  });

  // The signature covers the raw bytes: verify them before any parser sees the body, then hand the
  // same bytes on.
  fastify.addHook('preParsing', async (request, reply, payload) => {
    const verdict = verdicts.get(request);
    if (!verdict?.ok || !verdict.principal) return payload;
    if (!verifier.needsBody) {
      if (verdict.principal) options.collector?.recordAccepted();
      return payload;
    }
    const limit = request.routeOptions.bodyLimit ?? fastify.initialConfig.bodyLimit ?? 1024 * 1024;
    if (Number(request.headers['content-length']) > limit) throw bodyTooLarge();
    const rawBody = await readBody(payload, limit);
    if (rawBody === undefined) throw bodyTooLarge();
    const signed = await verifier.verifyBody(input(request, rawBody), verdict);
    if (!signed.ok) {
      await refuse(request, reply, signed);
      return Readable.from([]);
    }
    options.collector?.recordAccepted();
    request.croupierPrincipal = signed.ok ? signed.principal : undefined;
    const replay = Readable.from(rawBody.length > 0 ? [rawBody] : []);
    (replay as Readable & { receivedEncodedLength?: number }).receivedEncodedLength = rawBody.length;
    return replay;
  });
}

/**
 * Fastify plugin enforcing the contract's security before any handler runs: mTLS subject, bearer
 * token and scopes (`onRequest`), body signature and replay (`preParsing`). Register it on the same
 * instance before the generated server plugin; it is not encapsulated, so its hooks cover the
 * routes registered after it.
 */
export const croupierSecurity = fastifyPlugin(croupierSecurityPlugin, {
  name: 'croupier-security',
  fastify: '5.x',
});
/** Alias: the name other packages were told to expect. */
export const securityPlugin = croupierSecurity;

export interface OAuthRoutesOptions {
  issuer: TokenIssuer;
  keyRing: KeyRing;
  /** Default `/oauth/token` (the contract's `tokenUrl`). */
  tokenPath?: string;
  /** Default `/.well-known/jwks.json`. */
  jwksPath?: string;
}

function basicCredentials(
  header: string | undefined,
): { client_id: string; client_secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  if (at < 0) return undefined;
  return {
    client_id: decodeURIComponent(decoded.slice(0, at)),
    client_secret: decodeURIComponent(decoded.slice(at + 1)),
  };
}

/**
 * `POST /oauth/token` (client credentials, form-encoded or JSON, client secret in the body or HTTP
 * Basic) and `GET /.well-known/jwks.json`. Encapsulated: its form parser does not leak into the app.
 */
export async function oauthRoutes(fastify: FastifyInstance, options: OAuthRoutesOptions): Promise<void> {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  fastify.post(options.tokenPath ?? '/oauth/token', async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
      string,
      unknown
    >;
    const pick = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    const basic = basicCredentials(request.headers.authorization);
    const tokenRequest: TokenRequest = {};
    const grant = pick('grant_type');
    if (grant === undefined) {
      return reply
        .code(400)
        .header('cache-control', 'no-store')
        .send({ error: 'invalid_request', error_description: 'grant_type=client_credentials is required' });
    }
    tokenRequest.grant_type = grant;
    const clientId = basic?.client_id ?? pick('client_id');
    const clientSecret = basic?.client_secret ?? pick('client_secret');
    const scope = pick('scope');
    if (clientId !== undefined) tokenRequest.client_id = clientId;
    if (clientSecret !== undefined) tokenRequest.client_secret = clientSecret;
    if (scope !== undefined) tokenRequest.scope = scope;
    const result = await options.issuer.issueToken(tokenRequest);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (isOAuthError(result)) {
      if (result.status === 401) reply.header('www-authenticate', 'Basic realm="croupier"');
      return reply
        .code(result.status)
        .send({ error: result.error, error_description: result.error_description });
    }
    return reply.code(200).send(result);
  });

  fastify.get(options.jwksPath ?? '/.well-known/jwks.json', async (_request, reply) => {
    return reply.header('cache-control', 'max-age=60').send(options.keyRing.jwks({ purpose: 'token' }));
  });
}
