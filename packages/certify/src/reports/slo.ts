import { latencyStats } from '../load/generator.ts';
import type { RunResult } from '../runner.ts';

export interface SloRow {
  indicator: string;
  measured: string;
  budget: string;
  ok: boolean;
}

/** The SLO table: latency per operation (functional and load), error rate, retry ratio, event lag. */
export function sloTable(run: RunResult): SloRow[] {
  const rows: SloRow[] = [];
  const byOperation = new Map<string, number[]>();
  for (const result of run.results) {
    for (const e of result.evidence) {
      if (e.operationId && e.status !== undefined)
        (byOperation.get(e.operationId) ?? byOperation.set(e.operationId, []).get(e.operationId))?.push(
          e.durationMs,
        );
    }
  }
  for (const summary of run.ledger.loadSummaries) {
    for (const [op, stats] of Object.entries(summary.perOperation)) {
      rows.push({
        indicator: `${op} p95 (${summary.label})`,
        measured: `${stats.p95.toFixed(1)} ms`,
        budget: `≤ ${run.sloP95Ms} ms`,
        ok: stats.p95 <= run.sloP95Ms,
      });
      rows.push({
        indicator: `${op} p99 (${summary.label})`,
        measured: `${stats.p99.toFixed(1)} ms`,
        budget: 'reported',
        ok: true,
      });
    }
    rows.push({
      indicator: `throughput (${summary.label})`,
      measured: `${summary.throughputRps.toFixed(0)} req/s`,
      budget: 'reported',
      ok: true,
    });
    rows.push({
      indicator: `error rate (${summary.label})`,
      measured: `${(summary.errorRate * 100).toFixed(2)} %`,
      budget: '≤ 1 %',
      ok: summary.errorRate <= 0.01,
    });
    rows.push({
      indicator: `retry ratio (${summary.label})`,
      measured: `${(summary.retryRatio * 100).toFixed(2)} %`,
      budget: '≤ 5 %',
      ok: summary.retryRatio <= 0.05,
    });
  }
  for (const op of ['authorizeBet', 'settleBet', 'rollbackBet']) {
    const values = byOperation.get(op);
    if (!values?.length) continue;
    const stats = latencyStats(values);
    rows.push({
      indicator: `${op} p95 (functional)`,
      measured: `${stats.p95.toFixed(1)} ms over ${stats.count}`,
      budget: `≤ ${run.sloP95Ms} ms`,
      ok: stats.p95 <= run.sloP95Ms,
    });
  }
  const lag = run.results.find((r) => r.id === 'events.lag-budget');
  if (lag && lag.verdict !== 'skip')
    rows.push({
      indicator: 'event lag p95',
      measured: lag.notes[0] ?? lag.reason ?? '',
      budget: 'see events.lag-budget',
      ok: lag.verdict === 'pass',
    });
  return rows;
}

/** Every latency the run measured, for the histogram. */
export function allLatencies(run: RunResult): number[] {
  const values = run.results.flatMap((r) =>
    r.evidence.filter((e) => e.status !== undefined).map((e) => e.durationMs),
  );
  for (const summary of run.ledger.loadSummaries) values.push(...summary.latenciesMs);
  return values;
}
