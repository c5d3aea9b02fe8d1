/**
 * How a test starts `croupier` (or another workspace program) as a separate process. Through tsx every start compiles the CLI's whole
 * import graph again (about a second of CPU, and some suites start it a hundred times); the built
 * `dist/` starts with plain node. CI builds before it tests (.ci/run), so there the tests run what is
 * published; a local run with no build, or with sources edited after the build, falls back to tsx so
 * a test never runs stale code. CROUPIER_TEST_CLI=src forces tsx.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.ts';

/** Node's arguments that run a workspace program; append the program's own. */
export interface CroupierCommand {
  /** `dist` (plain node on the built packages) or `src` (tsx on the sources). */
  readonly from: 'dist' | 'src';
  readonly nodeArgs: readonly string[];
}

/** Newest and oldest modification time of the files under `dir` whose name passes `keep`. */
function mtimes(dir: string, keep: (name: string) => boolean): { newest: number; oldest: number } | null {
  let newest = 0;
  let oldest = Number.POSITIVE_INFINITY;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (keep(entry.name)) {
        const time = statSync(full).mtimeMs;
        newest = Math.max(newest, time);
        oldest = Math.min(oldest, time);
      }
    }
  };
  try {
    walk(dir);
  } catch {
    return null;
  }
  return newest === 0 ? null : { newest, oldest };
}

/** Every built workspace package has a dist/ written after its last source edit. */
function distIsFresh(): boolean {
  for (const group of ['packages', 'tools', 'generated']) {
    for (const pkg of readdirSync(path.join(repoRoot, group), { withFileTypes: true })) {
      if (!pkg.isDirectory()) continue;
      const dir = path.join(repoRoot, group, pkg.name);
      try {
        statSync(path.join(dir, 'tsconfig.build.json'));
      } catch {
        continue;
      }
      const src = mtimes(path.join(dir, 'src'), (name) => name.endsWith('.ts'));
      const dist = mtimes(path.join(dir, 'dist'), (name) => name.endsWith('.js'));
      if (!src) continue;
      // Newest against newest: a dist/ file left over from a deleted source must not count as stale.
      if (!dist || dist.newest < src.newest) return false;
    }
  }
  return true;
}

let fresh: boolean | undefined;

/**
 * Node's arguments that run `<packageDir>/src/<entry>.ts` of a workspace package: its built
 * `dist/<entry>.js` (workspace imports resolved to dist/ too) when every dist/ is up to date, else the
 * source through tsx. Append the program's own arguments.
 */
export function workspaceEntry(packageDir: string, entry: string): CroupierCommand {
  fresh ??= process.env.CROUPIER_TEST_CLI !== 'src' && distIsFresh();
  return fresh
    ? {
        from: 'dist',
        nodeArgs: ['--conditions=croupier-dist', path.join(repoRoot, packageDir, 'dist', `${entry}.js`)],
      }
    : {
        from: 'src',
        nodeArgs: [
          '--import',
          pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/esm/index.mjs')).href,
          path.join(repoRoot, packageDir, 'src', `${entry}.ts`),
        ],
      };
}

export const croupierCommand = (): CroupierCommand => workspaceEntry('packages/cli', 'bin');

/** `process.execPath` and its arguments for `croupier <args>`. */
export function croupierArgv(...args: string[]): [string, string[]] {
  return [process.execPath, [...croupierCommand().nodeArgs, ...args]];
}
