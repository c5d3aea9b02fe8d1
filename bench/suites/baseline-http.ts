import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, startServerProcess } from '../load.ts';
import type { BenchSuite } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The bare Fastify endpoint alone, so every later ratio can be read against this box's ceiling. */
export const baselineHttp: BenchSuite = {
  id: 'baseline-http',
  title: 'bare Fastify endpoint (ajv-validated authorize body) under autocannon -c 50',
  async run() {
    const server = await startServerProcess([path.join(here, '../bare-fastify.ts')]);
    try {
      const figures = await measure({
        url: `http://127.0.0.1:${server.port}/v1/bets/authorize`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          session_id: 's_456',
          bet_id: 'b_001',
          round_id: 'r_8c12',
          amount: { amount: '2.00', currency: 'EUR' },
        }),
        durationS: 5,
      });
      return [
        { metric: 'bare Fastify authorize throughput', value: figures.requests_per_s, unit: 'req/s' },
        { metric: 'bare Fastify authorize p99', value: figures.p99_ms, unit: 'ms' },
      ];
    } finally {
      await server.stop();
    }
  },
};
