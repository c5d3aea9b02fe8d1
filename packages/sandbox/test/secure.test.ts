import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BEHAVIOUR_RUN,
  DEFAULT_PROFILE,
  loadCredentials,
  runCertification,
  verdictLines,
} from '@croupier/certify';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../src/index.ts';
import { createSandboxSecurity } from '../src/secure.ts';

let dir: string;
let sandbox: RunningSandbox;
let credentialsFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-secure-'));
  const { security, summary } = await createSandboxSecurity({ certsDir: path.join(dir, 'certs') });
  credentialsFile = /(\S+credentials\.json)/.exec(summary)?.[1] as string;
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
    // The admin API stays reachable with only the CA: that is how `croupier sandbox keys` gets credentials.
    const keys = await request(`${sandbox.url}/sandbox/credentials`, {
      method: 'POST',
      dispatcher: caOnly,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'studio-y' }),
    });
    expect(keys.statusCode).toBe(201);
    expect(((await keys.body.json()) as { provider: string }).provider).toBe('studio-y');
    await caOnly.close();
  });

  it('croupier certify passes against it with the issued credentials, signature scenarios included', async () => {
    const credentials = loadCredentials(credentialsFile, sandbox.url);
    const run = await runCertification({
      target: sandbox.url,
      profile: DEFAULT_PROFILE,
      signer: credentials.signer,
      ...(credentials.tls ? { tls: credentials.tls } : {}),
      securityExpected: true,
      ...BEHAVIOUR_RUN,
    });
    expect(verdictLines(run, 'fail')).toEqual([]);
    expect(run.byCategory.signatures?.pass).toBeGreaterThanOrEqual(7);
    const skipped = verdictLines(run, 'skip');
    console.log(
      `certify vs secure sandbox: ${run.counts.pass} passed, ${skipped.length} skipped\n  ${skipped.join('\n  ')}`,
    );
    expect(run.securitySummary.algorithms.length).toBeGreaterThan(0);
  }, 120_000);
});
