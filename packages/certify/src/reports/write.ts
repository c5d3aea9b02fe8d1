import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../runner.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export type ReportFormat = 'junit' | 'json' | 'md' | 'html';
export const REPORT_FORMATS: ReportFormat[] = ['junit', 'json', 'md', 'html'];

const FILE_NAMES: Record<ReportFormat, string> = {
  junit: 'junit.xml',
  json: 'report.json',
  md: 'report.md',
  html: 'report.html',
};

export function defaultRunFolder(now: Date = new Date()): string {
  return path.join('certify-runs', now.toISOString().replace(/[:.]/g, '-'));
}

/** Writes the chosen reports into the run folder and returns their paths. */
export function writeReports(
  run: RunResult,
  dir: string,
  formats: ReportFormat[] = REPORT_FORMATS,
): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const render: Record<ReportFormat, (r: RunResult) => string> = {
    junit: renderJunit,
    json: renderJson,
    md: renderMarkdown,
    html: renderHtml,
  };
  const written: Record<string, string> = {};
  for (const format of formats) {
    const file = path.join(dir, FILE_NAMES[format]);
    writeFileSync(file, render[format](run));
    written[format] = file;
  }
  return written;
}
