import type { LintResult } from './diagnostics.ts';

/** `file:line:col severity rule message`, grouped under each file, then one summary line. */
export function formatLintResult(result: LintResult): string {
  const lines: string[] = [];
  const byFile = new Map<string, typeof result.diagnostics>();
  for (const d of result.diagnostics) {
    const group = byFile.get(d.file) ?? [];
    group.push(d);
    byFile.set(d.file, group);
  }
  for (const [file, diagnostics] of byFile) {
    lines.push(file);
    for (const d of diagnostics) {
      lines.push(`  ${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`);
    }
    lines.push('');
  }
  const count = (severities: string[]) =>
    result.diagnostics.filter((d) => severities.includes(d.severity)).length;
  const errors = count(['error']);
  lines.push(
    `${errors === 0 ? '✔' : '✖'} ${result.files.length} contract file(s): ${errors} error(s), ${count(['warning'])} warning(s), ${count(['info', 'hint'])} info/hint(s)`,
  );
  return lines.join('\n');
}
