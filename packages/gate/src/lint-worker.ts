/** Runs one lint off the main thread for `startLint` (lint.ts) and posts the diagnostics back. */
import { parentPort, workerData } from 'node:worker_threads';
import { type LintMessage, lintInProcess } from './lint.ts';

const { repoRoot, file } = workerData as { repoRoot: string; file: string };
let message: LintMessage;
try {
  message = await lintInProcess(repoRoot, file);
} catch (error) {
  message = { ok: false, error: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(message);
