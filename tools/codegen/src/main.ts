import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeDrift, runCodegen } from './run.ts';

/** The repository's own contracts → `generated/*`. `--check` is the CI drift gate; `--root` points at another checkout. */
const REPO_DEFAULTS = {
  openapi: 'contracts/openapi/provider-platform.yaml',
  asyncapi: 'contracts/asyncapi/events.yaml',
  eventSchemas: 'contracts/schemas/events',
  out: 'generated',
  shape: 'workspace' as const,
};

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const rootIndex = argv.indexOf('--root');
  const root =
    rootIndex >= 0 && argv[rootIndex + 1]
      ? path.resolve(argv[rootIndex + 1]!)
      : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const started = performance.now();
  const result = await runCodegen({ ...REPO_DEFAULTS, cwd: root, check });
  const elapsed = Math.round(performance.now() - started);
  if (check) {
    if (result.clean) {
      process.stdout.write(
        `codegen --check: ${result.files} generated files match the contracts (${elapsed} ms)\n`,
      );
      return 0;
    }
    const lines = describeDrift(result.report, REPO_DEFAULTS.out);
    process.stderr.write(
      `codegen --check: ${lines.length} file(s) differ from what the contracts generate:\n${lines.map((l) => `  ${l}`).join('\n')}\n` +
        'Run `pnpm codegen` and commit the result.\n',
    );
    return 1;
  }
  const changed = describeDrift(result.report, REPO_DEFAULTS.out);
  process.stdout.write(
    `codegen: ${result.files} files, ${changed.length} changed (${elapsed} ms)\n${changed.map((l) => `  ${l}`).join('\n')}${changed.length ? '\n' : ''}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`codegen: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
