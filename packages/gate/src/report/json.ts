import type { GateReport } from '../gate.ts';
import { counts } from './shared.ts';

export function formatJson(report: GateReport): string {
  return `${JSON.stringify({ ...report, counts: counts(report) }, null, 2)}\n`;
}
