import {
  contractPlugin,
  contractServerOptions,
  type HandlerContext,
  type Handlers,
  operations,
} from '@croupier/server';
import {
  createMetrics,
  DeprecationRegistry,
  deprecationPlugin,
  deprecationsFromTable,
  type Metrics,
  metricsPlugin,
  operationIdFromTable,
  tracingPlugin,
} from '@croupier/telemetry';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { RequestScope } from './context.ts';
import type { WireResponse } from './idempotency.ts';
import type { Wallet } from './wallet.ts';

export interface WalletServerOptions {
  wallet: Wallet;
  /**
   * Installs authentication on the instance before the routes (e.g. `@croupier/security`'s mTLS,
   * token and signature hooks). Absent: security off, as in the sandbox's first contact.
   */
  security?: (app: FastifyInstance) => Promise<void> | void;
  /** Fastify logger option (pino); default off. */
  logger?: FastifyServerOptions['logger'];
  /** Check every answer against the contract's response schemas (tests turn it on). */
  validateResponses?: boolean;
  /** Largest accepted body in bytes (default 64 KiB); larger answers 413 PAYLOAD_TOO_LARGE. */
  bodyLimit?: number;
  /**
   * Prometheus metrics served at `/metrics` (latency per operation, errors by code, duplicates);
   * default a registry of this server's own. `false` serves none.
   */
  metrics?: Metrics | false;
  /** TLS for the listener (mTLS when `requestCert` is set); absent: plain HTTP. */
  https?: import('node:https').ServerOptions;
}

const header = (headers: Record<string, unknown>, name: string): string => {
  const value = headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
};

const scopeOf = (request: { headers: Record<string, unknown> }, context: HandlerContext): RequestScope => {
  const key = header(request.headers, 'x-idempotency-key');
  return {
    brand: header(request.headers, 'x-brand-id'),
    provider: header(request.headers, 'x-provider-id'),
    region: header(request.headers, 'x-region'),
    traceId: context.traceId,
    ...(key ? { idempotencyKey: key } : {}),
  };
};

// The domain answers `{status, body}` already shaped by the contract (errors through the generated
// catalogue); the generated per-operation result unions are satisfied by construction.
const answer = <R>(response: WireResponse): R => response as unknown as R;

/** The wallet's handlers for every operation of the contract; a missing one fails to compile. */
export function walletHandlers(wallet: Wallet): Handlers {
  return {
    getHealth: async () => ({ status: 200, body: await wallet.health() }),
    createSession: async (req, ctx) => answer(await wallet.createSession(scopeOf(req, ctx), req.body)),
    getSession: async (req, ctx) => answer(await wallet.getSession(scopeOf(req, ctx), req.params.session_id)),
    endSession: async (req, ctx) => answer(await wallet.endSession(scopeOf(req, ctx), req.params.session_id)),
    authorizeBet: async (req, ctx) => answer(await wallet.authorizeBet(scopeOf(req, ctx), req.body)),
    settleBet: async (req, ctx) => answer(await wallet.settleBet(scopeOf(req, ctx), req.body)),
    rollbackBet: async (req, ctx) => answer(await wallet.rollbackBet(scopeOf(req, ctx), req.body)),
    getBalance: async (req, ctx) => answer(await wallet.getBalance(scopeOf(req, ctx), req.params.player_id)),
    walletDebit: async (req, ctx) => answer(await wallet.walletDebit(scopeOf(req, ctx), req.body)),
    walletCredit: async (req, ctx) => answer(await wallet.walletCredit(scopeOf(req, ctx), req.body)),
    walletRollback: async (req, ctx) => answer(await wallet.walletRollback(scopeOf(req, ctx), req.body)),
    checkResponsibleGaming: async (req, ctx) =>
      answer(await wallet.checkResponsibleGaming(scopeOf(req, ctx), req.body)),
  };
}

/**
 * A Fastify instance serving the contract with the wallet behind it: the generated plugin does
 * routing, validation (400 VALIDATION_FAILED before any handler), 404/405/413/415 and trace ids.
 */
export async function createWalletServer(options: WalletServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Node's parser, the router and shutdown answer in the contract's error body too (503 while closing).
    ...contractServerOptions,
    // The HTTPS instance type differs only in its raw server; the routes and hooks are the same.
    ...(options.https ? { https: { ...contractServerOptions.http, ...options.https } } : {}),
  }) as unknown as FastifyInstance;
  // Spans and metrics name the contract operation, never the raw URL (ids would explode cardinality).
  const operationIdOf = operationIdFromTable(operations);
  await app.register(tracingPlugin, { operationIdOf });
  const metrics = options.metrics === false ? undefined : (options.metrics ?? createMetrics());
  if (metrics) await app.register(metricsPlugin, { metrics, operationIdOf });
  // Deprecated operations answer with Deprecation/Sunset headers, and each call is counted per provider
  // (croupier_deprecated_calls_total on /metrics), so owners know who still calls them before the sunset.
  await app.register(deprecationPlugin, {
    deprecations: new DeprecationRegistry(deprecationsFromTable(operations), metrics ? { metrics } : {}),
    operationIdOf,
  });
  if (options.security) await options.security(app);
  await app.register(contractPlugin, {
    handlers: walletHandlers(options.wallet),
    validateResponses: options.validateResponses ?? false,
  });
  return app;
}
