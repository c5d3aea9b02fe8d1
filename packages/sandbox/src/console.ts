/** The sandbox's web console: one self-contained page over the `/sandbox` admin API. */
import type { FastifyInstance } from 'fastify';

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect('/console'));
  app.get('/console', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><title>croupier sandbox</title><h1>croupier sandbox</h1>'),
  );
}
