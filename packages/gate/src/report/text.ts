import type { GateReport } from '../gate.ts';
import { PART_TITLE, grouped, verdictLine, where } from './shared.ts';

const MARK = { error: '✖', warning: '⚠', info: 'ℹ' } as const;

/** Grouped human text: one block per part, errors first, each finding with its base/head pointers. */
export function formatText(report: GateReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [`croupier gate: ${report.base} → ${report.head}`];
  for (const [part, list] of grouped(report)) {
    const shown = options.verbose ? list : list.filter((f) => f.level !== 'info' || f.suppressed);
    const hidden = list.length - shown.length;
    lines.push('', `${PART_TITLE[part]} (${list.length})`);
    for (const f of shown) {
      lines.push(
        `  ${f.suppressed ? '○' : MARK[f.level]} ${f.level.padEnd(7)} ${f.id}  ${f.message}${f.suppressed ? ` [ignored until ${f.suppressed.expires}: ${f.suppressed.reason}]` : ''}`,
      );
      if (f.base)
        lines.push(
          `      base: ${where(f.base)}${f.baseDefinition ? `  (defined at ${where(f.baseDefinition)})` : ''}`,
        );
      if (f.head)
        lines.push(
          `      head: ${where(f.head)}${f.headDefinition ? `  (defined at ${where(f.headDefinition)})` : ''}`,
        );
    }
    if (hidden > 0) lines.push(`  … and ${hidden} info finding(s); --verbose shows them`);
  }
  lines.push('', verdictLine(report));
  return `${lines.join('\n')}\n`;
}
