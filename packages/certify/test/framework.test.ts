import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { croupierArgv } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import {
  allScenarios,
  Contract,
  renderJunit,
  runCertification,
  type Scenario,
  selectScenarios,
  terminalProgress,
} from '../src/index.ts';
import { FakeWallet } from './fixtures/fake-wallet.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const contract = await Contract.load();

describe('contract checks on every response', () => {
  const ok = { 'x-trace-id': 'tr_1', 'content-type': 'application/json' };
  it('accepts a conforming answer and names each kind of violation', () => {
    const check = (status: number, json: unknown, headers: Record<string, string> = ok) =>
      contract.checkExchange({
        method: 'POST',
        path: '/v1/bets/authorize',
        status,
        requestHeaders: { 'x-trace-id': 'tr_1' },
        headers,
        text: '',
        json,
      }).violations;
    expect(check(200, { status: 'authorized', hold_id: 'h_1' })).toEqual([]);
    expect(check(200, { status: 'authorized' }).join()).toMatch(/hold_id/);
    expect(
      check(200, {
        status: 'authorized',
        hold_id: 'h',
        balance: { currency: 'EUR', cash: 98, bonus: '0' },
      }).join(),
    ).toMatch(/cash/);
    expect(check(409, { code: 'DUPLICATE', message: 'x', retryable: true, trace_id: 't' }).join()).toMatch(
      /retryable=false/,
    );
    expect(check(404, { code: 'DUPLICATE', message: 'x', retryable: false, trace_id: 't' }).join()).toMatch(
      /status 409/,
    );
    expect(
      check(200, { status: 'authorized', hold_id: 'h' }, { 'content-type': 'application/json' }).join(),
    ).toMatch(/X-Trace-Id/);
    expect(
      check(200, { status: 'authorized', hold_id: 'h' }, { ...ok, 'x-trace-id': 'other' }).join(),
    ).toMatch(/not echoed/);
    expect(check(500, 'boom', { ...ok, 'content-type': 'text/plain' }).join()).toMatch(/not JSON/);
  });

  it('indexes every operation of the contract with its required headers', () => {
    const authorize = contract.operation('authorizeBet');
    expect(authorize?.headerParameters.filter((h) => h.required).map((h) => h.name)).toEqual(
      expect.arrayContaining(['x-brand-id', 'x-region', 'x-provider-id', 'x-idempotency-key']),
    );
    expect(contract.methodsFor('/v1/sessions/s_1')).toEqual(['GET']);
    expect(contract.errorCatalogue.get('RATE_LIMITED')).toEqual({ status: 429, retryable: true });
  });
});

describe('the scenario catalogue', () => {
  it('has more than 42 scenarios across the seven required categories, with unique ids', () => {
    const scenarios = allScenarios(contract);
    const ids = scenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const perCategory = new Map<string, number>();
    for (const s of scenarios) perCategory.set(s.category, (perCategory.get(s.category) ?? 0) + 1);
    for (const category of [
      'happy-path',
      'idempotency',
      'error-handling',
      'signatures',
      'attacks',
      'edge-cases',
      'concurrency',
    ]) {
      expect(perCategory.get(category), category).toBeGreaterThanOrEqual(5);
    }
    expect(scenarios.length).toBeGreaterThan(42);
    for (const s of scenarios) expect(s.description && s.expected && s.title, s.id).toBeTruthy();
  });

  it('selects by id, id prefix and category', () => {
    const scenarios = allScenarios(contract);
    expect(selectScenarios(scenarios, ['idempotency']).every((s) => s.category === 'idempotency')).toBe(true);
    expect(selectScenarios(scenarios, ['error.bad-input']).length).toBeGreaterThan(10);
    expect(selectScenarios(scenarios, ['happy.health']).map((s) => s.id)).toEqual(['happy.health']);
  });
});

describe('the runner', () => {
  it('times out a hung scenario, keeps skip reasons, and fails a thrown error', async () => {
    const wallet = new FakeWallet();
    const target = await wallet.start();
    const scenarios: Scenario[] = [
      {
        id: 't.hang',
        category: 'edge-cases',
        title: 'hangs',
        description: '',
        expected: '',
        timeoutMs: 100,
        run: () => new Promise(() => {}),
      },
      {
        id: 't.skip',
        category: 'edge-cases',
        title: 'skips',
        description: '',
        expected: '',
        run: async (ctx) => {
          const { skip } = await import('../src/scenario.ts');
          skip(`no ${ctx.scenarioId}`);
        },
      },
      {
        id: 't.throw',
        category: 'edge-cases',
        title: 'throws',
        description: '',
        expected: '',
        run: async () => {
          throw new Error('boom');
        },
      },
      {
        id: 't.http',
        category: 'happy-path',
        title: 'records evidence',
        description: '',
        expected: '',
        run: async (ctx) => {
          await ctx.http.get('/health');
        },
      },
    ];
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    try {
      const run = await runCertification({ target, scenarios, progress: terminalProgress(stream) });
      const by = Object.fromEntries(run.results.map((r) => [r.id, r]));
      expect(by['t.hang']?.reason).toMatch(/timed out after 100 ms/);
      expect(by['t.skip']).toMatchObject({ verdict: 'skip', reason: 'no t.skip' });
      expect(by['t.throw']).toMatchObject({ verdict: 'fail', reason: 'boom' });
      expect(by['t.http']?.verdict).toBe('pass');
      const exchange = by['t.http']?.evidence[0];
      expect(exchange?.traceId).toMatch(/^tr_/);
      expect(exchange?.responseHeaders?.['x-trace-id']).toBe(exchange?.traceId);
      expect(exchange?.status).toBe(200);
      expect(lines.join('')).toMatch(/FAIL t\.hang/);
      expect(lines.join('')).not.toMatch(/\r/);
      expect(renderJunit(run)).toMatch(/<testcase classname="certify.edge-cases" name="t.hang/);
    } finally {
      await wallet.stop();
    }
  });
});

const run = promisify(execFile);

describe('croupier certify (CLI)', () => {
  it('--help explains every option with examples', async () => {
    const { stdout } = await run(...croupierArgv('certify', '--help'), { cwd: repoRoot });
    for (const option of [
      '--target',
      '--out',
      '--only',
      '--players',
      '--nats',
      '--load-rate',
      '--load-duration',
      '--slo-p95',
      '--brand',
      '--provider',
      '--region',
      '--junit',
      '--json',
      '--md',
      '--html',
    ]) {
      expect(stdout, option).toContain(option);
    }
    expect(stdout).toMatch(/Examples:/);
  });

  it('exits 1 against a broken wallet, naming the failed scenario, and writes the run folder', async () => {
    const wallet = new FakeWallet({ variant: 'skips-rg-check' });
    const target = await wallet.start();
    const out = mkdtempSync(path.join(tmpdir(), 'certify-cli-'));
    try {
      const failure = await run(
        ...croupierArgv(
          'certify',
          '--target',
          target,
          '--only',
          'error.rg-self-exclusion,happy.health',
          '--out',
          out,
          '--json',
          '--md',
        ),
        { cwd: repoRoot },
      ).catch((e) => e);
      expect(failure.code).toBe(1);
      expect(failure.stderr).toContain('certification FAILED: error.rg-self-exclusion');
      expect(failure.stdout).toMatch(/FAIL error\.rg-self-exclusion/);
      expect(existsSync(path.join(out, 'report.json'))).toBe(true);
      expect(existsSync(path.join(out, 'report.html'))).toBe(false);
      expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).counts.fail).toBe(1);
    } finally {
      await wallet.stop();
    }
  }, 30_000);
});
