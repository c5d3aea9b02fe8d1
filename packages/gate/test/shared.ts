import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** CI clones the repo with `shared/` beside it. */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const hasShared = existsSync(path.join(sharedDir, 'fixtures'));

/** Tests over `/work/shared` skip with a reason locally and fail under CI when it is missing. */
export function requireShared(): boolean {
  if (hasShared) return true;
  if (process.env.CI === 'true')
    throw new Error(`shared fixtures missing at ${sharedDir}; CI must clone shared/ beside the repo`);
  console.warn(`skipping: shared fixtures not found at ${sharedDir}`);
  return false;
}
