/**
 * Files that need one machine-wide resource (the sandbox's default ports 4010/4020, the wallet's 8080)
 * take turns on it: through a lock file in the temp dir, so the wait holds across vitest workers and
 * across checkouts tested at once on the same machine. proper-lockfile refreshes the lock while it is
 * held and takes over a lock whose holder died without releasing it.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** Waits (up to `timeoutMs`) until `resource` is free, then holds it; call the answer to let it go. */
export async function takeTurn(resource: string, timeoutMs = 900_000): Promise<() => Promise<void>> {
  const file = path.join(os.tmpdir(), `croupier-test-turn-${resource}`);
  writeFileSync(file, '', { flag: 'a' });
  const release = await lockfile.lock(file, {
    stale: 30_000,
    update: 5_000,
    retries: { retries: Math.ceil(timeoutMs / 1_000), factor: 1, minTimeout: 1_000, maxTimeout: 1_000 },
  });
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await release();
  };
}
