import path from 'node:path';
import type { GateReport } from '../gate.ts';
import type { Finding, SourceLocation } from '../model.ts';

export const PART_TITLE: Record<Finding['part'], string> = {
  breaking: 'Compatibility',
  deprecation: 'Deprecation and sunset',
  semver: 'Versioning',
  lint: 'Lint',
};
const ORDER = ['error', 'warning', 'info'] as const;

export function sorted(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      ORDER.indexOf(a.level) - ORDER.indexOf(b.level) ||
      (a.operation ?? '').localeCompare(b.operation ?? '') ||
      a.id.localeCompare(b.id),
  );
}

export function grouped(report: GateReport): Array<[Finding['part'], Finding[]]> {
  const parts: Finding['part'][] = ['breaking', 'deprecation', 'semver', 'lint'];
  return parts
    .map((p) => [p, sorted(report.findings.filter((f) => f.part === p))] as [Finding['part'], Finding[]])
    .filter(([, list]) => list.length > 0);
}

export function rel(file: string, cwd = process.cwd()): string {
  const r = path.relative(cwd, file);
  return r.startsWith('..') ? file : r;
}

export function where(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  return `${rel(loc.file)}${loc.line ? `:${loc.line}` : ''}#${loc.pointer || '/'}`;
}

export function counts(report: GateReport): Record<'error' | 'warning' | 'info' | 'suppressed', number> {
  const c = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const f of report.findings) {
    if (f.suppressed) c.suppressed++;
    else c[f.level]++;
  }
  return c;
}

export function verdictLine(report: GateReport): string {
  const c = counts(report);
  const bump = `needs a ${report.neededBump} release${report.baseVersion ? ` (info.version ${report.baseVersion} → ${report.headVersion ?? '?'}: ${report.declaredBump})` : ''}`;
  return `${report.failed ? 'FAIL: may not merge' : 'PASS: may merge'} — ${c.error} error(s), ${c.warning} warning(s), ${c.info} info, ${c.suppressed} suppressed; ${bump}; fails on ${report.failOn}`;
}
