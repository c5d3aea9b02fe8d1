import type { RunResult } from '../runner.ts';

function escapeXml(text: string): string {
  return (
    text
      // XML 1.0 cannot carry most control characters, even escaped; the attack scenarios send them.
      .split('')
      .filter((ch) => ch.charCodeAt(0) >= 0x20 || ch === '\t' || ch === '\n' || ch === '\r')
      .join('')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
  );
}

/** One testsuite per category, one testcase per scenario; failures carry the reason and the trace ids. */
export function renderJunit(run: RunResult): string {
  const categories = [...new Set(run.results.map((r) => r.category))];
  const suites = categories.map((category) => {
    const results = run.results.filter((r) => r.category === category);
    const cases = results.map((r) => {
      const traces = r.evidence
        .map((e) => `${e.startedAt} ${e.method} ${e.path} → ${e.status ?? e.error} trace ${e.traceId}`)
        .join('\n');
      const body =
        r.verdict === 'fail'
          ? `<failure message="${escapeXml(r.reason ?? 'failed')}">${escapeXml(`${r.expected}\n${r.reason ?? ''}\n${traces}`)}</failure>`
          : r.verdict === 'skip'
            ? `<skipped message="${escapeXml(r.reason ?? 'skipped')}"/>`
            : '';
      return `    <testcase classname="certify.${escapeXml(category)}" name="${escapeXml(r.id)}: ${escapeXml(r.title)}" time="${(r.durationMs / 1000).toFixed(3)}">${body}<system-out>${escapeXml(traces)}</system-out></testcase>`;
    });
    const failures = results.filter((r) => r.verdict === 'fail').length;
    const skipped = results.filter((r) => r.verdict === 'skip').length;
    const time = results.reduce((t, r) => t + r.durationMs, 0) / 1000;
    return `  <testsuite name="certify.${escapeXml(category)}" tests="${results.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="croupier certify ${escapeXml(run.target)}" tests="${run.counts.total}" failures="${run.counts.fail}" skipped="${run.counts.skip}" time="${(run.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
