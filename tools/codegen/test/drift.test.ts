import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { workspaceEntry } from '@croupier/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, run } from './support.ts';

/** `pnpm codegen`: the built one when dist/ is up to date (no tsx compile per run), else the source. */
const main = workspaceEntry('tools/codegen', 'main').nodeArgs;

async function codegen(
  root: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...main, '--root', root, ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm codegen --check (the CI drift gate) on a temporary copy of the repository', {
  timeout: 90_000,
}, () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'codegen-drift-'));
    await cp(path.join(repoRoot, 'contracts'), path.join(root, 'contracts'), { recursive: true });
    await cp(path.join(repoRoot, 'generated'), path.join(root, 'generated'), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}node_modules`),
    });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes when the committed output matches the contracts', async () => {
    const result = await codegen(root, '--check');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('fails naming every drifted file when a contract changes without regeneration', async () => {
    const file = path.join(root, 'contracts/openapi/provider-platform.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(/\n {2}version: ([^\n]+)/, '\n  version: 9.9.9'));
    const result = await codegen(root, '--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('drifted: generated/client/src/client.ts');
    expect(result.stderr).toContain('drifted: generated/server/src/handlers.ts');
    expect(result.stderr).toContain('Run `pnpm codegen`');
    await writeFile(file, original);
  });

  it('reports a hand-edited, a deleted and an extra generated file', async () => {
    const edited = path.join(root, 'generated/server/src/routes.ts');
    const removed = path.join(root, 'generated/events/src/catalogue.ts');
    await writeFile(edited, `${await readFile(edited, 'utf8')}// hand edit\n`);
    await rm(removed);
    await writeFile(path.join(root, 'generated/client/src/stray.ts'), 'export {};\n');
    const result = await codegen(root, '--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('drifted: generated/server/src/routes.ts');
    expect(result.stderr).toContain('missing: generated/events/src/catalogue.ts');
    expect(result.stderr).toContain('extra:   generated/client/src/stray.ts');
  });

  it('regenerating repairs the copy, and a second run changes nothing (byte-identical)', async () => {
    const first = await codegen(root);
    expect(first.code).toBe(0);
    const second = await codegen(root);
    expect(second.stdout).toMatch(/ 0 changed/);
    expect((await codegen(root, '--check')).code).toBe(0);
  });
});
