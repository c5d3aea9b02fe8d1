import autocannon from 'autocannon';
import { latencyStats, runLoad } from './load/generator.ts';

export interface GeneratorComparison {
  endpoint: string;
  durationS: number;
  connections: number;
  ours: { requests: number; rps: number; p50: number; p99: number };
  autocannon: { requests: number; rps: number; p50: number; p99: number };
  /** Our throughput as a share of autocannon's: how much of the target's capacity our generator can reach. */
  ratio: number;
}

/**
 * Compares certify's load generator (closed model) with autocannon alone against the same endpoint, so a
 * reader knows whether a measured ceiling is the target's or the generator's.
 */
export async function benchLoadGenerator(
  baseUrl: string,
  options: { path?: string; durationS?: number; connections?: number } = {},
): Promise<GeneratorComparison> {
  const path = options.path ?? '/health';
  const durationS = options.durationS ?? 3;
  const connections = options.connections ?? 16;
  const ours = await runLoad(
    'bench',
    { baseUrl, model: 'closed', concurrency: connections, durationS, maxRetries: 0 },
    async (send) => {
      await send({ operation: 'get', method: 'GET', path });
    },
  );
  const cannon = await autocannon({ url: new URL(path, baseUrl).href, connections, duration: durationS });
  const cannonRps = cannon.requests.total / durationS;
  const stats = latencyStats(ours.latenciesMs);
  return {
    endpoint: new URL(path, baseUrl).href,
    durationS,
    connections,
    ours: { requests: ours.requests, rps: ours.throughputRps, p50: stats.p50, p99: stats.p99 },
    autocannon: {
      requests: cannon.requests.total,
      rps: cannonRps,
      p50: cannon.latency.p50,
      p99: cannon.latency.p99,
    },
    ratio: cannonRps === 0 ? 0 : ours.throughputRps / cannonRps,
  };
}
