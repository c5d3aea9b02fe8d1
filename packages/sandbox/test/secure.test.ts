import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BEHAVIOUR_RUN,
  DEFAULT_PROFILE,
  loadCredentials,
  runCertification,
  silentProgress,
  verdictLines,
} from '@croupier/certify';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../src/index.ts';
import { createSandboxSecurity } from '../src/secure.ts';

let dir: string;
let sandbox: RunningSandbox;
let credentialsFile: string;
let adminToken: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-secure-'));
  const { security, summary, adminTokenFile } = await createSandboxSecurity({
    certsDir: path.join(dir, 'certs'),
  });
  credentialsFile = /(\S+credentials\.json)/.exec(summary)?.[1] as string;
  adminToken = readFileSync(adminTokenFile, 'utf8').trim();
  sandbox = await startSandbox({ port: 0, dataDir: dir, security });
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('croupier sandbox --secure', () => {
  it('serves https and refuses a contract call without a client certificate, token or signature', async () => {
    expect(sandbox.url).toMatch(/^https:/);
    const credentials = loadCredentials(credentialsFile, sandbox.url);
    const caOnly = new Agent({ connect: { ca: credentials.tls?.ca } });
    const refused = await request(`${sandbox.url}/v1/players/p_demo_1/balance`, {
      dispatcher: caOnly,
      headers: {
        'x-brand-id': 'brand-7',
        'x-provider-id': 'studio-x',
        'x-region': 'EU',
        'x-trace-id': 't_no_cert',
      },
    });
    expect(refused.statusCode).toBe(401);
    expect(((await refused.body.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    // The admin API needs no client certificate but the admin token: that is how `croupier sandbox keys`
    // gets credentials. Without the token it is refused in the error schema (admin-guard.test.ts has more).
    const stranger = await request(`${sandbox.url}/sandbox/credentials`, {
      method: 'POST',
      dispatcher: caOnly,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'studio-y' }),
    });
    expect(stranger.statusCode).toBe(401);
    expect(((await stranger.body.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    const keys = await request(`${sandbox.url}/sandbox/credentials`, {
      method: 'POST',
      dispatcher: caOnly,
      headers: { 'content-type': 'application/json', 'x-croupier-admin-token': adminToken },
      body: JSON.stringify({ provider: 'studio-y' }),
    });
    expect(keys.statusCode).toBe(201);
    expect(((await keys.body.json()) as { provider: string }).provider).toBe('studio-y');
    await caOnly.close();
  });

  it('croupier certify passes against it with the issued credentials and the admin token, signature and chaos scenarios included', async () => {
    const credentials = loadCredentials(credentialsFile, sandbox.url);
    const run = await runCertification({
      target: sandbox.url,
      profile: DEFAULT_PROFILE,
      signer: credentials.signer,
      ...(credentials.tls ? { tls: credentials.tls } : {}),
      adminToken,
      securityExpected: true,
      ...BEHAVIOUR_RUN,
    });
    expect(verdictLines(run, 'fail')).toEqual([]);
    expect(run.byCategory.signatures?.pass).toBeGreaterThanOrEqual(7);
    // The admin token opened the sandbox's admin API: fault buttons, the event stream, its own players.
    expect(run.faultSource).toBeDefined();
    expect(run.byCategory.chaos?.pass).toBeGreaterThan(0);
    expect(run.byCategory.events?.pass).toBeGreaterThan(0);
    expect(run.players.some((p) => p.source === 'created by certify')).toBe(true);
    const skipped = verdictLines(run, 'skip');
    console.log(
      `certify vs secure sandbox: ${run.counts.pass} passed, ${skipped.length} skipped\n  ${skipped.join('\n  ')}`,
    );
    expect(run.securitySummary.algorithms.length).toBeGreaterThan(0);
  }, 120_000);

  it('without the admin token certify says why, plays with the profile players and skips chaos', async () => {
    const credentials = loadCredentials(credentialsFile, sandbox.url);
    const warnings: string[] = [];
    const run = await runCertification({
      target: sandbox.url,
      profile: DEFAULT_PROFILE,
      only: ['chaos.wallet-outage-mid-round', 'happy.health'],
      signer: credentials.signer,
      ...(credentials.tls ? { tls: credentials.tls } : {}),
      securityExpected: true,
      progress: { ...silentProgress, warn: (message) => warnings.push(message) },
      ...BEHAVIOUR_RUN,
    });
    expect(warnings.join('\n')).toMatch(/admin API answered 401.*--admin-token-file/);
    expect(run.faultSource).toBeUndefined();
    expect(verdictLines(run, 'skip')).toEqual([
      expect.stringMatching(/^chaos\.wallet-outage-mid-round: .*fault API/),
    ]);
    expect(run.players.every((p) => p.source === 'profile')).toBe(true);
    expect(verdictLines(run, 'fail')).toEqual([]);
  }, 60_000);
});
