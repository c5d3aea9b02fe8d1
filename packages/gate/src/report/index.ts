import type { GateReport } from '../gate.ts';
import { formatGithub } from './github.ts';
import { formatJson } from './json.ts';
import { formatJunit } from './junit.ts';
import { formatMarkdown } from './markdown.ts';
import { formatText } from './text.ts';

export type ReportFormat = 'text' | 'json' | 'junit' | 'markdown' | 'github';
export const REPORT_FORMATS: ReportFormat[] = ['text', 'json', 'junit', 'markdown', 'github'];

export function formatReport(
  report: GateReport,
  format: ReportFormat,
  options: { verbose?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'junit':
      return formatJunit(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'github':
      return formatGithub(report);
    default:
      return formatText(report, options);
  }
}
