import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ClientOptions, createClient } from '../src/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; body?: unknown; raw?: string; delayMs?: number; headers?: Record<string, string> };

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let script: (attempt: number) => Reply = () => ({ status: 200, body: {} });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = script(seen.length);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(reply.status, {
          'content-type': reply.raw !== undefined ? 'text/html' : 'application/json',
          'x-trace-id': String(req.headers['x-trace-id'] ?? ''),
          ...reply.headers,
        });
        res.end(reply.raw ?? JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  seen = [];
});

const bet = {
  session_id: 's_456',
  bet_id: 'b_001',
  round_id: 'r_8c12',
  amount: { amount: '2.00', currency: 'EUR' },
};
const authorized = { status: 'authorized', hold_id: 'h_zz1' };
const problem = (code: string, retryable: boolean) => ({ code, message: code, retryable, trace_id: 'tr_x' });
const noSleep = async () => {};

function client(options: Partial<ClientOptions> = {}) {
  return createClient({
    baseUrl,
    brandId: 'brand-7',
    providerId: 'prov-1',
    region: 'EU',
    ...options,
    retry: { sleep: noSleep, ...options.retry },
  });
}

describe('generated client against a local HTTP server', () => {
  it('sends the default headers, creates a trace id and an idempotency key, and returns the typed body', async () => {
    script = () => ({ status: 200, body: authorized });
    const response = await client().authorizeBet({ body: bet });
    expect(response.status).toBe(200);
    expect(response.body.hold_id).toBe('h_zz1');
    const [request] = seen;
    expect(request?.headers['x-brand-id']).toBe('brand-7');
    expect(request?.headers['x-provider-id']).toBe('prov-1');
    expect(request?.headers['x-region']).toBe('EU');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.traceId).toBe(request?.headers['x-trace-id']);
    expect(JSON.parse(request?.body ?? '')).toEqual(bet);
  });

  it('reuses the same idempotency key and trace id on every retry of one call', async () => {
    script = (n) => (n < 3 ? { status: 503, body: problem('PLATFORM_DEGRADED', true) } : { status: 200, body: authorized });
    const response = await client().authorizeBet({ body: bet }, { traceId: 'tr_a1b2' });
    expect(response.attempts).toBe(3);
    expect(seen).toHaveLength(3);
    const keys = new Set(seen.map((s) => s.headers['x-idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(response.idempotencyKey);
    expect(new Set(seen.map((s) => s.headers['x-trace-id']))).toEqual(new Set(['tr_a1b2']));
  });

  it("keeps the caller's idempotency key", async () => {
    script = (n) => (n < 2 ? { status: 500, body: problem('INTERNAL_ERROR', true) } : { status: 200, body: authorized });
    await client().authorizeBet({ body: bet }, { idempotencyKey: 'bet_r_8c12_1' });
    expect(seen.map((s) => s.headers['x-idempotency-key'])).toEqual(['bet_r_8c12_1', 'bet_r_8c12_1']);
  });

  it('does not retry a non-retryable 409 and rejects with the typed error', async () => {
    script = () => ({ status: 409, body: problem('DUPLICATE', false) });
    const error = await client()
      .authorizeBet({ body: bet })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'DUPLICATE', status: 409, retryable: false, attempts: 1 });
  });

  it('waits a jittered, bounded, exponentially growing delay between attempts', async () => {
    script = () => ({ status: 503, body: problem('PLATFORM_DEGRADED', true) });
    const delays: number[] = [];
    const randoms = [0.5, 0.25, 0.999, 0.1, 0.75];
    let i = 0;
    await client({
      retry: {
        maxAttempts: 6,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        budget: false,
        random: () => randoms[i++ % randoms.length]!,
        sleep: async (ms) => {
          delays.push(ms);
        },
      },
    })
      .authorizeBet({ body: bet })
      .catch(() => undefined);
    // full jitter: random(0, min(cap, base * 2^attempt))
    expect(delays).toEqual([50, 50, 399, 80, 750]);
    const bounds = [100, 200, 400, 800, 1_000];
    delays.forEach((d, n) => expect(d).toBeLessThanOrEqual(bounds[n]!));

    const sampled: number[] = [];
    await client({
      retry: { maxAttempts: 40, baseDelayMs: 10, maxDelayMs: 200, budget: false, sleep: async (ms) => void sampled.push(ms) },
    })
      .authorizeBet({ body: bet })
      .catch(() => undefined);
    expect(sampled).toHaveLength(39);
    expect(Math.max(...sampled)).toBeLessThanOrEqual(200);
    expect(Math.min(...sampled)).toBeGreaterThanOrEqual(0);
    expect(new Set(sampled).size).toBeGreaterThan(5);
  });

  it('stops a retry storm once the retry budget is spent', async () => {
    script = () => ({ status: 503, body: problem('PLATFORM_DEGRADED', true) });
    const calls = 50;
    const storm = async (budget: ClientOptions['retry']) => {
      seen = [];
      const api = client({ retry: { maxAttempts: 5, ...budget } });
      for (let n = 0; n < calls; n++) await api.getHealth().catch(() => undefined);
      return seen.length;
    };
    const unbudgeted = await storm({ budget: false });
    expect(unbudgeted).toBe(calls * 5);
    const budgeted = await storm({ budget: { ratio: 0.1, maxTokens: 5, floorPerSecond: 0, now: () => 0 } });
    // 50 first attempts + 5 tokens to start with + 10% of 50 calls earned
    expect(budgeted).toBeLessThanOrEqual(calls + 5 + calls * 0.1);
    expect(budgeted).toBeGreaterThan(calls);
  });

  it('retries a timed-out attempt and a refused connection, not an aborted call', async () => {
    script = (n) => (n === 1 ? { status: 200, body: { status: 'ok' }, delayMs: 500 } : { status: 200, body: { status: 'ok' } });
    const response = await client({ timeoutMs: 100 }).getHealth();
    expect(response.attempts).toBe(2);

    const refused = await createClient({ baseUrl: 'http://127.0.0.1:1', retry: { sleep: noSleep, maxAttempts: 2 } })
      .getHealth()
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CLIENT_NETWORK_ERROR', status: 0, retryable: true, attempts: 2 });
  });

  it('turns a non-JSON or unexpected error body into a typed error instead of crashing', async () => {
    script = () => ({ status: 502, raw: '<html>bad gateway</html>' });
    const error = await client()
      .getHealth()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502, retryable: false });
    expect((error as ApiError).body).toBe('<html>bad gateway</html>');

    script = () => ({ status: 200, raw: '{not json', headers: { 'content-type': 'application/json' } });
    const broken = await client()
      .getHealth()
      .catch((e: unknown) => e);
    expect(broken).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 200 });
  });

  it('signs exactly the bytes it sends, on every attempt', async () => {
    script = (n) => (n < 2 ? { status: 429, body: problem('RATE_LIMITED', true), headers: { 'retry-after': '0' } } : { status: 200, body: authorized });
    const signed: string[] = [];
    await client({
      sign: (request) => {
        signed.push(`${request.method} ${request.path} ${request.body}`);
        return { 'X-Signature': `hmac-sha256=${Buffer.from(request.body).toString('base64').slice(0, 8)}` };
      },
    }).authorizeBet({ body: bet });
    expect(signed).toHaveLength(2);
    expect(signed[0]).toBe(`POST /v1/bets/authorize ${seen[0]?.body}`);
    expect(seen[1]?.headers['x-signature']).toMatch(/^hmac-sha256=/);
  });

  it('fills path parameters', async () => {
    script = () => ({ status: 200, body: { player_id: 'p_demo_1', balances: [] } });
    await client().getBalance({ path: { player_id: 'p demo/1' } });
    expect(seen[0]?.url).toBe('/v1/players/p%20demo%2F1/balance');
  });
});
