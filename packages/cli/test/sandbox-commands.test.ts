import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type RunningSandbox, startSandbox } from '@croupier/sandbox';
import { createSandboxSecurity } from '@croupier/sandbox/secure';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { croupier } from './croupier-process.ts';

let dir: string;
let sandbox: RunningSandbox;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-cli-sandbox-'));
  sandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'plain') });
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('croupier sandbox fault | faults | clear | reset', () => {
  it('presses a scoped, time-boxed button, lists it, clears it, and resets the players', async () => {
    const pressed = await croupier(
      'sandbox',
      'fault',
      'latency',
      '--url',
      sandbox.url,
      '--min-ms',
      '10',
      '--max-ms',
      '20',
      '--provider',
      'studio-x',
      '--duration',
      '30',
    );
    expect(pressed.code).toBe(0);
    const id = /fault (f_\w+) \(latency\)/.exec(pressed.out)?.[1];
    expect(id).toBeDefined();
    expect(sandbox.faults.list()[0]).toMatchObject({
      kind: 'latency',
      min_ms: 10,
      max_ms: 20,
      provider: 'studio-x',
    });
    const listed = await croupier('sandbox', 'faults', '--url', sandbox.url);
    expect(listed.out).toContain(`${id}  latency`);
    expect(listed.out).toContain('provider studio-x');
    expect((await croupier('sandbox', 'clear', id as string, '--url', sandbox.url)).code).toBe(0);
    expect(sandbox.faults.list()).toEqual([]);
    const reset = await croupier('sandbox', 'reset', '--url', sandbox.url);
    expect(reset.out).toContain('reset: p_demo_1');
  }, 120_000);

  it('certify warns before its run when fault buttons are on, and --list needs no target', async () => {
    const pressed = await croupier('sandbox', 'fault', 'latency', '--url', sandbox.url, '--delay-ms', '1');
    expect(pressed.code, pressed.out).toBe(0);
    const run = await croupier('certify', '--target', sandbox.url, '--only', 'happy.health', '--out', dir);
    expect(run.out).toContain('fault button(s) are on');
    expect(run.out).toContain('croupier sandbox clear');
    expect((await croupier('sandbox', 'clear', '--url', sandbox.url)).code).toBe(0);
    const listed = await croupier('certify', '--list');
    expect(listed.code, listed.out).toBe(0);
    expect(listed.out).toContain('happy.health');
  }, 120_000);

  it("exits non-zero with the sandbox's own reason for a bad button, and names an unreachable sandbox", async () => {
    const bad = await croupier(
      'sandbox',
      'fault',
      'error_rate',
      '--url',
      sandbox.url,
      '--rate',
      '2',
      '--code',
      'RATE_LIMITED',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('"rate" must be a number from 0 to 1');
    const gone = await croupier('sandbox', 'faults', '--url', 'http://127.0.0.1:9');
    expect(gone.code).not.toBe(0);
    expect(gone.out).toContain('SANDBOX_UNREACHABLE');
  }, 60_000);
});

describe('croupier sandbox keys (security on)', () => {
  it('fetches credentials from a --secure sandbox over TLS with only its CA', async () => {
    const certsDir = path.join(dir, 'certs');
    const { security } = await createSandboxSecurity({ certsDir });
    const secure = await startSandbox({ port: 0, dataDir: path.join(dir, 'secure'), security });
    try {
      const keys = await croupier(
        'sandbox',
        'keys',
        '--url',
        secure.url,
        '--provider',
        'studio-y',
        '--ca',
        path.join(certsDir, 'ca.crt.pem'),
      );
      expect(keys.code).toBe(0);
      expect(keys.out).toMatch(/credentials for studio-y \(brand-7, EU\): \S+credentials\.json/);
      expect(keys.out).toContain('--credentials');
      const missingCa = await croupier(
        'sandbox',
        'keys',
        '--url',
        secure.url,
        '--ca',
        path.join(dir, 'nope.pem'),
      );
      expect(missingCa.code).not.toBe(0);
      expect(missingCa.out).toContain('CA_MISSING');
    } finally {
      await secure.close();
    }
  }, 120_000);
});
