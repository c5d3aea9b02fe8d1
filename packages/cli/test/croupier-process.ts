import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { croupierArgv } from '@croupier/test-services';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const exec = promisify(execFile);

export interface CroupierRun {
  code: number;
  /** stdout then stderr, as a person reads the terminal. */
  out: string;
  stdout: string;
}

/**
 * `croupier <args>` as a separate process, the way a person types it (the built CLI when dist/ is up to
 * date, else through tsx); never throws on a non-zero exit.
 */
export async function runCroupier(
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CroupierRun> {
  try {
    const { stdout, stderr } = await exec(...croupierArgv(...args), {
      cwd: repoRoot,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
      ...(options.env ? { env: options.env } : {}),
    });
    return { code: 0, out: stdout + stderr, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    const stdout = failed.stdout ?? '';
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      out: `${stdout}${failed.stderr ?? ''}`,
      stdout,
    };
  }
}

/** `runCroupier` with the default timeout and environment. */
export const croupier = (...args: string[]): Promise<CroupierRun> => runCroupier(args);
