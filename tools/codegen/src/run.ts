import path from 'node:path';
import { checkFiles, type DriftReport, writeFiles } from './files.ts';
import { type GenerateOptions, generate } from './generate.ts';

export interface RunOptions extends GenerateOptions {
  out: string;
  check?: boolean;
}

export interface RunResult {
  check: boolean;
  report: DriftReport;
  files: number;
  notes: string[];
  /** True when the output matches (after a write, or in check mode when nothing drifted). */
  clean: boolean;
}

/** Generate and either write (only what changed) or compare with what is on disk. */
export async function runCodegen(options: RunOptions): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd();
  const generated = await generate({ ...options, cwd });
  const out = path.resolve(cwd, options.out);
  const report = options.check
    ? await checkFiles(out, generated.files, generated.packages)
    : await writeFiles(out, generated.files, generated.packages);
  const dirty = report.drifted.length + report.missing.length + report.extra.length > 0;
  return {
    check: !!options.check,
    report,
    files: generated.files.length,
    notes: generated.notes,
    clean: options.check ? !dirty : true,
  };
}

export function describeDrift(report: DriftReport, out: string): string[] {
  return [
    ...report.drifted.map((f) => `drifted: ${out}/${f}`),
    ...report.missing.map((f) => `missing: ${out}/${f}`),
    ...report.extra.map((f) => `extra:   ${out}/${f}`),
  ];
}
