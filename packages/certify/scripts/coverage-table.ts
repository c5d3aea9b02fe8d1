/**
 * Rewrites the coverage table in the certify README from the scenarios' `covers`:
 * `node --import tsx packages/certify/scripts/coverage-table.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Contract } from '../src/contract.ts';
import { coverageTable } from '../src/coverage.ts';
import { allScenarios } from '../src/scenarios/index.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const contract = Contract.load();
const table = coverageTable(allScenarios(contract), contract);
writeFileSync(
  readme,
  readFileSync(readme, 'utf8').replace(
    /<!-- coverage:start -->[\s\S]*<!-- coverage:end -->/,
    `<!-- coverage:start -->\n${table}\n<!-- coverage:end -->`,
  ),
);
