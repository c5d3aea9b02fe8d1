import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Metrics, UNMATCHED_OPERATION } from '../metrics.ts';
import { type OperationIdOf, routePatternOf } from '../operations.ts';
import { errorCodeOfPayload } from './error-code.ts';

export interface MetricsPluginOptions {
  metrics: Metrics;
  /** Names the operation label; default the matched route pattern. See `operationIdFromTable`. */
  operationIdOf?: OperationIdOf;
  /** Where the exposition is served; default `/metrics`. `false` serves none (scrape elsewhere). */
  path?: string | false;
}

const errorCodes = new WeakMap<FastifyRequest, string>();

async function metricsRoutes(fastify: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const { metrics } = options;
  const operationIdOf = options.operationIdOf ?? routePatternOf;
  const path = options.path === undefined ? '/metrics' : options.path;

  // The error code is only in the body; onSend is the last place it is seen, already serialized.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode >= 400) {
      const code = errorCodeOfPayload(payload);
      if (code) errorCodes.set(request, code);
    }
    done(null, payload);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    if (path && request.routeOptions?.url === path) return done();
    const operation = operationIdOf(request) ?? UNMATCHED_OPERATION;
    metrics.observeRequest(operation, reply.statusCode, reply.elapsedTime / 1000, errorCodes.get(request));
    done();
  });

  if (path) {
    fastify.get(path, { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', metrics.contentType);
      return metrics.scrape();
    });
  }
}

/**
 * Records every response's latency (by operationId and status) and its error code, and serves
 * `GET /metrics`. Register it at the root, before the contract routes.
 */
export const metricsPlugin = fp(metricsRoutes, { fastify: '5.x', name: '@croupier/telemetry/metrics' });
