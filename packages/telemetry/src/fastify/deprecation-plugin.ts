import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DeprecationRegistry } from '../deprecation.ts';
import type { OperationIdOf } from '../operations.ts';

export interface DeprecationPluginOptions {
  deprecations: DeprecationRegistry;
  /** Must name contract operationIds (see `operationIdFromTable`): the registry is keyed by them. */
  operationIdOf: OperationIdOf;
}

async function deprecationHeaders(
  fastify: FastifyInstance,
  options: DeprecationPluginOptions,
): Promise<void> {
  // onRequest, not onSend: error answers (a 4xx from validation) must carry the warning too, and
  // the usage counts every attempt a provider makes.
  fastify.addHook('onRequest', (request, reply, done) => {
    const operationId = options.operationIdOf(request);
    if (operationId && options.deprecations.isDeprecated(operationId)) {
      reply.headers(options.deprecations.headersFor(operationId));
      const provider = request.headers['x-provider-id'];
      options.deprecations.record(operationId, typeof provider === 'string' ? provider : undefined);
    }
    done();
  });
}

/** Adds `Deprecation`/`Sunset` to responses of deprecated operations and counts their callers per provider. */
export const deprecationPlugin = fp(deprecationHeaders, {
  fastify: '5.x',
  name: '@croupier/telemetry/deprecation',
});
