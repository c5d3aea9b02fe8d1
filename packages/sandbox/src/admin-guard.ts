/**
 * The admin side of `croupier sandbox --secure`. The fault buttons, player resets, credential issuing
 * and request log of `/sandbox/*` and the console can stop, drain or impersonate every provider of the
 * sandbox, so in secure mode they answer only to the platform's admin: whoever can read the admin token
 * the sandbox wrote beside its CA (mode 0600). A provider's certificate or token is not enough.
 *
 * Tools send the token in `X-Croupier-Admin-Token` (so it travels beside a provider's own
 * `Authorization` on a hook such as expire-session); `Authorization: Bearer <token>` is accepted too, as
 * curl users expect. A browser signs in once at `/console/login` by pasting the token and gets a
 * session cookie (HttpOnly, Secure, SameSite=Strict): no secret is ever printed, put in a URL or
 * stored in the browser.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The header croupier's own tools (CLI, certify) carry the admin token in. */
export const ADMIN_TOKEN_HEADER = 'x-croupier-admin-token';
/** The console's session cookie: a random id, never the token itself. */
export const ADMIN_SESSION_COOKIE = 'croupier_admin_session';
/** A console session lasts a working day; the sandbox forgets them all when it stops. */
const SESSION_MS = 12 * 60 * 60 * 1000;

/** A new admin token: 256 random bits, URL-safe. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** `sha256:` and the first 8 hex digits: tells tokens apart in a banner or a log without revealing one. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}

export interface AdminGuard {
  /** Whether the request carries the admin token, or the cookie of a console session it opened. */
  admits(request: FastifyRequest): boolean;
  /** Opens a console session when `token` is the admin token: the cookie value, else undefined. */
  signIn(token: string): string | undefined;
  /** Registers cookie parsing on `app` and returns the `onRequest` hook that refuses strangers. */
  install(app: FastifyInstance): Promise<(request: FastifyRequest, reply: FastifyReply) => Promise<void>>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

const traceOf = (request: FastifyRequest) => {
  const value = request.headers['x-trace-id'];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : randomUUID();
};

export function createAdminGuard(adminToken: string): AdminGuard {
  const expected = digest(adminToken);
  // Hashing first gives equal-length inputs, so the comparison takes the same time for any guess.
  const isToken = (candidate: string | undefined) =>
    typeof candidate === 'string' && candidate.length > 0 && timingSafeEqual(digest(candidate), expected);
  const sessions = new Map<string, number>();

  const presented = (request: FastifyRequest): string | undefined => {
    const header = request.headers[ADMIN_TOKEN_HEADER];
    if (typeof header === 'string') return header.trim();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return bearer?.[1];
  };

  const hasSession = (request: FastifyRequest): boolean => {
    const id = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[
      ADMIN_SESSION_COOKIE
    ];
    if (!id) return false;
    const until = sessions.get(id);
    if (until === undefined) return false;
    if (until < Date.now()) {
      sessions.delete(id);
      return false;
    }
    return true;
  };

  const guard: AdminGuard = {
    admits: (request) => isToken(presented(request)) || hasSession(request),
    signIn(token) {
      if (!isToken(token.trim())) return undefined;
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, Date.now() + SESSION_MS);
      return id;
    },
    async install(app) {
      await app.register(fastifyCookie);
      return async (request, reply) => {
        if (guard.admits(request)) return;
        const traceId = traceOf(request);
        await reply
          .code(401)
          .header('x-trace-id', traceId)
          .header('www-authenticate', 'Bearer realm="croupier sandbox admin"')
          .send({
            code: 'UNAUTHORIZED',
            message: `the sandbox's admin side needs the admin token that \`croupier sandbox --secure\` wrote to admin.token beside its CA (default .croupier/sandbox/certs/admin.token): send it as ${ADMIN_TOKEN_HEADER} or Authorization: Bearer, or pass --admin-token-file to croupier; a browser signs in at /console/login`,
            retryable: false,
            trace_id: traceId,
          });
      };
    },
  };
  return guard;
}

/** The cookie that carries a console session: never readable by script, never sent cross-site or over http. */
export const sessionCookieOptions = {
  path: '/',
  httpOnly: true,
  secure: true,
  sameSite: 'strict',
  maxAge: SESSION_MS / 1000,
} as const;
