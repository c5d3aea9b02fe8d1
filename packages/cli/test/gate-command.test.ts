import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCroupier } from './croupier-process.ts';

const croupier = (...args: string[]) => runCroupier(args, { timeoutMs: 120_000 });
const baseTrees = () =>
  new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('croupier-gate-base-')));

describe('croupier gate, as a person runs it', () => {
  it('leaves no base tree from git behind in the temp directory', async () => {
    const before = baseTrees();
    await croupier(
      'gate',
      '--base',
      'HEAD',
      'contracts/openapi/provider-platform.yaml',
      '--only',
      'breaking',
    );
    const left = [...baseTrees()].filter((name) => !before.has(name));
    expect(left).toEqual([]);
  });

  it('says so when nothing is deprecated', async () => {
    const { stdout } = await croupier('gate', '--deprecations', 'contracts/asyncapi/events.yaml');
    expect(stdout.trim().length).toBeGreaterThan(0);
  });
});
