/**
 * Issue 13, classes 7 and 8: whatever arrives on the socket (hostile headers, paths, body sizes), the
 * answer is the contract's error body `{code, message, retryable, trace_id}` or a documented success,
 * never Fastify's or Node's own shape, never a 5xx, and a body past the limit always gets its 413
 * rather than a connection reset. Requests are written byte for byte on raw sockets.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxSecurity } from '../src/secure.ts';
import { SandboxUnderTest } from './harness.ts';
import { errorSchemaProblem, type RawAnswer, rawExchange } from './raw-http.ts';

let sut: SandboxUnderTest;
let secure: SandboxUnderTest;
let secureDir: string;
let secureCa = '';
let sessionId = '';
const BODY_LIMIT = 64 * 1024;
const tenant = 'X-Brand-Id: brand-7\r\nX-Provider-Id: studio-x\r\nX-Region: EU\r\n';

beforeAll(async () => {
  sut = await SandboxUnderTest.start();
  sessionId = await sut.openSession();
  secureDir = await mkdtemp(path.join(os.tmpdir(), 'croupier-hostile-secure-'));
  const { security } = await createSandboxSecurity({ certsDir: path.join(secureDir, 'certs') });
  secureCa = readFileSync(security.caFile as string, 'utf8');
  secure = await SandboxUnderTest.start({ security });
}, 60_000);
afterAll(async () => {
  await sut?.stop();
  await secure?.stop();
  await rm(secureDir, { recursive: true, force: true });
});

const port = () => sut.sandbox.port;

/** The plain sandbox, and `--secure` reached over TLS without any credentials (so contract calls get 401). */
const modes: Array<{
  mode: string;
  target: () => { port: number; tls?: ConnectionOptions };
  tooLarge: number;
}> = [
  { mode: 'plain', target: () => ({ port: sut.sandbox.port }), tooLarge: 413 },
  { mode: 'secure', target: () => ({ port: secure.sandbox.port, tls: { ca: secureCa } }), tooLarge: 401 },
];

/** Success with a JSON body, or the error schema; never a 5xx. */
function verdict(answer: RawAnswer): string | undefined {
  if (answer.status === 0) return `no answer (${answer.error ?? 'closed'})`;
  if (answer.status >= 500) return `${answer.status}: ${answer.body.slice(0, 200)}`;
  if (answer.status < 400) return undefined;
  return errorSchemaProblem(answer);
}

const authorizeBody = () =>
  JSON.stringify({
    session_id: sessionId,
    bet_id: `b_${Math.random().toString(36).slice(2, 10)}`,
    round_id: 'r_1',
    amount: { amount: '0.01', currency: 'EUR' },
  });

function head(method: string, path: string, extra = '', body?: string): string {
  return (
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${tenant}X-Idempotency-Key: k_${Math.random()}\r\n` +
    `${extra}Connection: close\r\n` +
    (body === undefined
      ? '\r\n'
      : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  );
}

/** Bytes a hostile header may carry: control characters, DEL, Latin-1, but no CR/LF (those end the head). */
const headerByte = fc.oneof(
  fc.integer({ min: 0x00, max: 0x09 }),
  fc.integer({ min: 0x0b, max: 0x0c }),
  fc.integer({ min: 0x0e, max: 0xff }),
  fc.constantFrom(0x20, 0x41, 0x61, 0x3a, 0x7f),
);
const headerText = (max: number) =>
  fc.array(headerByte, { maxLength: max }).map((bytes) => Buffer.from(bytes).toString('latin1'));

describe.each(modes)(
  '$mode: every answer uses the error schema (issue 13, class 7)',
  ({ target, tooLarge }) => {
    it('the instances of the issue: a 20 KB header, a control character in a header, a malformed escape', async () => {
      const cases = [
        head('GET', '/v1/players/p_demo_1/balance', `X-Big: ${'a'.repeat(20_000)}\r\n`),
        head('GET', '/v1/players/p_demo_1/balance', 'X-Bad: a\x01b\r\n'),
        head('POST', '/v1/bets/authorize', 'X-Bad: a\x7fb\r\n', authorizeBody()),
        head('GET', '/v1/players/%zz/balance'),
        head('GET', '/v1/players/%E0%A4%A/balance'),
        head('GET', `/v1/players/${'p'.repeat(3_000)}/balance`),
        'GARBAGE\r\n\r\n',
        `GET /health HTTP/1.1\r\n${tenant}Connection: close\r\n\r\n`,
      ];
      for (const request of cases) {
        const answer = await rawExchange(target(), request);
        expect(answer.status, JSON.stringify(request.slice(0, 80))).toBeGreaterThanOrEqual(200);
        expect(verdict(answer), JSON.stringify(request.slice(0, 80))).toBeUndefined();
      }
      const big = await rawExchange(target(), head('GET', '/health', `X-Big: ${'a'.repeat(20_000)}\r\n`));
      expect(big.status).toBe(431);
      expect(JSON.parse(big.body).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('a 1 MB header sent in pieces gets its 431 after the client finished sending, not a reset', async () => {
      for (const pauseMs of [0, 1]) {
        const answer = await rawExchange(target(), `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: a`, {
          size: 1024 * 1024,
          chunk: 16 * 1024,
          pauseMs,
        });
        expect(`${answer.status} ${answer.error ?? ''}`).toBe('431 ');
        expect(verdict(answer)).toBeUndefined();
      }
    });

    it('generated hostile headers (names, values, sizes) on reads and writes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(headerText(40), headerText(300)), { maxLength: 6 }),
          fc.option(fc.integer({ min: 8_000, max: 40_000 })),
          fc.boolean(),
          async (headers, padding, isWrite) => {
            const extra =
              headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
              (padding === null ? '' : `X-Padding: ${'p'.repeat(padding)}\r\n`);
            const request = isWrite
              ? head('POST', '/v1/bets/authorize', extra, authorizeBody())
              : head('GET', '/v1/players/p_demo_1/balance', extra);
            const answer = await rawExchange(target(), request);
            const problem = verdict(answer);
            expect(problem, JSON.stringify(extra.slice(0, 200))).toBeUndefined();
          },
        ),
        { numRuns: 150 },
      );
    }, 120_000);

    it('generated hostile paths: escapes (valid, malformed, overlong UTF-8), unicode, long segments', async () => {
      const segment = fc.oneof(
        fc.constantFrom(
          'v1',
          'bets',
          'authorize',
          'players',
          'p_demo_1',
          'balance',
          'wallet',
          'debit',
          'sessions',
        ),
        fc.constantFrom(
          '%',
          '%z',
          '%zz',
          '%0',
          '%00',
          '%C0%AF',
          '%E0%A4%A',
          '%ED%A0%80',
          '%FF',
          '%2F',
          '%2e%2e',
          '..',
        ),
        fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,30}$/),
        fc.string({ unit: 'grapheme', maxLength: 10 }).map(encodeURIComponent),
        fc.integer({ min: 90, max: 5_000 }).map((n) => 'x'.repeat(n)),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(segment, { minLength: 1, maxLength: 6 }),
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          async (segments, method) => {
            const path = `/${segments.join('/')}`;
            const answer = await rawExchange(
              target(),
              head(method, path, '', method === 'GET' || method === 'DELETE' ? undefined : '{}'),
            );
            expect(verdict(answer), `${method} ${path.slice(0, 200)}`).toBeUndefined();
          },
        ),
        { numRuns: 200 },
      );
    }, 120_000);

    it('generated body sizes around the limit, with and without a truthful Content-Length', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constantFrom(0, 1, BODY_LIMIT - 1, BODY_LIMIT, BODY_LIMIT + 1, 1024 * 1024),
            fc.integer({ min: 0, max: 4 * BODY_LIMIT }),
          ),
          fc.constantFrom('exact', 'chunked', 'short'),
          async (size, framing) => {
            const framingHeader =
              framing === 'chunked'
                ? 'Transfer-Encoding: chunked\r\n'
                : `Content-Length: ${framing === 'short' ? Math.max(0, size - 1) : size}\r\n`;
            const start =
              `POST /v1/bets/authorize HTTP/1.1\r\nHost: 127.0.0.1\r\n${tenant}X-Idempotency-Key: k_${Math.random()}\r\n` +
              `Content-Type: application/json\r\n${framingHeader}Connection: close\r\n\r\n`;
            const payload = Buffer.alloc(size, 0x20);
            const body =
              framing === 'chunked'
                ? Buffer.concat([
                    ...(size > 0
                      ? [Buffer.from(`${size.toString(16)}\r\n`), payload, Buffer.from('\r\n')]
                      : []),
                    Buffer.from('0\r\n\r\n'),
                  ])
                : payload;
            const answer = await rawExchange(target(), Buffer.concat([Buffer.from(start), body]));
            expect(verdict(answer), `${size} ${framing}`).toBeUndefined();
            if (size > BODY_LIMIT && framing !== 'short') expect(answer.status).toBe(tooLarge);
          },
        ),
        { numRuns: 60 },
      );
    }, 120_000);
  },
);

describe('a 10 MB body always gets its 413 (issue 13, class 8)', () => {
  const TEN_MB = 10 * 1024 * 1024;
  // Half of them ask to close after the answer: the server must still read the body first.
  const start = (close: boolean) =>
    `POST /v1/bets/authorize HTTP/1.1\r\nHost: 127.0.0.1\r\n${tenant}X-Idempotency-Key: k_${Math.random()}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${TEN_MB}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

  for (const [label, chunk, pauseMs] of [
    ['fast', 256 * 1024, 0],
    ['slow', 32 * 1024, 1],
  ] as const) {
    it(`sent ${label}, ten times: the client reads 413 PAYLOAD_TOO_LARGE every time`, async () => {
      const seen: string[] = [];
      for (let i = 0; i < 10; i++) {
        const answer = await rawExchange({ port: port() }, start(i % 2 === 1), {
          size: TEN_MB,
          chunk,
          pauseMs,
        });
        seen.push(
          answer.status === 413 && !answer.error
            ? 'ok'
            : `${answer.status} ${answer.error ?? ''} ${answer.body.slice(0, 100)}`,
        );
        if (answer.status === 413) expect(JSON.parse(answer.body).code).toBe('PAYLOAD_TOO_LARGE');
      }
      expect(seen).toEqual(Array(10).fill('ok'));
    }, 120_000);
  }
});
