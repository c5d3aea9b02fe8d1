import type { GateReport } from '../gate.ts';
import { rel } from './shared.ts';

const esc = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escProp = (s: string) => esc(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** GitHub Actions workflow commands: annotations on the head file (base for removals), at the line. */
export function formatGithub(report: GateReport): string {
  const kind = { error: 'error', warning: 'warning', info: 'notice' } as const;
  return report.findings
    .filter((f) => !f.suppressed && f.level !== 'info')
    .map((f) => {
      const loc = f.head?.line ? f.head : (f.base ?? f.head);
      const props = [
        loc ? `file=${escProp(rel(loc.file))}` : '',
        loc?.line ? `line=${loc.line}` : '',
        `title=${escProp(f.id)}`,
      ]
        .filter(Boolean)
        .join(',');
      return `::${kind[f.level]} ${props}::${esc(f.message)}\n`;
    })
    .join('');
}
