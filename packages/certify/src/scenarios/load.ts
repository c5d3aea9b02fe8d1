import { randomUUID } from 'node:crypto';
import { isLoopback, type LoadSend, type LoadSummary, runLoad } from '../load/generator.ts';
import { Platform } from '../platform.ts';
import { check, type Scenario, type ScenarioContext, skip } from '../scenario.ts';

const LOAD_PHASE = 6;
/** Storm threshold: more than one retry per twenty requests means clients are hammering a struggling target. */
export const RETRY_STORM_RATIO = 0.05;

function loadRound(ctx: ScenarioContext, sessionId: string) {
  const player = ctx.profile.players.main;
  const headers = () => ({
    'x-brand-id': ctx.profile.brand,
    'x-provider-id': ctx.profile.provider,
    'x-region': ctx.profile.region,
    'x-trace-id': `tr_load_${randomUUID().slice(0, 13)}`,
  });
  // A secured target wants each request signed (and carrying a token): sign the exact body sent.
  const signed = async (method: string, path: string, body: unknown, base: Record<string, string>) =>
    ctx.signer
      ? { ...base, ...(await ctx.signer.sign({ method, path, body: JSON.stringify(body), headers: base })) }
      : base;
  // Stake equals win, so load moves no money however long it runs.
  return async (send: LoadSend, index: number) => {
    const betId = ctx.data.id(`bl${index.toString(36)}`);
    const roundId = `r_${betId}`;
    const money = { amount: '0.01', currency: player.currency };
    const betBody = { session_id: sessionId, bet_id: betId, round_id: roundId, amount: money };
    const bet = await send({
      operation: 'authorize',
      method: 'POST',
      path: '/v1/bets/authorize',
      body: betBody,
      headers: await signed('POST', '/v1/bets/authorize', betBody, {
        ...headers(),
        'x-idempotency-key': `bet_${betId}`,
      }),
    });
    if (bet.status !== 200) return;
    const settleBody = { bet_id: betId, round_id: roundId, win: money };
    await send({
      operation: 'settle',
      method: 'POST',
      path: '/v1/bets/settle',
      body: settleBody,
      headers: await signed('POST', '/v1/bets/settle', settleBody, {
        ...headers(),
        'x-idempotency-key': `settle_${betId}`,
      }),
    });
  };
}

function judge(ctx: ScenarioContext, summary: LoadSummary): void {
  ctx.ledger.loadSummaries.push(summary);
  const bet = summary.perOperation.authorize;
  const settle = summary.perOperation.settle;
  ctx.note(
    `${summary.requests} requests in ${summary.durationS.toFixed(1)} s = ${summary.throughputRps.toFixed(0)} req/s; p50 ${summary.overall.p50.toFixed(1)} ms, p95 ${summary.overall.p95.toFixed(1)} ms, p99 ${summary.overall.p99.toFixed(1)} ms; errors ${(summary.errorRate * 100).toFixed(2)} %; retries ${(summary.retryRatio * 100).toFixed(2)} %`,
  );
  check(summary.requests > 0, 'no request completed');
  check(
    summary.errorRate <= 0.01,
    `error rate ${(summary.errorRate * 100).toFixed(2)} % over 1 % (statuses ${JSON.stringify(summary.statusCounts)})`,
  );
  for (const [name, stats] of [
    ['authorize', bet],
    ['settle', settle],
  ] as const) {
    if (stats)
      check(
        stats.p95 <= ctx.options.sloP95Ms,
        `${name} p95 ${stats.p95.toFixed(1)} ms over the ${ctx.options.sloP95Ms} ms SLO`,
      );
  }
}

async function requireLoopback(ctx: ScenarioContext): Promise<string> {
  if (!isLoopback(ctx.options.targetUrl))
    skip('load runs against loopback targets only (127.0.0.1, ::1, localhost)');
  return new Platform(ctx).openSession();
}

export const loadScenarios: Scenario[] = [
  {
    id: 'load.closed-model',
    category: 'load',
    title: 'Closed model: fixed concurrency',
    description: 'Eight workers each playing rounds (authorize + settle, stake = win) back to back.',
    expected: 'p95 of authorize and settle within the SLO budget; error rate ≤ 1 %.',
    covers: ['load.latency', 'RATE_LIMITED'],
    phase: LOAD_PHASE,
    exclusive: true,
    timeoutMs: 120_000,
    async run(ctx) {
      const sessionId = await requireLoopback(ctx);
      const summary = await runLoad(
        'closed model, 8 workers',
        {
          baseUrl: ctx.options.targetUrl,
          model: 'closed',
          concurrency: 8,
          durationS: Math.min(ctx.options.loadDurationS ?? 2, 60),
          maxRequests: 50_000,
          signal: ctx.signal,
          ...(ctx.options.tls ? { tls: ctx.options.tls } : {}),
        },
        loadRound(ctx, sessionId),
      );
      judge(ctx, summary);
    },
  },
  {
    id: 'load.open-model',
    category: 'load',
    title: 'Open model: fixed arrival rate',
    description: 'Rounds started at a fixed rate (--load-rate, default 50/s) whatever the target’s speed.',
    expected: 'p95 within the SLO budget; error rate ≤ 1 %; no arrivals dropped for lack of capacity.',
    covers: ['load.latency', 'RATE_LIMITED'],
    phase: LOAD_PHASE,
    exclusive: true,
    timeoutMs: 120_000,
    async run(ctx) {
      const sessionId = await requireLoopback(ctx);
      const rate = Math.min(ctx.options.loadRate ?? 50, 5000);
      const summary = await runLoad(
        `open model, ${rate} rounds/s`,
        {
          baseUrl: ctx.options.targetUrl,
          model: 'open',
          rate,
          durationS: Math.min(ctx.options.loadDurationS ?? 2, 60),
          maxRequests: 100_000,
          signal: ctx.signal,
          ...(ctx.options.tls ? { tls: ctx.options.tls } : {}),
        },
        loadRound(ctx, sessionId),
      );
      judge(ctx, summary);
      check(
        summary.droppedArrivals === 0,
        `${summary.droppedArrivals} arrivals dropped: the target fell behind the arrival rate`,
      );
    },
  },
  {
    id: 'load.retry-storm',
    category: 'load',
    title: 'No retry storm',
    description: 'Retries ÷ requests over every load run (retries happen on 429, 503 and transport errors).',
    expected: `ratio ≤ ${RETRY_STORM_RATIO}.`,
    covers: ['load.no-retry-storm', 'RATE_LIMITED'],
    phase: LOAD_PHASE + 0.5,
    async run(ctx) {
      const runs = ctx.ledger.loadSummaries;
      if (runs.length === 0) skip('no load ran');
      const requests = runs.reduce((n, r) => n + r.requests, 0);
      const retries = runs.reduce((n, r) => n + r.retries, 0);
      const ratio = requests === 0 ? 0 : retries / requests;
      ctx.note(`${retries} retries / ${requests} requests = ${(ratio * 100).toFixed(2)} %`);
      check(
        ratio <= RETRY_STORM_RATIO,
        `retry storm: ${(ratio * 100).toFixed(2)} % of requests were retries`,
      );
    },
  },
];
