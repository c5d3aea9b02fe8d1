import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyStats, runLoad } from '../../packages/certify/src/load/generator.ts';
import { postgresReachable, withScratchDatabase } from '../../packages/wallet/src/bench.ts';
import { sampleCpu } from '../cpu.ts';
import { ratio, startServerProcess } from '../load.ts';
import { progress, round } from '../shared.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// 50, as the figures are read: the brief budgets p95 of bet/settle at 50 concurrent connections.
const CONNECTIONS = 50;
const DURATION_S = 5;
/** Untimed first second: JIT, schema compilation and connection pools warm up on both sides alike. */
const WARMUP_S = 1;
/** Stake and win are equal, so a pair leaves the balance where it was and no player runs dry. */
const STAKE = '1.00';
const POSTGRES_ADMIN_URL = 'postgres://root@127.0.0.1:5432/postgres';

const scope = { 'x-brand-id': 'brand-7', 'x-provider-id': 'studio-x', 'x-region': 'EU' };

interface PairFigures {
  pairsPerS: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
  /** CPU milliseconds per pair: the server process, PostgreSQL (all its processes), the load generator. */
  cpu: { serverMs: number; postgresMs: number; clientMs: number };
}

/** One session per bench player (`p_bench_0…`), created before the clock starts. */
export async function openSessions(baseUrl: string, tag: string, count = CONNECTIONS): Promise<string[]> {
  const sessions: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(new URL('/v1/sessions', baseUrl), {
      method: 'POST',
      headers: {
        ...scope,
        'content-type': 'application/json',
        'x-idempotency-key': `k_${tag}_s${i}`,
        'x-trace-id': `t_${tag}_s${i}`,
      },
      body: JSON.stringify({
        player_id: `p_bench_${i}`,
        game_id: 'studio:slot_forge_02',
        currency: 'EUR',
        locale: 'de-DE',
      }),
    });
    const body = (await response.json()) as { session_id?: string };
    if (response.status !== 201 || !body.session_id) {
      throw new Error(`createSession for p_bench_${i} answered ${response.status} ${JSON.stringify(body)}`);
    }
    sessions.push(body.session_id);
  }
  return sessions;
}

/**
 * Closed model, CONNECTIONS workers, each looping authorize → settle on a session no other worker holds
 * at that moment; unique bet, round, idempotency key and trace id per request. Latency is per pair.
 */
async function pairs(
  baseUrl: string,
  tag: string,
  sessions: string[],
  durationS = DURATION_S,
  serverPid?: number,
): Promise<PairFigures> {
  const free = [...sessions];
  const cpu = sampleCpu(serverPid);
  const latencies: number[] = [];
  let failed = 0;
  let ok = 0;
  let n = 0;
  const summary = await runLoad(
    tag,
    { baseUrl, model: 'closed', concurrency: CONNECTIONS, durationS, maxRetries: 0 },
    async (send) => {
      const session = free.pop() ?? sessions[0] ?? 's_missing';
      const id = `${tag}_${n++}`;
      const started = performance.now();
      try {
        const authorized = await send({
          operation: 'authorize',
          method: 'POST',
          path: '/v1/bets/authorize',
          headers: { ...scope, 'x-idempotency-key': `ka_${id}`, 'x-trace-id': `ta_${id}` },
          body: {
            session_id: session,
            bet_id: `b_${id}`,
            round_id: `r_${id}`,
            amount: { amount: STAKE, currency: 'EUR' },
          },
        });
        const settled = await send({
          operation: 'settle',
          method: 'POST',
          path: '/v1/bets/settle',
          headers: { ...scope, 'x-idempotency-key': `ks_${id}`, 'x-trace-id': `ts_${id}` },
          body: { bet_id: `b_${id}`, round_id: `r_${id}`, win: { amount: STAKE, currency: 'EUR' } },
        });
        latencies.push(performance.now() - started);
        if (authorized.status === 200 && settled.status === 200) ok++;
        else failed++;
      } finally {
        free.push(session);
      }
    },
  );
  const stats = latencyStats(latencies);
  const spent = cpu.stop();
  const perPair = (ms: number) => round(ms / Math.max(1, ok + failed), 3);
  return {
    pairsPerS: Math.round(ok / summary.durationS),
    p50: round(stats.p50),
    p95: round(stats.p95),
    p99: round(stats.p99),
    failed,
    cpu: {
      serverMs: perPair(spent.serverMs),
      postgresMs: perPair(spent.postgresMs),
      clientMs: perPair(spent.clientMs),
    },
  };
}

async function walletPairs(
  label: string,
  options: { file?: string; databaseUrl?: string },
): Promise<PairFigures> {
  const server = await startServerProcess([
    path.join(here, '../wallet-server.ts'),
    JSON.stringify({ ...options, players: CONNECTIONS }),
  ]);
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const tag = `${label}_${Date.now().toString(36)}`;
    const sessions = await openSessions(baseUrl, tag);
    progress(
      `wallet (${label}) on port ${server.port}: ${CONNECTIONS} sessions open, ${WARMUP_S} s warm-up + ${DURATION_S} s of pairs`,
    );
    await pairs(baseUrl, `${tag}w`, sessions, WARMUP_S);
    const figures = await pairs(baseUrl, tag, sessions, DURATION_S, server.child.pid);
    progress(
      `wallet (${label}): ${figures.pairsPerS} pairs/s, p99 ${figures.p99} ms, ${figures.failed} failed; CPU per pair: server ${figures.cpu.serverMs} ms, PostgreSQL ${figures.cpu.postgresMs} ms, load generator ${figures.cpu.clientMs} ms`,
    );
    return figures;
  } finally {
    await server.stop();
  }
}

function rows(label: string, ours: PairFigures, bare: PairFigures): Array<Omit<BenchRow, 'suite'>> {
  const name = 'bare Fastify, same JSON, same client';
  const failed = ours.failed > 0 ? `, ${ours.failed} pairs failed` : '';
  return [
    {
      metric: `wallet ${label} authorize+settle pairs${failed}`,
      value: ours.pairsPerS,
      unit: 'pairs/s',
      baseline: { name, value: bare.pairsPerS },
      ratio: ratio(ours.pairsPerS, bare.pairsPerS),
    },
    ...(['p50', 'p95', 'p99'] as const).map((q) => ({
      metric: `wallet ${label} pair ${q}`,
      value: ours[q],
      unit: 'ms',
      baseline: { name, value: bare[q] },
      ratio: ratio(ours[q], bare[q]),
    })),
    // Steadier than pairs/s on a shared box: what one pair costs the server process, beside bare Fastify's.
    {
      metric: `wallet ${label} server CPU per pair`,
      value: ours.cpu.serverMs,
      unit: 'ms',
      baseline: { name: 'bare Fastify server process, same pairs', value: bare.cpu.serverMs },
      ratio: ratio(ours.cpu.serverMs, bare.cpu.serverMs),
    },
    ...(label === 'PostgreSQL'
      ? [
          {
            metric: 'wallet PostgreSQL database CPU per pair (all postgres processes)',
            value: ours.cpu.postgresMs,
            unit: 'ms',
          },
        ]
      : []),
  ];
}

/** Reference wallet over HTTP, SQLite and PostgreSQL, against bare Fastify answering the same JSON. */
export const wallet: BenchSuite = {
  id: 'wallet',
  title: `wallet authorize+settle pairs over HTTP, ${CONNECTIONS} connections × ${DURATION_S} s (SQLite, PostgreSQL) vs bare Fastify`,
  async run() {
    const bareServer = await startServerProcess([path.join(here, '../bare-fastify.ts')]);
    let bare: PairFigures;
    try {
      progress(`bare Fastify on port ${bareServer.port}: ${WARMUP_S} s warm-up + ${DURATION_S} s of pairs`);
      const bareUrl = `http://127.0.0.1:${bareServer.port}`;
      const sessions: string[] = Array(CONNECTIONS).fill('s_456');
      await pairs(bareUrl, 'bare_w', sessions, WARMUP_S);
      bare = await pairs(bareUrl, 'bare', sessions, DURATION_S, bareServer.child.pid);
      progress(`bare Fastify: ${bare.pairsPerS} pairs/s, p99 ${bare.p99} ms`);
    } finally {
      await bareServer.stop();
    }
    const out: Array<Omit<BenchRow, 'suite'>> = [];
    // The HTTP stack alone (the wallet's plugins, handlers that answer at once), same client, same pairs.
    const stackServer = await startServerProcess([path.join(here, '../stack-server.ts')]);
    try {
      const stackUrl = `http://127.0.0.1:${stackServer.port}`;
      const sessions: string[] = Array(CONNECTIONS).fill('s_456');
      await pairs(stackUrl, 'stack_w', sessions, WARMUP_S);
      const stack = await pairs(stackUrl, 'stack', sessions);
      progress(`wallet HTTP stack, no wallet: ${stack.pairsPerS} pairs/s, p99 ${stack.p99} ms`);
      out.push({
        metric:
          'wallet HTTP stack alone (tracing, metrics, deprecation, contract plugin; handlers answer at once) pairs',
        value: stack.pairsPerS,
        unit: 'pairs/s',
        baseline: { name: 'bare Fastify, same JSON, same client', value: bare.pairsPerS },
        ratio: ratio(stack.pairsPerS, bare.pairsPerS),
      });
    } finally {
      await stackServer.stop();
    }
    // BENCH_WALLET_STORES=postgres (or sqlite) measures one store, for a quicker loop while profiling.
    const stores = (process.env.BENCH_WALLET_STORES ?? 'sqlite,postgres').split(',');
    if (stores.includes('sqlite')) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-bench-wallet-'));
      try {
        out.push(
          ...rows('SQLite', await walletPairs('sqlite', { file: path.join(dir, 'wallet.sqlite') }), bare),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    if (!stores.includes('postgres')) {
      progress('PostgreSQL left out (BENCH_WALLET_STORES)');
    } else if (await postgresReachable(POSTGRES_ADMIN_URL)) {
      const figures = await withScratchDatabase(POSTGRES_ADMIN_URL, (databaseUrl) =>
        walletPairs('postgres', { databaseUrl }),
      );
      out.push(...rows('PostgreSQL', figures, bare));
    } else {
      progress(`PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: skipped`);
      out.push({ metric: 'wallet PostgreSQL skipped: no PostgreSQL at 127.0.0.1:5432', value: 0, unit: '' });
    }
    return out;
  },
};
