/**
 * Lint findings in the gate report come from `@croupier/lint-contracts` (Spectral with the project ruleset,
 * in-process). Loaded lazily: Spectral is slow to start and only `--only lint` or a full run needs it.
 */
import path from 'node:path';
import type { Finding } from './model.ts';

export async function lintFindings(repoRoot: string, file: string): Promise<Finding[]> {
  let lint: typeof import('@croupier/lint-contracts');
  try {
    lint = await import('@croupier/lint-contracts');
  } catch (error) {
    return [
      {
        id: 'lint-warning',
        level: 'warning',
        part: 'lint',
        message: `lint skipped: @croupier/lint-contracts could not be loaded (${(error as Error).message})`,
      },
    ];
  }
  const result = await lint.lintContracts({ root: repoRoot, files: [path.relative(repoRoot, file)] });
  return result.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => ({
      id: d.severity === 'error' ? 'lint-error' : 'lint-warning',
      level: d.severity === 'error' ? 'error' : 'warning',
      part: 'lint',
      message: `${d.rule}: ${d.message}`,
      head: {
        file: path.resolve(repoRoot, d.file),
        pointer: d.path.length
          ? `/${d.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
          : '',
        line: d.line,
      },
    }));
}
