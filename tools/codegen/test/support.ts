import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const codegenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(codegenDir, '../..');
export const sharedDir = path.resolve(repoRoot, '../shared');
const tsc = path.join(codegenDir, 'node_modules/typescript/bin/tsc');

/** A temp output outside the workspace cannot resolve fastify/ajv/@types/node: link the ones this package has. */
export async function linkDependencies(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'node_modules/@types'), { recursive: true });
  const links: Array<[string, string]> = [
    ['fastify', 'fastify'],
    ['ajv', 'ajv'],
    ['ajv-formats', 'ajv-formats'],
    ['@types/node', '@types/node'],
  ];
  for (const [name, target] of links) {
    const to = path.join(dir, 'node_modules', name);
    if (!existsSync(to)) await symlink(await realpath(path.join(codegenDir, 'node_modules', target)), to);
  }
}

/** `tsc --noEmit -p` with the package's own strict tsconfig; resolves with the compiler output on failure. */
export async function typecheck(
  packageDir: string,
  extra: string[] = [],
): Promise<{ ok: boolean; output: string }> {
  try {
    await run(process.execPath, [tsc, '-p', path.join(packageDir, 'tsconfig.json'), '--noEmit', ...extra], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, output: '' };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 4000) };
  }
}
