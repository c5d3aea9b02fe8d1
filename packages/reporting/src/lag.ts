import type { ReportingStore } from './store.ts';

/** The brief's freshness budget: a bet shows in the report within 5 minutes. */
export const REPORT_LAG_BUDGET_MS = 5 * 60 * 1000;

export interface LagSummary {
  eventCount: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  budgetMs: number;
  /** max within the budget: every event measured made it in time, not just the typical one. */
  withinBudget: boolean;
}

/**
 * Lag from `occurred_at` (stamped by the wallet when the money moved) to the row landing in the
 * store, over the events stored (optionally of some types). Read from the store, not from the
 * consumer's memory, so it covers every consumer that ever fed this store.
 */
export async function lagSummary(
  store: ReportingStore,
  options: { budgetMs?: number; eventTypes?: readonly string[] } = {},
): Promise<LagSummary> {
  const budgetMs = options.budgetMs ?? REPORT_LAG_BUDGET_MS;
  const types = options.eventTypes ?? [];
  const where =
    types.length > 0 ? `WHERE event_type IN (${types.map((_, i) => `$${i + 1}`).join(', ')})` : '';
  const rows = await store.query<{ n: bigint; p50: bigint | null; p95: bigint | null; top: bigint | null }>(
    `SELECT count(*) AS n, quantile_disc(lag_ms, 0.5) AS p50, quantile_disc(lag_ms, 0.95) AS p95,
       max(lag_ms) AS top FROM received_events ${where}`,
    [...types],
  );
  const row = rows[0];
  const maxMs = Number(row?.top ?? 0n);
  return {
    eventCount: Number(row?.n ?? 0n),
    p50Ms: Number(row?.p50 ?? 0n),
    p95Ms: Number(row?.p95 ?? 0n),
    maxMs,
    budgetMs,
    withinBudget: maxMs <= budgetMs,
  };
}

export function formatLag(summary: LagSummary): string {
  return (
    `event → report row lag over ${summary.eventCount} events: p50 ${summary.p50Ms} ms, ` +
    `p95 ${summary.p95Ms} ms, max ${summary.maxMs} ms; budget ${summary.budgetMs} ms ` +
    `(${summary.withinBudget ? 'within budget' : 'OVER BUDGET'})`
  );
}
