import type { GateReport } from '../gate.ts';
import { PART_TITLE, grouped, verdictLine, where } from './shared.ts';

const ICON = { error: '🛑', warning: '⚠️', info: 'ℹ️' } as const;
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A pull-request comment: verdict first, then a table per part, info findings folded away. */
export function formatMarkdown(report: GateReport): string {
  const out = [
    `### croupier gate: ${report.failed ? '❌ may not merge' : '✅ may merge'}`,
    '',
    verdictLine(report),
  ];
  for (const [part, list] of grouped(report)) {
    const table = (rows: typeof list) => [
      '| | check | where | message |',
      '|---|---|---|---|',
      ...rows.map(
        (f) =>
          `| ${f.suppressed ? '🙈' : ICON[f.level]} | \`${f.id}\` | ${cell(f.operation ?? where(f.head ?? f.base))} | ${cell(f.message)}${f.suppressed ? ` _(ignored: ${cell(f.suppressed.reason)})_` : ''} |`,
      ),
    ];
    const loud = list.filter((f) => f.level !== 'info');
    const quiet = list.filter((f) => f.level === 'info');
    out.push('', `#### ${PART_TITLE[part]}`);
    if (loud.length) out.push('', ...table(loud));
    if (quiet.length)
      out.push(
        '',
        `<details><summary>${quiet.length} informational</summary>`,
        '',
        ...table(quiet),
        '',
        '</details>',
      );
  }
  return `${out.join('\n')}\n`;
}
