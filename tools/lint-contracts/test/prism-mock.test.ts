import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const prismBin = path.join(repoRoot, 'node_modules/.bin/prism');
const contractFile = path.join(repoRoot, 'contracts/openapi/provider-platform.yaml');
const readExample = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(repoRoot, 'contracts/examples', name), 'utf8'));

const STARTUP_LIMIT_MS = 50_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

// Prism prints nothing useful at `-v error` once it is up, so readiness is "it answers /health".
async function waitUntilAnswering(baseUrl: string, prism: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  while (Date.now() < deadline) {
    if (prism.exitCode !== null) throw new Error(`Prism exited with ${prism.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Prism did not answer within ${STARTUP_LIMIT_MS} ms:\n${output()}`);
}

const briefHeaders = {
  'content-type': 'application/json',
  'X-Trace-Id': 'tr_a1b2',
  'X-Brand-Id': 'brand-7',
  'X-Region': 'EU',
  'X-Provider-Id': 'studio',
  'X-Idempotency-Key': 'bet_r_8c12_1',
};

describe('Prism mock of the provider–platform contract', () => {
  let prism: ChildProcess;
  let baseUrl = '';
  let output = '';

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    prism = spawn(prismBin, ['mock', contractFile, '-p', String(port), '-h', '127.0.0.1', '-v', 'error'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prism.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    prism.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitUntilAnswering(baseUrl, prism, () => output);
  });

  afterAll(async () => {
    if (!prism || prism.exitCode !== null) return;
    const exited = new Promise((resolve) => prism.once('exit', resolve));
    prism.kill('SIGTERM');
    await exited;
  });

  const authorize = (body: unknown, headers: Record<string, string> = briefHeaders) =>
    fetch(`${baseUrl}/v1/bets/authorize`, { method: 'POST', headers, body: JSON.stringify(body) });

  it('serves the brief health example', async () => {
    const res = await fetch(`${baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-trace-id')).toBeTruthy();
    expect(await res.json()).toEqual(readExample('health.response.json'));
  });

  it('authorizes the brief bet with the brief answer', async () => {
    const res = await authorize(readExample('authorize-bet.request.json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-trace-id')).toBeTruthy();
    expect(await res.json()).toEqual(readExample('authorize-bet.response.json'));
  });

  it('serves a named error example on request', async () => {
    const res = await authorize(readExample('authorize-bet.request.json'), {
      ...briefHeaders,
      Prefer: 'code=409, example=duplicate',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual(readExample('error-duplicate.json'));
  });

  it('sends Retry-After with 429', async () => {
    const res = await authorize(readExample('authorize-bet.request.json'), {
      ...briefHeaders,
      Prefer: 'code=429',
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(0);
    expect(await res.json()).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
  });

  // Prism answers an invalid request with the operation's 422 example, whatever it is; the reason is in sl-violations.
  it('rejects amount 2.00 sent as a JSON number', async () => {
    const body = readExample('authorize-bet.request.json') as { amount: object };
    const res = await authorize({ ...body, amount: { amount: 2.0, currency: 'EUR' } });
    await res.body?.cancel();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('sl-violations')).toContain('amount.amount must be string');
  });

  it('rejects a write without X-Idempotency-Key', async () => {
    const { 'X-Idempotency-Key': _omitted, ...headers } = briefHeaders;
    const res = await authorize(readExample('authorize-bet.request.json'), headers);
    await res.body?.cancel();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('sl-violations')).toContain('x-idempotency-key');
  });
});
