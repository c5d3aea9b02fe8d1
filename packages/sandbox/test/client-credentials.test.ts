import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ClientCredentials, createClient } from '@croupier/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../src/index.ts';
import { createSandboxSecurity } from '../src/secure.ts';

// The generated client against `sandbox --secure` with nothing but the credentials file: it must do
// mTLS, the OAuth2 token and body signatures itself.
let dir: string;
let sandbox: RunningSandbox;
let credentialsFile: string;
let tokenRequests = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-client-credentials-'));
  const { security, credentialsFile: file } = await createSandboxSecurity({
    certsDir: path.join(dir, 'certs'),
  });
  credentialsFile = file;
  const install = security.install.bind(security);
  sandbox = await startSandbox({
    port: 0,
    dataDir: dir,
    security: {
      ...security,
      async install(app) {
        app.addHook('onRequest', async (request) => {
          if (request.url.startsWith('/oauth/token')) tokenRequests++;
        });
        await install(app);
      },
    },
  });
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the generated client with credentials', () => {
  it('opens a session, authorizes and settles a bet with the credentials file alone (Ed25519), one token for all', async () => {
    const client = createClient({ baseUrl: sandbox.url, credentials: credentialsFile });
    const session = await client.createSession({
      body: { player_id: 'p_demo_1', game_id: 'studio:slot_forge_02', currency: 'EUR', locale: 'de-DE' },
    });
    const bet = { session_id: session.body.session_id, bet_id: 'b_cred_1', round_id: 'r_cred_1' };
    await client.authorizeBet({ body: { ...bet, amount: { amount: '2.00', currency: 'EUR' } } });
    const settled = await client.settleBet({
      body: { bet_id: bet.bet_id, round_id: bet.round_id, win: { amount: '5.00', currency: 'EUR' } },
    });
    expect(settled.status).toBe(200);
    expect(tokenRequests).toBe(1);
  });

  it('signs with HMAC when asked, from a credentials object', async () => {
    const credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as ClientCredentials;
    const client = createClient({ baseUrl: sandbox.url, credentials, signWith: 'hmac-sha256' });
    const balance = await client.getBalance({ path: { player_id: 'p_demo_1' } });
    expect(balance.status).toBe(200);
  });

  it('is refused without the signing key it was told to use, before anything is sent', async () => {
    const credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as ClientCredentials;
    const { hmac: _, ...withoutHmac } = credentials;
    const client = createClient({ baseUrl: sandbox.url, credentials: withoutHmac, signWith: 'hmac-sha256' });
    await expect(client.getBalance({ path: { player_id: 'p_demo_1' } })).rejects.toThrow(
      /CREDENTIALS_INCOMPLETE/,
    );
  });
});
