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

/** Newest modification time of the files under `dir` whose name passes `keep` (null: none). */
function newest(dir: string, keep: (name: string) => boolean): number | null {
  let time = 0;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (keep(entry.name)) time = Math.max(time, statSync(full).mtimeMs);
    }
  };
  try {
    walk(dir);
  } catch {
    return null;
  }
  return time === 0 ? null : time;
}

/** Every built workspace package under `root` has a dist/ written after its last source edit. */
export function distIsFresh(root = repoRoot): boolean {
  for (const group of ['packages', 'tools', 'generated']) {
    let packages: string[];
    try {
      packages = readdirSync(path.join(root, group));
    } catch {
      continue;
    }
    for (const name of packages) {
      const dir = path.join(root, group, name);
      try {
        statSync(path.join(dir, 'tsconfig.build.json'));
      } catch {
        continue;
      }
      const src = newest(path.join(dir, 'src'), (file) => file.endsWith('.ts'));
      const dist = newest(path.join(dir, 'dist'), (file) => file.endsWith('.js'));
      if (src === null) continue;
      // Newest against newest: a dist/ file left over from a deleted source must not count as stale.
      if (dist === null || dist < src) return false;
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
