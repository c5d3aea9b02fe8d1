import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratio } from '../load.ts';
import { progress, round } from '../shared.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SESSIONS = 10_000;
const MB = 1024 * 1024;

interface ChildFigures {
  mode: string;
  count: number;
  elapsedMs: number;
  rss: number;
  heapUsed: number;
  external: number;
}

/** One clean process per measurement, so neither sees the other's heap. */
async function measureIn(mode: 'wallet' | 'plain'): Promise<ChildFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `croupier-bench-mem-${mode}-`));
  try {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        path.join(here, '../sessions-memory-child.ts'),
        JSON.stringify({ mode, dir, count: SESSIONS }),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = stdout.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) {
      throw new Error(`sessions-memory child (${mode}) exited ${code}: ${stderr.slice(-500)}`);
    }
    return JSON.parse(line) as ChildFigures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Memory the served wallet keeps per 10,000 open sessions, beside 10,000 plain session objects. */
export const sessionsMemory: BenchSuite = {
  id: 'sessions-memory',
  title: `process memory growth per ${SESSIONS.toLocaleString('en')} open wallet sessions (SQLite file, child process, after GC)`,
  async run() {
    progress(
      `baseline child: same served wallet and warm-up, then ${SESSIONS} plain session objects in a Map`,
    );
    const plain = await measureIn('plain');
    progress(`wallet child: ${SESSIONS} sessions through POST /v1/sessions (8 in flight)`);
    const wallet = await measureIn('wallet');
    progress(`wallet: ${SESSIONS} sessions opened in ${wallet.elapsedMs} ms`);
    const per10k = (bytes: number, count: number) => round(((bytes / MB) * 10_000) / count);
    const name = `${SESSIONS} plain session objects in a Map, same process setup`;
    const rows: Array<Omit<BenchRow, 'suite'>> = [];
    for (const [metric, key] of [
      ['RSS growth', 'rss'],
      ['V8 heap growth', 'heapUsed'],
    ] as const) {
      const ours = per10k(wallet[key], wallet.count);
      const base = per10k(plain[key], plain.count);
      rows.push({
        metric: `wallet ${metric} per 10k open sessions`,
        value: ours,
        unit: 'MB',
        baseline: { name, value: base },
        ...(base > 0 ? { ratio: ratio(ours, base) } : {}),
      });
    }
    return rows;
  },
};
