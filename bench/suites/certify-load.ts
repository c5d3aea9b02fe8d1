import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchLoadGenerator } from '../../packages/certify/src/bench.ts';
import { ratio, startServerProcess } from '../load.ts';
import { progress, round } from '../shared.ts';
import type { BenchSuite } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * certify's load generator (undici pool, closed model) against autocannon alone on the bare Fastify
 * /health endpoint: whether a ceiling certify measures is the target's or the generator's own.
 */
export const certifyLoad: BenchSuite = {
  id: 'certify-load',
  title: 'certify load generator vs autocannon alone, GET /health on bare Fastify, -c 16 for 4 s each',
  async run() {
    const server = await startServerProcess([path.join(here, '../bare-fastify.ts')]);
    try {
      progress(`bare Fastify on port ${server.port}; certify generator, then autocannon`);
      const result = await benchLoadGenerator(`http://127.0.0.1:${server.port}`, {
        path: '/health',
        durationS: 4,
        connections: 16,
      });
      // autocannon records latency in whole milliseconds, so its p50 on this endpoint may read 0.
      const baseline = { name: 'autocannon alone, same endpoint and concurrency', value: 0 };
      return [
        {
          metric: 'certify generator throughput',
          value: Math.round(result.ours.rps),
          unit: 'req/s',
          baseline: { ...baseline, value: Math.round(result.autocannon.rps) },
          ratio: ratio(result.ours.rps, result.autocannon.rps),
        },
        {
          metric: 'certify generator p50',
          value: round(result.ours.p50),
          unit: 'ms',
          baseline: { ...baseline, value: round(result.autocannon.p50) },
          ...(result.autocannon.p50 > 0 ? { ratio: ratio(result.ours.p50, result.autocannon.p50) } : {}),
        },
        {
          metric: 'certify generator p99',
          value: round(result.ours.p99),
          unit: 'ms',
          baseline: { ...baseline, value: round(result.autocannon.p99) },
          ...(result.autocannon.p99 > 0 ? { ratio: ratio(result.ours.p99, result.autocannon.p99) } : {}),
        },
      ];
    } finally {
      await server.stop();
    }
  },
};
