import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { distIsFresh } from '../src/index.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A workspace with one built package: src/a.ts written at `srcAt`, dist/a.js at `distAt` (seconds). */
function workspace(srcAt: number, distAt: number | null): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dist-fresh-'));
  roots.push(root);
  const pkg = path.join(root, 'packages/money');
  mkdirSync(path.join(pkg, 'src'), { recursive: true });
  writeFileSync(path.join(pkg, 'tsconfig.build.json'), '{}');
  writeFileSync(path.join(pkg, 'src/a.ts'), '');
  utimesSync(path.join(pkg, 'src/a.ts'), srcAt, srcAt);
  if (distAt !== null) {
    mkdirSync(path.join(pkg, 'dist'));
    writeFileSync(path.join(pkg, 'dist/a.js'), '');
    utimesSync(path.join(pkg, 'dist/a.js'), distAt, distAt);
  }
  return root;
}

describe('distIsFresh: when the tests may start the built programs instead of tsx', () => {
  it('yes when every dist/ was written after its last source edit', () => {
    expect(distIsFresh(workspace(1_000, 2_000))).toBe(true);
  });

  it('no when a source was edited after the build: the tests must not run stale code', () => {
    expect(distIsFresh(workspace(3_000, 2_000))).toBe(false);
  });

  it('no when a package was never built', () => {
    expect(distIsFresh(workspace(1_000, null))).toBe(false);
  });

  it('a leftover dist file of a deleted source does not make a fresh build stale', () => {
    const root = workspace(1_000, 2_000);
    const leftover = path.join(root, 'packages/money/dist/old.js');
    writeFileSync(leftover, '');
    utimesSync(leftover, 10, 10);
    expect(distIsFresh(root)).toBe(true);
  });
});
