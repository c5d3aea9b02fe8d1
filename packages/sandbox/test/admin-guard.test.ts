/**
 * Issue 18, item 5: in `--secure` the admin side (`/sandbox/*` and the console) answers only to the
 * platform's admin token, and says so in the one error schema; a plain sandbox is unchanged.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCredentials } from '@croupier/certify';
import { type Browser, chromium } from 'playwright-core';
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../src/index.ts';
import { CHROMIUM, chromium as chromiumService, serviceOrSkip } from '@croupier/test-services';
import { createSandboxSecurity } from '../src/secure.ts';

const browserMissing = !(await serviceOrSkip(chromiumService, 'the secure console in a browser'));

let dir: string;
let secure: RunningSandbox;
let plain: RunningSandbox;
let caOnly: Agent;
let withProviderCertificate: Agent;
let token: string;
let tokenFile: string;
let summary: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-admin-guard-'));
  const created = await createSandboxSecurity({ certsDir: path.join(dir, 'certs') });
  summary = created.summary;
  tokenFile = created.adminTokenFile;
  token = readFileSync(tokenFile, 'utf8').trim();
  secure = await startSandbox({ port: 0, dataDir: path.join(dir, 'secure'), security: created.security });
  plain = await startSandbox({ port: 0, dataDir: path.join(dir, 'plain') });
  const credentials = loadCredentials(created.credentialsFile, secure.url);
  caOnly = new Agent({ connect: { ca: credentials.tls?.ca } });
  withProviderCertificate = new Agent({ connect: credentials.tls ?? {} });
}, 60_000);

afterAll(async () => {
  await caOnly?.close();
  await withProviderCertificate?.close();
  await secure?.close();
  await plain?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the assertions read whatever the sandbox answered
  json: any;
}

async function call(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    dispatcher?: Dispatcher;
    form?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = options.form;
  }
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** Every kind of admin call: read, press a button, reset, issue credentials, stream, request log. */
const ADMIN_CALLS: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'GET', path: '/sandbox' },
  { method: 'GET', path: '/sandbox/players' },
  { method: 'POST', path: '/sandbox/players', body: { player_id: 'p_intruder', cash: '1000.00' } },
  { method: 'POST', path: '/sandbox/players/reset' },
  { method: 'GET', path: '/sandbox/faults' },
  { method: 'POST', path: '/sandbox/faults', body: { kind: 'wallet_outage', duration_s: 60 } },
  { method: 'DELETE', path: '/sandbox/faults' },
  { method: 'POST', path: '/sandbox/credentials', body: { provider: 'intruder' } },
  { method: 'GET', path: '/sandbox/events/stream' },
  { method: 'GET', path: '/sandbox/requests' },
  { method: 'PUT', path: '/sandbox/emulators/wallet', body: { delay_ms: 5000 } },
];

const expectRefusal = (answer: Answer, label: string) => {
  expect(answer.status, `${label}: ${answer.text}`).toBe(401);
  expect(answer.json, label).toEqual({
    code: 'UNAUTHORIZED',
    message: expect.stringContaining('admin token'),
    retryable: false,
    trace_id: expect.any(String),
  });
  expect(answer.headers['x-trace-id'], label).toBe(answer.json.trace_id);
  expect(answer.headers['www-authenticate'], label).toMatch(/^Bearer /);
};

describe('sandbox --secure: the admin side needs the admin token', () => {
  it('refuses every admin call without it (CA only, a provider certificate, a wrong token) and changes nothing', async () => {
    const before = await secure.wallet().listPlayers('brand-7');
    const strangers: Array<{ who: string; dispatcher: Dispatcher; headers?: Record<string, string> }> = [
      { who: 'CA only', dispatcher: caOnly },
      { who: "a provider's client certificate", dispatcher: withProviderCertificate },
      {
        who: 'a wrong token',
        dispatcher: caOnly,
        headers: { 'x-croupier-admin-token': `${token.slice(0, -1)}x` },
      },
      { who: 'a wrong bearer', dispatcher: caOnly, headers: { authorization: 'Bearer not-the-token' } },
      { who: 'a made-up session', dispatcher: caOnly, headers: { cookie: 'croupier_admin_session=forged' } },
    ];
    for (const { who, dispatcher, headers } of strangers) {
      for (const { method, path: route, body } of ADMIN_CALLS) {
        const answer = await call(`${secure.url}${route}`, {
          method,
          dispatcher,
          body,
          headers: { 'x-trace-id': `t_${who.length}_${route.length}`, ...headers },
        });
        expectRefusal(answer, `${who}: ${method} ${route}`);
      }
    }
    // The guard sits on the routes, not on a URL prefix: an encoded path that reaches a route meets it too.
    for (const route of ['/%73andbox/faults', '/sandbox/%66aults', '/sandbox/faults/']) {
      const answer = await call(`${secure.url}${route}`, {
        method: 'POST',
        dispatcher: caOnly,
        body: { kind: 'wallet_outage', duration_s: 60 },
      });
      expect([401, 404], `${route}: ${answer.text}`).toContain(answer.status);
    }
    const head = await call(`${secure.url}/sandbox/faults`, { method: 'HEAD', dispatcher: caOnly });
    expect(head.status).toBe(401);
    expect(secure.faults.list()).toEqual([]);
    expect(secure.emulators.walletDelayMs).toBe(0);
    expect(await secure.wallet().listPlayers('brand-7')).toEqual(before);
  });

  it('answers the admin token in X-Croupier-Admin-Token or as a bearer token', async () => {
    const header = { 'x-croupier-admin-token': token };
    const listed = await call(`${secure.url}/sandbox/faults`, { dispatcher: caOnly, headers: header });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json).toEqual({ faults: [] });
    const pressed = await call(`${secure.url}/sandbox/faults`, {
      method: 'POST',
      dispatcher: caOnly,
      headers: { authorization: `Bearer ${token}` },
      body: { kind: 'latency', delay_ms: 1, duration_s: 30 },
    });
    expect(pressed.status, pressed.text).toBe(201);
    expect(secure.faults.list()).toEqual([expect.objectContaining({ kind: 'latency' })]);
    const cleared = await call(`${secure.url}/sandbox/faults`, {
      method: 'DELETE',
      dispatcher: caOnly,
      headers: header,
    });
    expect(cleared.status).toBeLessThan(300);
    const player = await call(`${secure.url}/sandbox/players`, {
      method: 'POST',
      dispatcher: caOnly,
      headers: header,
      body: { player_id: 'p_admin_made', cash: '12.50' },
    });
    expect(player.status, player.text).toBe(201);
    const keys = await call(`${secure.url}/sandbox/credentials`, {
      method: 'POST',
      dispatcher: caOnly,
      headers: header,
      body: { provider: 'studio-y' },
    });
    expect(keys.status, keys.text).toBe(201);
    expect(keys.json.provider).toBe('studio-y');
  });

  it('writes the token to a 0600 file beside the CA and prints only its fingerprint', () => {
    expect(path.dirname(tokenFile)).toBe(path.join(dir, 'certs'));
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(summary).toContain(tokenFile);
    expect(summary).toMatch(/\(sha256:[0-9a-f]{8}\)/);
    expect(summary).not.toContain(token);
  });

  it('leaves the contract and the schema registry as they were: no admin token opens a contract call', async () => {
    const health = await call(`${secure.url}/health`, { dispatcher: caOnly });
    expect(health.status).toBe(200);
    const balance = await call(`${secure.url}/v1/players/p_demo_1/balance`, {
      dispatcher: caOnly,
      headers: {
        'x-croupier-admin-token': token,
        authorization: `Bearer ${token}`,
        'x-brand-id': 'brand-7',
        'x-provider-id': 'studio-x',
        'x-region': 'EU',
        'x-trace-id': 't_admin_on_contract',
      },
    });
    expect(balance.status).toBe(401);
    const registry = await call(`${secure.url}/schema-registry/subjects`, { dispatcher: caOnly });
    expect(registry.status).toBe(200);
  });
});

describe('sandbox --secure: the console signs in once with the admin token', () => {
  const cookieOf = (answer: Answer) => {
    const raw = answer.headers['set-cookie'];
    return (
      (Array.isArray(raw) ? raw : [raw ?? '']).find((c) => c.startsWith('croupier_admin_session=')) ?? ''
    );
  };

  it('sends a stranger to /console/login, refuses a wrong token, and opens the console and its API with the session cookie', async () => {
    const page = await call(`${secure.url}/console`, { dispatcher: caOnly });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/console/login');
    const login = await call(`${secure.url}/console/login`, { dispatcher: caOnly });
    expect(login.status).toBe(200);
    expect(login.text).toContain('name="token"');
    expect(login.text).not.toContain('<script');
    expect(String(login.headers['content-security-policy'])).toContain("form-action 'self'");

    const wrong = await call(`${secure.url}/console/login`, {
      method: 'POST',
      dispatcher: caOnly,
      form: 'token=guess',
    });
    expect(wrong.status).toBe(401);
    expect(cookieOf(wrong)).toBe('');

    const right = await call(`${secure.url}/console/login`, {
      method: 'POST',
      dispatcher: caOnly,
      form: new URLSearchParams({ token }).toString(),
    });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/console');
    const cookie = cookieOf(right);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(token);
    const session = cookie.split(';')[0] as string;

    const consolePage = await call(`${secure.url}/console`, {
      dispatcher: caOnly,
      headers: { cookie: session },
    });
    expect(consolePage.status).toBe(200);
    expect(consolePage.text).toContain('croupier sandbox console');
    const faults = await call(`${secure.url}/sandbox/faults`, {
      dispatcher: caOnly,
      headers: { cookie: session },
    });
    expect(faults.status, faults.text).toBe(200);
  });

  it.skipIf(browserMissing)(
    'in a browser: the login form, then the players of the sandbox',
    async () => {
      let browser: Browser | undefined;
      try {
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        });
        // The sandbox's own development CA: the browser is told to accept it, as an operator would.
        const page = await browser.newPage({ ignoreHTTPSErrors: true });
        await page.goto(`${secure.url}/console`);
        expect(new URL(page.url()).pathname).toBe('/console/login');
        await page.fill('[data-testid="login-token"]', token);
        await page.click('[data-testid="login-submit"]');
        await page.waitForURL(`${secure.url}/console`);
        const demo = page.locator('[data-testid="player-row"][data-player-id="p_demo_1"]');
        await expect
          .poll(() => demo.locator('[data-testid="balance-cash"][data-currency="EUR"]').textContent(), {
            timeout: 10_000,
          })
          .toBe('100.00');
        await expect
          .poll(() => page.locator('[data-testid="live"]').textContent(), { timeout: 10_000 })
          .not.toBe('connecting');
      } finally {
        await browser?.close();
      }
    },
    60_000,
  );
});

describe('the plain sandbox is unchanged', () => {
  it('answers its admin API and console without any credential, and has no login page', async () => {
    const faults = await call(`${plain.url}/sandbox/faults`);
    expect(faults.status).toBe(200);
    const consolePage = await call(`${plain.url}/console`);
    expect(consolePage.status).toBe(200);
    expect(consolePage.text).toContain('croupier sandbox console');
    const login = await call(`${plain.url}/console/login`);
    expect(login.status).toBe(404);
  });
});
