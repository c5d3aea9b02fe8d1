/**
 * Writes `src/checks/ids.ts`: every id of the catalogue (oasdiff's imported checks and ours) as a const list
 * and a union type, so a check that raises a misspelt id does not compile. Run after changing the catalogue:
 * node --import tsx packages/gate/scripts/generate-check-ids.ts (test/check-ids.test.ts fails when stale).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkIdsSource } from '../src/checks/ids-source.ts';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/checks/ids.ts');
writeFileSync(target, checkIdsSource());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
