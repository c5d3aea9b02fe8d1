import { type JunitSuite, renderJunit as writeJunit } from '@croupier/junit';
import type { RunResult } from '../runner.ts';

/** One testsuite per category, one testcase per scenario; failures carry the reason and the trace ids. */
export function renderJunit(run: RunResult): string {
  const categories = [...new Set(run.results.map((r) => r.category))];
  const suites: JunitSuite[] = categories.map((category) => ({
    name: `certify.${category}`,
    cases: run.results
      .filter((r) => r.category === category)
      .map((r) => {
        const traces = r.evidence
          .map((e) => `${e.startedAt} ${e.method} ${e.path} → ${e.status ?? e.error} trace ${e.traceId}`)
          .join('\n');
        return {
          className: `certify.${category}`,
          name: `${r.id}: ${r.title}`,
          timeSeconds: r.durationMs / 1000,
          ...(r.verdict === 'fail'
            ? {
                failure: {
                  message: r.reason ?? 'failed',
                  details: `${r.expected}\n${r.reason ?? ''}\n${traces}`,
                },
              }
            : {}),
          ...(r.verdict === 'skip' ? { skipped: { message: r.reason ?? 'skipped' } } : {}),
          systemOut: traces,
        };
      }),
  }));
  return writeJunit({
    name: `croupier certify ${run.target}`,
    suites,
    timeSeconds: run.durationMs / 1000,
  });
}
