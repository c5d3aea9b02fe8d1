import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, writeReports } from '../src/index.ts';
import { certifyFake } from './certify-target.ts';

const CHROMIUM = '/usr/bin/chromium';
const browserMissing = !existsSync(CHROMIUM);
if (browserMissing && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium (the CI script does)`);
}

describe.skipIf(browserMissing)('the HTML report in a headless browser', () => {
  let dir: string;
  let run: RunResult;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'certify-html-'));
    run = await certifyFake('leaks-other-brand', [
      'happy',
      'attack.cross-brand-balance',
      'load',
      'idem.session-replay',
    ]);
    writeReports(run, dir);
  }, 60_000);

  it('writes all four reports; the JUnit names the failed scenario', () => {
    for (const file of ['junit.xml', 'report.json', 'report.md', 'report.html']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/<failure message="[^"]*brand/);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('`attack.cross-brand-balance`');
  });

  it('shows the latency chart, the SLO, security and scenario tables and the timeline, with no network', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${path.join(dir, 'report.html')}`);
      expect(await page.locator('svg#latency-histogram rect.bar').count()).toBeGreaterThan(5);
      expect(await page.locator('#slo-table tbody tr').count()).toBeGreaterThan(2);
      expect(await page.locator('#security-summary table').count()).toBe(1);
      expect(await page.locator('#scenarios-table tbody tr').count()).toBe(run.results.length);
      expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThan(10);
      expect(await page.locator('#verdict').textContent()).toBe('FAILED');
      await page.locator('button[data-verdict="fail"]').click();
      expect(await page.locator('#scenarios-table tbody tr:visible').count()).toBe(run.counts.fail);
      await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });
      expect(existsSync(path.join(dir, 'report.png'))).toBe(true);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
