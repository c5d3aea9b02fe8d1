// `pnpm lint:contracts [files...]`: lints the contracts (or the given documents) and exits 1 on any error.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLintResult, lintContracts } from './index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// pnpm runs scripts from the repository root; paths typed by the user are relative to where they typed them.
const invokedFrom = process.env.INIT_CWD ?? process.cwd();
const files = process.argv.slice(2).map((file) => path.resolve(invokedFrom, file));

try {
  const started = performance.now();
  const result = await lintContracts({ root: repoRoot, ...(files.length > 0 ? { files } : {}) });
  if (result.files.length === 0) {
    console.error('lint:contracts: no contract files found under contracts/openapi or contracts/asyncapi.');
    process.exitCode = 1;
  } else {
    console.log(formatLintResult(result));
    console.log(`  (${Math.round(performance.now() - started)} ms)`);
    process.exitCode = result.ok ? 0 : 1;
  }
} catch (error) {
  console.error(`lint:contracts: could not lint: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
