import type { RunResult } from '../runner.ts';
import { sloTable } from './slo.ts';

/** The machine-readable protocol: everything in the run, load latencies summarised rather than listed. */
export function renderJson(run: RunResult): string {
  // Request windows only serve the events phase: one per request, they would swamp the protocol.
  const { requestWindows: _windows, ...facts } = run.ledger;
  const ledger = {
    ...facts,
    loadSummaries: run.ledger.loadSummaries.map(({ latenciesMs: _omitted, ...summary }) => summary),
  };
  return `${JSON.stringify({ ...run, ledger, slo: sloTable(run) }, null, 2)}\n`;
}
