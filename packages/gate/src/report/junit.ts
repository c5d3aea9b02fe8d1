import { type JunitCase, type JunitSuite, renderJunit } from '@croupier/junit';
import type { GateReport } from '../gate.ts';
import { grouped, PART_TITLE, where } from './shared.ts';

/** One test suite per part, one test case per finding; findings at or above --fail-on are failures. */
export function formatJunit(report: GateReport): string {
  const rank = { info: 0, warning: 1, error: 2 } as const;
  const suites: JunitSuite[] = grouped(report).map(([part, list]) => ({
    name: PART_TITLE[part],
    cases: list.map((f): JunitCase => {
      const body = `${f.message}\nbase: ${where(f.base)}\nhead: ${where(f.head)}`;
      const failing = !f.suppressed && rank[f.level] >= rank[report.failOn];
      return {
        className: f.id,
        name: `${f.id} ${f.operation ?? ''}`.trim(),
        ...(failing
          ? { failure: { type: f.level, message: f.message, details: body } }
          : { systemOut: `${f.level}${f.suppressed ? ' (ignored)' : ''}: ${body}` }),
      };
    }),
  }));
  if (suites.length === 0) {
    suites.push({ name: 'croupier gate', cases: [{ className: 'gate', name: 'no findings' }] });
  }
  return renderJunit({ name: 'croupier gate', suites });
}
