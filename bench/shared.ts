// Paths and small helpers the suites share.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The fixtures checkout beside the repository (`<repo>/../shared`). */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const sharedPresent = existsSync(path.join(sharedDir, 'fixtures'));

/** Progress lines, indented under the suite's header. */
export function progress(line: string): void {
  process.stdout.write(`  · ${line}\n`);
}

export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** A TCP port answers within `timeoutMs` (PostgreSQL, NATS). */
export async function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
