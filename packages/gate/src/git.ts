/**
 * Reads the base side of a comparison from git: the contract file's whole directory at `<ref>` is
 * materialised into a temporary directory, so relative `$ref`s between files resolve as they did then.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GateError } from './errors.ts';

function git(cwd: string, args: string[]): Buffer {
  try {
    return execFileSync('git', args, {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
    throw new GateError('GIT_ERROR', `git ${args.join(' ')} failed: ${stderr}`);
  }
}

/**
 * Writes the tree under `dir` (repo-relative) at `ref` into a temp directory and returns the path there
 * of `file`. `dir` defaults to the file's top-level contract directory (`contracts/`), so refs to sibling
 * folders such as `contracts/schemas` resolve too.
 */
export function materialiseFromGit(repoRoot: string, ref: string, file: string, dir?: string): string {
  const top = git(repoRoot, ['rev-parse', '--show-toplevel']).toString().trim();
  const relFile = path.relative(top, path.resolve(repoRoot, file)).split(path.sep).join('/');
  const relDir = dir ?? relFile.split('/')[0] ?? '.';
  const out = mkdtempSync(path.join(tmpdir(), 'croupier-gate-base-'));
  const listing = git(top, ['ls-tree', '-r', '-z', '--name-only', ref, '--', relDir])
    .toString()
    .split('\0')
    .filter(Boolean);
  if (!listing.includes(relFile))
    throw new GateError('GIT_ERROR', `${relFile} does not exist at ${ref}`, { file: relFile, line: 1 });
  for (const name of listing) {
    if (!/\.(ya?ml|json)$/i.test(name)) continue;
    const target = path.join(out, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, git(top, ['show', `${ref}:${name}`]));
  }
  return path.join(out, relFile);
}
