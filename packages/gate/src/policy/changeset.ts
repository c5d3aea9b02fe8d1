/**
 * A contract change ships with a changeset (`.changeset/*.md`) declaring at least the bump it needs.
 * Pending changesets are the ones present in the tree: `changeset version` consumes them on release.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { type Bump, BUMP_RANK } from './semver.ts';

export interface ChangesetVerdict {
  /** The highest bump any pending changeset declares; `none` when there is none. */
  declared: Bump;
  files: string[];
  problem?: { id: 'changeset-missing' | 'changeset-level-too-low'; message: string };
}

export function checkChangeset(repoRoot: string, needed: Bump, packages?: string[]): ChangesetVerdict {
  const dir = path.join(repoRoot, '.changeset');
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    : [];
  let declared: Bump = 'none';
  const used: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
    for (const line of front.split(/\r?\n/)) {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (!m) continue;
      if (packages && !packages.includes(m[1] ?? '')) continue;
      used.push(`.changeset/${file}`);
      if (BUMP_RANK[m[2] as Bump] > BUMP_RANK[declared]) declared = m[2] as Bump;
    }
  }
  const verdict: ChangesetVerdict = { declared, files: [...new Set(used)] };
  if (needed === 'none') return verdict;
  if (declared === 'none') {
    verdict.problem = {
      id: 'changeset-missing',
      message: `the contract change needs a ${needed} release but no .changeset/*.md declares one; run \`pnpm changeset\` and choose ${needed}`,
    };
  } else if (BUMP_RANK[declared] < BUMP_RANK[needed]) {
    verdict.problem = {
      id: 'changeset-level-too-low',
      message: `the changesets declare ${declared} but the contract change needs ${needed}; raise the bump in ${verdict.files.join(', ')}`,
    };
  }
  return verdict;
}
