import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyStats, runLoad } from '../../packages/certify/src/load/generator.ts';
import { startMock } from '../../packages/sandbox/src/index.ts';
import { ratio, startServerProcess } from '../load.ts';
import { progress, round } from '../shared.ts';
import type { BenchRow, BenchSuite } from './types.ts';
import { openSessions } from './wallet.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// 50, as the figures are read: the brief budgets p95 of bet/settle at 50 concurrent connections.
const CONNECTIONS = 50;
const DURATION_S = 5;
const WARMUP_S = 1;
const scope = { 'x-brand-id': 'brand-7', 'x-provider-id': 'studio-x', 'x-region': 'EU' };

interface Figures {
  perS: number;
  p50: number;
  p99: number;
  failed: number;
}

/** Closed model: CONNECTIONS workers authorizing unique bets (stake 0.01) back to back. */
async function authorizes(
  baseUrl: string,
  tag: string,
  sessions: string[],
  durationS: number,
): Promise<Figures> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let n = 0;
  const summary = await runLoad(
    tag,
    { baseUrl, model: 'closed', concurrency: CONNECTIONS, durationS, maxRetries: 0 },
    async (send) => {
      const i = n++;
      const id = `${tag}_${i}`;
      const started = performance.now();
      const answer = await send({
        operation: 'authorize',
        method: 'POST',
        path: '/v1/bets/authorize',
        headers: { ...scope, 'x-idempotency-key': `ka_${id}`, 'x-trace-id': `ta_${id}` },
        body: {
          session_id: sessions[i % sessions.length],
          bet_id: `b_${id}`,
          round_id: `r_${id}`,
          amount: { amount: '0.01', currency: 'EUR' },
        },
      });
      latencies.push(performance.now() - started);
      if (answer.status === 200) ok++;
      else failed++;
    },
  );
  const stats = latencyStats(latencies);
  return { perS: Math.round(ok / summary.durationS), p50: round(stats.p50), p99: round(stats.p99), failed };
}

/** The stateful sandbox (wallet, faults, tap, request log) against Prism's mock of the same operation. */
export const sandbox: BenchSuite = {
  id: 'sandbox',
  title: `stateful sandbox vs Prism mock: POST /v1/bets/authorize, ${CONNECTIONS} connections × ${DURATION_S} s`,
  async run() {
    const mock = await startMock({ port: 0 });
    let prism: Figures;
    try {
      progress(`Prism mock on ${mock.url}: ${WARMUP_S} s warm-up + ${DURATION_S} s of authorizes`);
      const fixed = Array(CONNECTIONS).fill('s_456');
      await authorizes(mock.url, 'prism_w', fixed, WARMUP_S);
      prism = await authorizes(mock.url, 'prism', fixed, DURATION_S);
      progress(`Prism: ${prism.perS} authorizes/s, p99 ${prism.p99} ms, ${prism.failed} failed`);
    } finally {
      await mock.close();
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-bench-sandbox-'));
    let ours: Figures;
    try {
      const server = await startServerProcess([
        path.join(here, '../sandbox-server.ts'),
        JSON.stringify({ dataDir: dir, players: CONNECTIONS }),
      ]);
      try {
        const url = `http://127.0.0.1:${server.port}`;
        const tag = `sb_${Date.now().toString(36)}`;
        const sessions = await openSessions(url, tag, CONNECTIONS);
        progress(`stateful sandbox on ${url}: ${WARMUP_S} s warm-up + ${DURATION_S} s of authorizes`);
        await authorizes(url, `${tag}w`, sessions, WARMUP_S);
        ours = await authorizes(url, tag, sessions, DURATION_S);
        progress(`sandbox: ${ours.perS} authorizes/s, p99 ${ours.p99} ms, ${ours.failed} failed`);
      } finally {
        await server.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const name = 'Prism mock, same operation and client';
    const failed = ours.failed + prism.failed > 0 ? ` (${ours.failed} / ${prism.failed} failed)` : '';
    const rows: Array<Omit<BenchRow, 'suite'>> = [
      {
        metric: `sandbox authorize throughput${failed}`,
        value: ours.perS,
        unit: 'req/s',
        baseline: { name, value: prism.perS },
        ratio: ratio(ours.perS, prism.perS),
      },
      {
        metric: 'sandbox authorize p50',
        value: ours.p50,
        unit: 'ms',
        baseline: { name, value: prism.p50 },
        ratio: ratio(ours.p50, prism.p50),
      },
      {
        metric: 'sandbox authorize p99',
        value: ours.p99,
        unit: 'ms',
        baseline: { name, value: prism.p99 },
        ratio: ratio(ours.p99, prism.p99),
      },
    ];
    return rows;
  },
};
