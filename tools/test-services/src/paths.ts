import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** CI clones `shared/` beside the repository. */
export const sharedDir = path.resolve(repoRoot, '../shared');
