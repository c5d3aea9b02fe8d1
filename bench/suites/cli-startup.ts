import { execFile, execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { installProject } from '../../packages/cli/test/installed-project.ts';
import type { BenchSuite } from './types.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const RUNS = 10;

/** Median wall time of a command over RUNS runs (after one warm-up), in ms. */
async function medianMs(file: string, args: string[], cwd: string): Promise<number> {
  await run(file, args, { cwd });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run(file, args, { cwd });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(RUNS / 2)]!);
}

/**
 * `croupier --help` as a provider runs it: the CLI installed from its tarball with npm, started by plain
 * Node (no tsx), beside `node -e 0`, the floor any Node CLI pays. Goal: at most 300 ms above it.
 */
export const cliStartup: BenchSuite = {
  id: 'cli-startup',
  title: 'installed `croupier --help` (npm-installed tarball, plain Node) vs `node -e 0`, median of 10',
  async run() {
    execFileSync('pnpm', ['build'], { cwd: repo, stdio: 'ignore' });
    const project = await installProject('croupier-bench-cli-');
    try {
      const bin = path.join(project, 'node_modules/@croupier/cli/dist/bin.js');
      const node = await medianMs(process.execPath, ['-e', '0'], project);
      const help = await medianMs(process.execPath, [bin, '--help'], project);
      return [
        {
          metric: 'croupier --help (installed)',
          value: help,
          unit: 'ms',
          baseline: { name: 'node -e 0', value: node },
          ratio: Math.round((help / node) * 100) / 100,
          note: `${help - node} ms above bare Node (goal ≤ 300)`,
        },
      ];
    } finally {
      await rm(project, { recursive: true, force: true, maxRetries: 5 });
    }
  },
};
