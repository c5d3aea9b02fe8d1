import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.ts';
import { writeFiles } from '../src/files.ts';
import { codegenDir, linkDependencies, repoRoot, typecheck } from './support.ts';

const fixture = 'tools/codegen/test/fixtures/mini/api.yaml';
const temp: string[] = [];
afterAll(async () => {
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

describe('generated output of a small multi-file 3.1 document', { timeout: 120_000 }, () => {
  it('matches the snapshots file for file', async () => {
    const { files } = await generate({ openapi: fixture, cwd: repoRoot });
    for (const file of files) {
      await expect(file.content).toMatchFileSnapshot(
        path.join(codegenDir, 'test/__snapshots__/mini', `${file.path}.snap`),
      );
    }
  });

  it('is deterministic: two runs give byte-identical files in the same order', async () => {
    const a = await generate({ openapi: fixture, asyncapi: 'contracts/asyncapi/events.yaml', cwd: repoRoot });
    const b = await generate({ openapi: fixture, asyncapi: 'contracts/asyncapi/events.yaml', cwd: repoRoot });
    expect(b.files).toEqual(a.files);
  });

  it('starts every file with the do-not-edit header naming the contract and its info.version', async () => {
    const { files } = await generate({ openapi: fixture, cwd: repoRoot });
    for (const file of files) {
      expect(file.content.slice(0, 300), file.path).toContain('DO NOT EDIT');
      expect(file.content.slice(0, 300), file.path).toContain(`${fixture} (info.version 0.3.0)`);
    }
  });

  it('names operations deterministically when the operationId is missing, duplicated or not an identifier', async () => {
    const { notes, files } = await generate({ openapi: fixture, cwd: repoRoot, only: ['client'] });
    expect(notes).toContain('DELETE /v1/sessions/{session_id}: operationId "end session" renamed endSession');
    const client = files.find((f) => f.path === 'client/src/client.ts')!.content;
    expect(client).toContain('endSession(request: EndSessionRequest');
  });

  it('compiles under tsc --strict (client, server)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'codegen-mini-'));
    temp.push(out);
    await writeFiles(out, (await generate({ openapi: fixture, cwd: repoRoot })).files, []);
    await linkDependencies(out);
    for (const pkg of ['client', 'server']) {
      const result = await typecheck(path.join(out, pkg));
      expect(result.output, pkg).toBe('');
    }
  });
});

describe('the type check itself', () => {
  it('fails a package with a type error, naming file, line and error', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'codegen-broken-'));
    temp.push(out);
    await writeFiles(out, (await generate({ openapi: fixture, cwd: repoRoot, only: ['client'] })).files, []);
    await linkDependencies(out);
    await writeFile(path.join(out, 'client/src/broken.ts'), "export const amount: bigint = '1.00';\n");
    const result = await typecheck(path.join(out, 'client'));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/broken\.ts\(1,14\): error TS2322:/);
  });
});

describe('the committed generated packages', { timeout: 120_000 }, () => {
  for (const pkg of ['client', 'server', 'events']) {
    it(`generated/${pkg} compiles under tsc --strict --noEmit`, async () => {
      const result = await typecheck(path.join(repoRoot, 'generated', pkg), ['--strict']);
      expect(result.output).toBe('');
    });
  }
});
