import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM, chromium as chromiumService, serviceOrSkip } from '@croupier/test-services';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, writeReports } from '../src/index.ts';
import { certifyFake } from './certify-target.ts';

const browserMissing = !(await serviceOrSkip(chromiumService, 'the HTML report in a browser'));

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
      'attack.oversized-trace-id',
      'sig',
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
      // One group per scenario that sent anything, folded until opened.
      expect(await page.locator('#timeline details.timeline-group').count()).toBeGreaterThan(3);
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

  it('fits a 1400 px window: long values clipped (the full value one click away), nothing wider than the viewport', async () => {
    const oversized = run.results
      .find((r) => r.id === 'attack.oversized-trace-id')
      ?.evidence.find((e) => (e.traceId?.length ?? 0) > 1000)?.traceId;
    expect(oversized?.length, 'the oversized trace id probe ran').toBeGreaterThan(1000);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`file://${path.join(dir, 'report.html')}`);
      // Open every timeline group and the oversized trace id's scenario: the widest state a reader can reach.
      // Script strings, not functions: this package compiles without the DOM typings.
      await page.evaluate(`
        for (const d of document.querySelectorAll('#timeline details.timeline-group')) d.setAttribute('open', '');
        document.getElementById('s-attack.oversized-trace-id')?.querySelector('details')?.setAttribute('open', '');
      `);
      await page.screenshot({ path: path.join(dir, 'report-1400.png'), fullPage: true });
      const tooWide = await page.evaluate(`
        [...document.querySelectorAll('body *')]
          .map((el) => ({ el, box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && (box.right > window.innerWidth + 1 || box.width > window.innerWidth))
          .map(({ el, box }) => el.tagName.toLowerCase() + '#' + el.id + '.' + el.className + ' ' + Math.round(box.width) + ' px')
          .slice(0, 10)
      `);
      expect(tooWide).toEqual([]);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
      // The clipped trace id still carries the full value, on demand.
      const group = page.locator(
        '#timeline details.timeline-group[data-scenario="attack.oversized-trace-id"]',
      );
      const full = await group.locator('details.long pre').first().textContent();
      expect(full).toBe(oversized);
      expect(await group.locator('details.long pre').first().isVisible()).toBe(false);
      await group.locator('details.long summary').first().click();
      expect(await group.locator('details.long pre').first().isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
