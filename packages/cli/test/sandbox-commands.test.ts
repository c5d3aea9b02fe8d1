import { readFileSync, writeFileSync } from 'node:fs';
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

describe('croupier sandbox keys | fault | faults | clear | player add | reset against a --secure sandbox', () => {
  let certsDir: string;
  let secure: RunningSandbox;
  let ca: string;
  let tokenFile: string;
  beforeAll(async () => {
    certsDir = path.join(dir, 'certs');
    const created = await createSandboxSecurity({ certsDir });
    secure = await startSandbox({ port: 0, dataDir: path.join(dir, 'secure'), security: created.security });
    ca = path.join(certsDir, 'ca.crt.pem');
    tokenFile = created.adminTokenFile;
  }, 60_000);
  afterAll(async () => {
    await secure?.close();
  });
  const withAccess = () => ['--url', secure.url, '--ca', ca, '--admin-token-file', tokenFile];

  it('drives the admin API with --ca and --admin-token-file, and never prints the token', async () => {
    const token = readFileSync(tokenFile, 'utf8').trim();
    const pressed = await croupier('sandbox', 'fault', 'wallet_outage', '--duration', '30', ...withAccess());
    expect(pressed.code, pressed.out).toBe(0);
    const id = /fault (f_\w+) \(wallet_outage\)/.exec(pressed.out)?.[1];
    expect(secure.faults.list()).toEqual([expect.objectContaining({ kind: 'wallet_outage' })]);
    const listed = await croupier('sandbox', 'faults', ...withAccess());
    expect(listed.code, listed.out).toBe(0);
    expect(listed.out).toContain(`${id}  wallet_outage`);
    const cleared = await croupier('sandbox', 'clear', id as string, ...withAccess());
    expect(cleared.code, cleared.out).toBe(0);
    expect(secure.faults.list()).toEqual([]);
    const added = await croupier(
      'sandbox',
      'player',
      'add',
      '--id',
      'p_secure_cli',
      '--cash',
      '7.50',
      ...withAccess(),
    );
    expect(added.code, added.out).toBe(0);
    expect(added.out).toContain('player p_secure_cli: 7.50 EUR');
    const keys = await croupier('sandbox', 'keys', '--provider', 'studio-y', ...withAccess());
    expect(keys.code, keys.out).toBe(0);
    expect(keys.out).toMatch(/credentials for studio-y \(brand-7, EU\): \S+credentials\.json/);
    expect(keys.out).toContain(`--admin-token-file ${tokenFile}`);
    const reset = await croupier('sandbox', 'reset', ...withAccess());
    expect(reset.code, reset.out).toBe(0);
    expect(reset.out).toContain('reset: p_demo_1');
    expect(await secure.wallet().player('brand-7', 'p_secure_cli')).toBeNull();
    for (const run of [pressed, listed, cleared, added, keys, reset]) expect(run.out).not.toContain(token);
  }, 180_000);

  it("exits non-zero with the sandbox's 401 without the admin token, and names a missing CA or token file", async () => {
    const elsewhere = path.join(dir, 'no-such-dir');
    const noToken = await croupier(
      'sandbox',
      'fault',
      'wallet_outage',
      '--url',
      secure.url,
      '--ca',
      ca,
      '--admin-token-file',
      path.join(elsewhere, 'admin.token'),
    );
    expect(noToken.code).not.toBe(0);
    expect(noToken.out).toContain('ADMIN_TOKEN_MISSING');
    const wrongFile = path.join(dir, 'wrong.token');
    writeFileSync(wrongFile, 'not-the-admin-token\n');
    const wrong = await croupier(
      'sandbox',
      'faults',
      '--url',
      secure.url,
      '--ca',
      ca,
      '--admin-token-file',
      wrongFile,
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toContain('GET /sandbox/faults → 401 UNAUTHORIZED');
    expect(secure.faults.list()).toEqual([]);
    const missingCa = await croupier(
      'sandbox',
      'keys',
      '--url',
      secure.url,
      '--ca',
      path.join(elsewhere, 'ca.pem'),
      '--admin-token-file',
      tokenFile,
    );
    expect(missingCa.code).not.toBe(0);
    expect(missingCa.out).toContain('CA_MISSING');
  }, 120_000);
});
