import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, chromium as chromiumService, serviceOrSkip } from '@croupier/test-services';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../src/sandbox.ts';

const browserMissing = !(await serviceOrSkip(chromiumService, 'the sandbox console in a browser'));

/** The page refreshes players, faults and the request log every 2 s and events every second. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 6_000, interval: 100 });

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

describe.skipIf(browserMissing)('the sandbox console in a headless browser', () => {
  let dataDir: string;
  let sandbox: RunningSandbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const headers = (traceId: string, write = true) => ({
    'content-type': 'application/json',
    'x-brand-id': 'brand-7',
    'x-provider-id': 'studio-x',
    'x-region': 'EU',
    'x-trace-id': traceId,
    ...(write ? { 'x-idempotency-key': randomUUID() } : {}),
  });
  const post = async (route: string, traceId: string, body: unknown) => {
    const response = await fetch(sandbox.url + route, {
      method: 'POST',
      headers: headers(traceId),
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    expect(response.status, `${route}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  };
  /** One round of p_demo_1 through the contract: a session, then authorize and settle under `traceId`. */
  const playRound = async (betId: string, traceId: string) => {
    const session = await post('/v1/sessions', `session-${randomUUID()}`, {
      player_id: 'p_demo_1',
      game_id: 'g_console',
      currency: 'EUR',
      locale: 'en-GB',
    });
    const roundId = `r_${randomUUID().slice(0, 8)}`;
    await post('/v1/bets/authorize', traceId, {
      session_id: session.session_id,
      bet_id: betId,
      round_id: roundId,
      amount: { amount: '2.00', currency: 'EUR' },
    });
    await post('/v1/bets/settle', traceId, {
      bet_id: betId,
      round_id: roundId,
      win: { amount: '5.00', currency: 'EUR' },
    });
  };
  const admin = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(sandbox.url + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (response.status === 204 ? {} : await response.json()) as Record<string, unknown>;
  };
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'sandbox-console-'));
    sandbox = await startSandbox({ port: 0, dataDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    // A CSP violation or a script error shows up here; the page must have neither.
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves / as a redirect and /console as one page under a strict CSP', async () => {
    const root = await fetch(sandbox.url + '/', { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
    const response = await fetch(sandbox.url + '/console');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-/);
    const html = await response.text();
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });

  it('shows the test players with their balances', async () => {
    await page.goto(sandbox.url + '/console');
    const demo = page.locator('[data-testid="player-row"][data-player-id="p_demo_1"]');
    await eventually(() =>
      demo.locator('[data-testid="balance-cash"][data-currency="EUR"]').textContent(),
    ).toBe('100.00');
    expect(await demo.locator('[data-testid="player-kyc"]').inputValue()).toBe('verified');
    expect(await page.locator('[data-testid="player-row"]').count()).toBeGreaterThanOrEqual(6);
    await eventually(() => page.locator('[data-testid="event-row"]').count()).toBeGreaterThan(0);
  });

  it('switches wallet_outage on from the form, lists it with its time left, and off again', async () => {
    await page.selectOption('[data-testid="fault-kind-select"]', 'wallet_outage');
    expect(await page.locator('[data-testid="fault-description"]').textContent()).toContain('503');
    await page.fill('[data-testid="fault-duration_s"]', '120');
    await page.fill('[data-testid="fault-brand"]', 'brand-7');
    await page.click('[data-testid="fault-on"]');
    const row = page.locator('[data-testid="fault-row"][data-kind="wallet_outage"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('brand brand-7');
    expect(await row.locator('[data-testid="fault-remaining"]').textContent()).toMatch(/^[12]:\d\d$/);
    const listed = (await admin('GET', '/sandbox/faults')).faults as Array<Record<string, unknown>>;
    expect(listed).toEqual([
      expect.objectContaining({ kind: 'wallet_outage', brand: 'brand-7', duration_s: 120 }),
    ]);
    expect(await row.getAttribute('data-fault-id')).toBe(listed[0]?.id);
    await shot('console-fault-on.png');

    await row.locator('[data-testid="fault-off"]').click();
    await row.waitFor({ state: 'detached' });
    expect((await admin('GET', '/sandbox/faults')).faults).toEqual([]);
  });

  // A bet id is the provider's opaque string: it may hold markup, quotes and ampersands.
  const betId = `b_<img src=x onerror="window.__pwned=1">&'${randomUUID().slice(0, 6)}`;
  const traceId = `trace-console-${randomUUID()}`;

  it('shows a bet placed through the contract in the stream, and its ledger with the trace id', async () => {
    await playRound(betId, traceId);
    const settled = page.locator(
      '[data-testid="event-row"][data-event-type="bet.settled"] [data-testid="event-bet"]',
      { hasText: betId },
    );
    await settled.waitFor();
    const authorized = page.locator('[data-testid="event-row"][data-event-type="bet.authorized"]', {
      hasText: betId,
    });
    expect(await authorized.count()).toBe(1);
    expect(await authorized.locator('[data-testid="event-trace"]').textContent()).toBe(traceId);
    expect(await authorized.locator('[data-testid="event-player"]').textContent()).toBe('p_demo_1');

    await settled.click();
    expect(await page.locator('[data-testid="bet-id"]').textContent()).toBe(betId);
    const ledger = page.locator('[data-testid="ledger-row"]');
    await eventually(() => ledger.count()).toBeGreaterThanOrEqual(3);
    const traces = await page.locator('[data-testid="ledger-trace"]').allTextContents();
    expect(new Set(traces)).toEqual(new Set([traceId]));
    const amounts = await page.locator('[data-testid="ledger-amount"]').allTextContents();
    expect(amounts).toEqual(expect.arrayContaining(['2.00 EUR', '5.00 EUR']));
    const api = (await admin('GET', `/sandbox/bets/${encodeURIComponent(betId)}/ledger`)) as {
      entries: unknown[];
    };
    expect(await ledger.count()).toBe(api.entries.length);

    // The hostile id was rendered as text: no element was made of it and nothing ran.
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await eventually(() =>
      page
        .locator('[data-testid="player-row"][data-player-id="p_demo_1"] [data-testid="balance-cash"]')
        .textContent(),
    ).toBe('103.00');
    await shot('console-bet-ledger.png');
  });

  it('finds the round in the request log by its trace id', async () => {
    await page.fill('[data-testid="requests-search"]', traceId);
    await page.click('[data-testid="requests-search-button"]');
    const rows = page.locator('[data-testid="request-row"]');
    await eventually(() => rows.count()).toBe(2);
    expect(await rows.locator('[data-testid="request-path"]').allTextContents()).toEqual([
      '/v1/bets/settle',
      '/v1/bets/authorize',
    ]);
    expect(await rows.locator('[data-testid="request-status"]').allTextContents()).toEqual(['200', '200']);
    for (const row of await rows.all()) expect(await row.getAttribute('data-trace-id')).toBe(traceId);
    await shot('console-request-log.png');
  });

  it('marks the second copy of a duplicated event', async () => {
    await admin('POST', '/sandbox/faults', { kind: 'duplicate_delivery', duration_s: 60 });
    await playRound(`b_dup_${randomUUID().slice(0, 6)}`, `trace-dup-${randomUUID()}`);
    const dup = page.locator('[data-testid="event-row"][data-duplicate="true"]');
    await eventually(() => dup.count()).toBeGreaterThan(0);
    expect(await dup.first().locator('[data-testid="event-duplicate"]').textContent()).toBe('DUP');
    await page.locator('[data-testid="fault-row"][data-kind="duplicate_delivery"]').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await shot('console-overview.png');
    await admin('DELETE', '/sandbox/faults');
    expect(pageErrors).toEqual([]);
  });
});
