import type { GateReport } from '../gate.ts';
import { PART_TITLE, grouped, where } from './shared.ts';

const esc = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** One test suite per part, one test case per finding; findings at or above --fail-on are failures. */
export function formatJunit(report: GateReport): string {
  const rank = { info: 0, warning: 1, error: 2 } as const;
  const suites = grouped(report).map(([part, list]) => {
    const failures = list.filter((f) => !f.suppressed && rank[f.level] >= rank[report.failOn]).length;
    const cases = list.map((f) => {
      const name = esc(`${f.id} ${f.operation ?? ''}`.trim());
      const body = `${f.message}\nbase: ${where(f.base)}\nhead: ${where(f.head)}`;
      const failing = !f.suppressed && rank[f.level] >= rank[report.failOn];
      return failing
        ? `    <testcase classname="${esc(f.id)}" name="${name}"><failure type="${f.level}" message="${esc(f.message)}">${esc(body)}</failure></testcase>`
        : `    <testcase classname="${esc(f.id)}" name="${name}"><system-out>${esc(`${f.level}${f.suppressed ? ' (ignored)' : ''}: ${body}`)}</system-out></testcase>`;
    });
    return `  <testsuite name="${esc(PART_TITLE[part])}" tests="${list.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (suites.length === 0)
    suites.push(
      '  <testsuite name="croupier gate" tests="1" failures="0">\n    <testcase classname="gate" name="no findings"/>\n  </testsuite>',
    );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="croupier gate">\n${suites.join('\n')}\n</testsuites>\n`;
}
