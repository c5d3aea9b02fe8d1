/**
 * Which test files are integration tests: those that reach outside the test process — a service
 * through this package, a child process, a browser — directly or through a helper of their own test
 * folder. Everything else is a unit test. vitest.config.ts runs the two as projects; deciding by what a
 * file imports keeps the split true without a list to keep in step.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const OUTSIDE = [/from '@croupier\/test-services'/, /from 'node:child_process'/, /from 'playwright-core'/];
const LOCAL_IMPORT = /(?:from |import\()'(\.\.?\/[^']+\.ts)'/g;

function reachesOutside(file: string, seen: Set<string>): boolean {
  if (seen.has(file) || !existsSync(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (OUTSIDE.some((pattern) => pattern.test(text))) return true;
  const folder = path.dirname(file);
  for (const [, relative] of text.matchAll(LOCAL_IMPORT)) {
    const target = path.resolve(folder, relative as string);
    // Only helpers of the test folder: the package's own src/ is what a unit test tests.
    if (!target.includes(`${path.sep}test${path.sep}`)) continue;
    if (reachesOutside(target, seen)) return true;
  }
  return false;
}

/** Test files under `<root>/<group>/<package>/test`, repository-relative. */
export function testFiles(root: string, groups = ['packages', 'tools', 'generated']): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'fixtures') walk(full);
      } else if (entry.name.endsWith('.test.ts')) files.push(path.relative(root, full));
    }
  };
  for (const group of groups) {
    if (!existsSync(path.join(root, group))) continue;
    for (const pkg of readdirSync(path.join(root, group), { withFileTypes: true })) {
      const test = path.join(root, group, pkg.name, 'test');
      if (pkg.isDirectory() && existsSync(test)) walk(test);
    }
  }
  return files.sort();
}

/** The integration test files among `testFiles(root)`. */
export function integrationTestFiles(root: string): string[] {
  return testFiles(root).filter((file) => reachesOutside(path.join(root, file), new Set()));
}
