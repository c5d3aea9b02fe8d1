/**
 * Rewrites the coverage table in the certify README from the scenarios' `covers`:
 * `node --import tsx packages/certify/scripts/coverage-table.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Contract } from '../src/contract.ts';
import { coverageTable } from '../src/coverage.ts';
import { allScenarios } from '../src/scenarios/index.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const contract = await Contract.load();
const table = coverageTable(allScenarios(contract), contract);
writeFileSync(
  readme,
  readFileSync(readme, 'utf8').replace(
    /<!-- coverage:start -->[\s\S]*<!-- coverage:end -->/,
    `<!-- coverage:start -->\n${table}\n<!-- coverage:end -->`,
  ),
);
// biome pads markdown tables; format here so `pnpm lint` agrees with what was written.
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', readme], { stdio: 'inherit' });
