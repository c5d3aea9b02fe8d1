/**
 * Lint findings in the gate report come from `@croupier/lint-contracts` (Spectral with the project ruleset).
 * Spectral is the larger half of a full run on a big document (on the Twilio pair: loading its modules ~2 s,
 * its rules ~5 s, most of it ajv compiling every media-type example's schema), and it needs nothing the
 * comparison computes. So when Node can load the worker (the CLI runs under tsx), the lint runs in a worker
 * thread started before the documents are loaded, on the second core, while the main thread compares; it
 * falls back to running in-process (test runners, plain node), loaded lazily because only `--only lint` or a
 * full run needs it.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Finding } from './model.ts';

/** What the worker sends back: the diagnostics, or why lint could not run. */
export type LintMessage = { ok: true; diagnostics: LintDiagnostic[] } | { ok: false; error: string };

interface LintDiagnostic {
  file: string;
  line: number;
  severity: string;
  rule: string;
  message: string;
  path: Array<string | number>;
}

/** A lint under way: its findings (never rejects) and a way to stop it when the run fails before using them. */
export interface RunningLint {
  findings: Promise<Finding[]>;
  cancel(): void;
}

/** Starts linting `file`; a lint that cannot run becomes a finding, never a rejection. */
export function startLint(repoRoot: string, file: string): RunningLint {
  if (!workerCanLoadTypeScript()) return { findings: lintFindings(repoRoot, file), cancel: () => {} };
  let worker: Worker | undefined;
  const findings = new Promise<Finding[]>((resolve) => {
    let settled = false;
    const fallBack = () => {
      if (settled) return;
      settled = true;
      resolve(lintFindings(repoRoot, file));
    };
    try {
      // Node 20 does not apply the parent's `--import tsx` hooks to a worker's entry, so the worker registers
      // tsx itself before importing the TypeScript entry.
      const tsx = import.meta.resolve('tsx/esm/api');
      const entry = new URL('./lint-worker.ts', import.meta.url).href;
      worker = new Worker(
        `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
        { eval: true, workerData: { repoRoot, file } },
      );
    } catch {
      fallBack();
      return;
    }
    worker.once('message', (message: LintMessage) => {
      if (settled) return;
      settled = true;
      resolve(message.ok ? toFindings(repoRoot, message.diagnostics) : [failed(message.error)]);
      void worker?.terminate();
    });
    worker.once('error', fallBack);
    worker.once('exit', fallBack);
  });
  return {
    findings,
    cancel: () => {
      void worker?.terminate();
    },
  };
}

/** The worker inherits the parent's `--import tsx`; without a TypeScript loader it could not start. */
function workerCanLoadTypeScript(): boolean {
  const args = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return /(^|[\s=/])tsx(\/|\s|$)|tsx\/(esm|dist)/.test(args) && !process.env.VITEST;
}

export async function lintFindings(repoRoot: string, file: string): Promise<Finding[]> {
  const message = await lintInProcess(repoRoot, file);
  return message.ok ? toFindings(repoRoot, message.diagnostics) : [failed(message.error)];
}

export async function lintInProcess(repoRoot: string, file: string): Promise<LintMessage> {
  let lint: typeof import('@croupier/lint-contracts');
  try {
    lint = await import('@croupier/lint-contracts');
  } catch (error) {
    return { ok: false, error: `@croupier/lint-contracts could not be loaded (${(error as Error).message})` };
  }
  try {
    const result = await lint.lintContracts({ root: repoRoot, files: [path.relative(repoRoot, file)] });
    return { ok: true, diagnostics: result.diagnostics };
  } catch (error) {
    return { ok: false, error: `lint could not run (${(error as Error).message})` };
  }
}

/** A lint that could not run blocks the merge: a broken ruleset must not read as a clean document. */
function failed(reason: string): Finding {
  return { id: 'lint-error', level: 'error', part: 'lint', message: `lint skipped: ${reason}` };
}

function toFindings(repoRoot: string, diagnostics: LintDiagnostic[]): Finding[] {
  return diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => ({
      id: d.severity === 'error' ? 'lint-error' : 'lint-warning',
      level: d.severity === 'error' ? 'error' : 'warning',
      part: 'lint',
      message: `${d.rule}: ${d.message}`,
      head: {
        file: path.resolve(repoRoot, d.file),
        pointer: d.path.length
          ? `/${d.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
          : '',
        line: d.line,
      },
    }));
}
