/**
 * Issue 13, classes 1 and 2, against `croupier sandbox --secure`: security decides on the route the
 * router matched (a percent-encoded path reaches the same operation and gets the same 401), and a
 * signature is accepted in one encoding only (a re-encoded replay is refused). Every refusal is
 * checked for having no effect on the books.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCredentials } from '@croupier/certify';
import { createSigner } from '@croupier/security';
import { operations } from '@croupier/server';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox, TEST_PLAYERS } from '../src/index.ts';
import { createSandboxSecurity } from '../src/secure.ts';
import { rawExchange } from './raw-http.ts';

const BRAND = 'brand-7';
const tenant = { 'x-brand-id': BRAND, 'x-provider-id': 'studio-x', 'x-region': 'EU' };

let dir: string;
let sandbox: RunningSandbox;
let credentialsFile: string;
let caOnly: Agent;
let withCertificate: Agent;
let adminToken: string;
/** Things that exist, so an operation let through would have something to change. */
const live = {
  sessionId: '',
  betId: `b_${randomUUID().slice(0, 8)}`,
  debitId: `tx_${randomUUID().slice(0, 8)}`,
};

const scope = () => ({ ...tenant, brand: BRAND, provider: 'studio-x', region: 'EU', traceId: randomUUID() });
const write = () => ({ ...scope(), idempotencyKey: `k_${randomUUID()}` });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-secure-edge-'));
  const { security, summary } = await createSandboxSecurity({ certsDir: path.join(dir, 'certs') });
  credentialsFile = /(\S+credentials\.json)/.exec(summary)?.[1] as string;
  adminToken = security.admin?.token ?? '';
  sandbox = await startSandbox({ port: 0, dataDir: dir, security });
  const credentials = loadCredentials(credentialsFile, sandbox.url);
  caOnly = new Agent({ connect: { ca: credentials.tls?.ca } });
  withCertificate = new Agent({ connect: credentials.tls ?? {} });
  const wallet = sandbox.wallet();
  const session = await wallet.createSession(write(), {
    player_id: 'p_demo_1',
    game_id: 'studio:slot_forge_02',
    currency: 'EUR',
    locale: 'de-DE',
  });
  live.sessionId = (session.body as { session_id: string }).session_id;
  const bet = await wallet.authorizeBet(write(), {
    session_id: live.sessionId,
    bet_id: live.betId,
    round_id: `r_${live.betId}`,
    amount: { amount: '1.00', currency: 'EUR' },
  });
  expect(bet.status).toBe(200);
  const debit = await wallet.walletDebit(write(), {
    player_id: 'p_demo_1',
    transaction_id: live.debitId,
    amount: { amount: '1.00', currency: 'EUR' },
  });
  expect(debit.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await caOnly?.close();
  await withCertificate?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every balance of every test player, the live session and the live bet's ledger: what a call could change. */
async function books(): Promise<string> {
  const wallet = sandbox.wallet();
  const balances = [];
  for (const player of TEST_PLAYERS) balances.push(await wallet.balances(BRAND, player.player_id));
  const session = await wallet.getSession(scope(), live.sessionId);
  const ledger = await request(`${sandbox.url}/sandbox/bets/${live.betId}/ledger`, {
    dispatcher: caOnly,
    headers: { ...tenant, 'x-croupier-admin-token': adminToken },
  });
  expect(ledger.statusCode).toBe(200);
  return JSON.stringify({ balances, session: session.body, ledger: await ledger.body.json() });
}

/** A body per operation that would move money or state if the call got through. */
function bodyOf(operationId: string): Record<string, unknown> | undefined {
  const id = randomUUID().slice(0, 8);
  switch (operationId) {
    case 'createSession':
      return { player_id: 'p_demo_1', game_id: 'studio:slot_forge_02', currency: 'EUR', locale: 'de-DE' };
    case 'authorizeBet':
      return {
        session_id: live.sessionId,
        bet_id: `b_${id}`,
        round_id: `r_${id}`,
        amount: { amount: '1.00', currency: 'EUR' },
      };
    case 'settleBet':
      return { bet_id: live.betId, round_id: `r_${live.betId}`, win: { amount: '50.00', currency: 'EUR' } };
    case 'rollbackBet':
      return { bet_id: live.betId, round_id: `r_${live.betId}` };
    case 'walletDebit':
    case 'walletCredit':
      return {
        player_id: 'p_demo_1',
        transaction_id: `tx_${id}`,
        amount: { amount: '5.00', currency: 'EUR' },
      };
    case 'walletRollback':
      return { player_id: 'p_demo_1', transaction_id: `tx_${id}`, original_transaction_id: live.debitId };
    case 'checkResponsibleGaming':
      return { player_id: 'p_demo_1', amount: { amount: '1.00', currency: 'EUR' } };
    default:
      return undefined;
  }
}

function concretePath(template: string): string {
  return template
    .replace('{session_id}', live.sessionId)
    .replace('{player_id}', 'p_demo_1')
    .replace(/\{[^}]+\}/g, 'x_1');
}

const percentEscape = (byte: number, lower: boolean) => {
  const hex = byte.toString(16).padStart(2, '0');
  return `%${lower ? hex : hex.toUpperCase()}`;
};

/** The segment with the characters picked by `which` percent-encoded (all of them by default). */
function encodeSegment(segment: string, which: (index: number) => boolean = () => true, lower = false) {
  return [...segment]
    .map((char, index) =>
      which(index) ? [...Buffer.from(char)].map((byte) => percentEscape(byte, lower)).join('') : char,
    )
    .join('');
}

async function send(
  method: string,
  target: string,
  body: Record<string, unknown> | undefined,
  extra: Record<string, string> = {},
  dispatcher: Agent = caOnly,
) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const answer = await request(`${sandbox.url}${target}`, {
    method: method as 'GET',
    dispatcher,
    headers: {
      ...tenant,
      'x-trace-id': `t_${randomUUID()}`,
      ...(method === 'GET' ? {} : { 'x-idempotency-key': `k_${randomUUID()}` }),
      ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      ...extra,
    },
    ...(text === undefined ? {} : { body: text }),
  });
  const raw = await answer.body.text();
  return { status: answer.statusCode, body: (raw ? JSON.parse(raw) : {}) as Record<string, unknown> };
}

function expectErrorSchema(body: Record<string, unknown>) {
  expect(Object.keys(body).sort()).toEqual(
    expect.arrayContaining(['code', 'message', 'retryable', 'trace_id']),
  );
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(typeof body.retryable).toBe('boolean');
  expect(typeof body.trace_id).toBe('string');
}

const secured = Object.values(operations).filter((op) => op.security.length > 0);

describe('sandbox --secure: security follows the matched route, not the raw URL (issue 13, class 1)', () => {
  it('every operation, with each path segment percent-encoded in turn and no credentials, answers 401 and changes nothing', async () => {
    const before = await books();
    let tried = 0;
    for (const op of Object.values(operations)) {
      const segments = concretePath(op.path).split('/');
      for (let i = 1; i < segments.length; i++) {
        for (const lower of [false, true]) {
          const target = segments
            .map((s, at) => (at === i ? encodeSegment(s, undefined, lower) : s))
            .join('/');
          const answer = await send(op.method, target, bodyOf(op.operationId));
          tried += 1;
          if (op.security.length === 0) {
            expect(answer.status, `${op.method} ${target}`).toBe(200);
            continue;
          }
          expect(answer.status, `${op.method} ${target}: ${JSON.stringify(answer.body)}`).toBe(401);
          expectErrorSchema(answer.body);
          expect(answer.body.code).toBe('UNAUTHORIZED');
        }
      }
    }
    expect(tried).toBeGreaterThan(40);
    expect(await books()).toBe(before);
  }, 120_000);

  it('any subset of characters encoded, in either hex case, still reaches the operation and its 401', async () => {
    const before = await books();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...secured),
        fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        fc.boolean(),
        async (op, picks, lower) => {
          const concrete = concretePath(op.path);
          let offset = 0;
          const target = concrete
            .split('/')
            .map((segment) => {
              const start = offset;
              offset += segment.length;
              return encodeSegment(segment, (index) => picks[(start + index) % picks.length] === true, lower);
            })
            .join('/');
          const answer = await send(op.method, target, bodyOf(op.operationId));
          expect(answer.status, `${op.method} ${target}`).toBe(401);
          expectErrorSchema(answer.body);
        },
      ),
      { numRuns: 120 },
    );
    expect(await books()).toBe(before);
  }, 120_000);

  it('a 10 MB body without credentials gets its 401, not a reset, also when the client asks to close', async () => {
    const ca = loadCredentials(credentialsFile, sandbox.url).tls?.ca;
    const size = 10 * 1024 * 1024;
    for (const close of [false, true, false, true]) {
      const answer = await rawExchange(
        { port: sandbox.port, tls: { ca } },
        'POST /v1/bets/%61uthorize HTTP/1.1\r\nHost: localhost\r\nX-Brand-Id: brand-7\r\nX-Provider-Id: studio-x\r\n' +
          `X-Region: EU\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`,
        { size, chunk: 64 * 1024, pauseMs: 0 },
      );
      expect(`${answer.status} ${answer.error ?? ''}`).toBe('401 ');
      expect(JSON.parse(answer.body).code).toBe('UNAUTHORIZED');
    }
  }, 60_000);

  it('paths that match no operation are refused with 404 in the error schema, before any handler', async () => {
    const before = await books();
    for (const target of [
      '/v1/bets/%61uthoriz',
      '/v1/bets/authorize/x',
      '/v1/%62ets',
      '/wallet/%64ebit%2F',
      '/v1/players/p_demo_1/%62alance/extra',
    ]) {
      const answer = await send('POST', target, bodyOf('walletDebit'));
      expect([404, 405], `${target}: ${answer.status}`).toContain(answer.status);
      expectErrorSchema(answer.body);
    }
    expect(await books()).toBe(before);
  });
});

/** Every spelling base64 (as Node decodes it) gives the same bytes, except the canonical one. */
function reEncodings(canonical: string): string[] {
  const out = new Set<string>();
  const unpadded = canonical.replace(/=+$/, '');
  const padding = canonical.length - unpadded.length;
  out.add(unpadded);
  if (padding === 2) out.add(`${unpadded}=`);
  out.add(`${canonical}=`);
  out.add(`${unpadded}===`);
  // The last character's unused low bits: 4 of them after one byte, 2 after two.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = alphabet.indexOf(unpadded.at(-1) as string);
  const unused = padding === 2 ? 4 : padding === 1 ? 2 : 0;
  for (let low = 1; low < 1 << unused; low++) {
    const changed = `${unpadded.slice(0, -1)}${alphabet[last ^ low]}`;
    out.add(`${changed}${'='.repeat(padding)}`);
    out.add(changed);
  }
  // The URL-safe alphabet, and whitespace inside the value.
  out.add(canonical.replace(/\+/g, '-').replace(/\//g, '_'));
  out.add(unpadded.replace(/\+/g, '-').replace(/\//g, '_'));
  out.add(`${canonical.slice(0, 20)} ${canonical.slice(20)}`);
  out.add(`${canonical.slice(0, 44)}\t${canonical.slice(44)}`);
  out.add(`${canonical.slice(0, 4)}  ${canonical.slice(4)}`);
  out.delete(canonical);
  return [...out].filter((spelling) =>
    Buffer.from(spelling, 'base64').equals(Buffer.from(canonical, 'base64')),
  );
}

describe('sandbox --secure: one encoding per signature, replay keyed on what was signed (issue 13, class 2)', () => {
  let bearer = '';
  beforeAll(async () => {
    const credentials = loadCredentials(credentialsFile, sandbox.url);
    const basic = Buffer.from(
      `${encodeURIComponent(credentials.file.client_id)}:${encodeURIComponent(credentials.file.client_secret)}`,
    ).toString('base64');
    const token = await request(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      dispatcher: withCertificate,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(credentials.file.scopes.join(' '))}`,
    });
    bearer = ((await token.body.json()) as { access_token: string }).access_token;
  });

  const signers = () => {
    const file = loadCredentials(credentialsFile, sandbox.url).file as unknown as {
      signing: { keyId: string; privateKeyPem: string };
      hmac: { keyId: string; secret: string };
    };
    return {
      ed25519: createSigner({
        keyId: file.signing.keyId,
        algorithm: 'ed25519',
        key: file.signing.privateKeyPem,
      }),
      'hmac-sha256': createSigner({
        keyId: file.hmac.keyId,
        algorithm: 'hmac-sha256',
        key: file.hmac.secret,
      }),
    };
  };

  it('with every credential, a 10 MB signed body gets 413 PAYLOAD_TOO_LARGE (read only up to the limit), not a reset', async () => {
    const tls = loadCredentials(credentialsFile, sandbox.url).tls;
    const size = 10 * 1024 * 1024;
    for (const lie of [false, true]) {
      // `lie`: a Content-Length within the limit is not trusted, the bytes are counted.
      const head =
        'POST /wallet/credit HTTP/1.1\r\nHost: localhost\r\nX-Brand-Id: brand-7\r\nX-Provider-Id: studio-x\r\n' +
        `X-Region: EU\r\nAuthorization: Bearer ${bearer}\r\nX-Idempotency-Key: k_${randomUUID()}\r\n` +
        `Content-Type: application/json\r\n${lie ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`}\r\n\r\n` +
        (lie ? `${size.toString(16)}\r\n` : '');
      const answer = await rawExchange({ port: sandbox.port, ...(tls ? { tls } : {}) }, head, {
        size,
        chunk: 64 * 1024,
        pauseMs: 0,
        ...(lie ? { trailer: '\r\n0\r\n\r\n' } : {}),
      });
      expect(`${answer.status} ${answer.error ?? ''}`).toBe('413 ');
      expect(JSON.parse(answer.body).code).toBe('PAYLOAD_TOO_LARGE');
    }
  }, 60_000);

  for (const algorithm of ['ed25519', 'hmac-sha256'] as const) {
    it(`${algorithm}: a credit sent once, then re-encoded every way base64 allows, moves money once`, async () => {
      const sign = signers()[algorithm];
      const target = '/wallet/credit';
      const body = JSON.stringify({
        player_id: 'p_demo_1',
        transaction_id: `tx_${randomUUID().slice(0, 8)}`,
        amount: { amount: '7.00', currency: 'EUR' },
      });
      const headers: Record<string, string> = {
        ...tenant,
        'content-type': 'application/json',
        'x-idempotency-key': `k_${randomUUID()}`,
        authorization: `Bearer ${bearer}`,
      };
      const signature = sign({ method: 'POST', path: target, headers, body });
      const post = async (path: string, signatureHeader: string) => {
        const answer = await request(`${sandbox.url}${path}`, {
          method: 'POST',
          dispatcher: withCertificate,
          headers: {
            ...headers,
            ...signature,
            'X-Signature': signatureHeader,
            'x-trace-id': `t_${randomUUID()}`,
          },
          body,
        });
        return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
      };
      const original = signature['X-Signature'] as string;
      const [label, canonical] = original.split('=', 1).concat(original.slice(algorithm.length + 1));
      expect(label).toBe(algorithm);

      const first = await post(target, original);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const afterFirst = await books();

      const spellings = reEncodings(canonical as string);
      expect(spellings.length).toBeGreaterThanOrEqual(algorithm === 'ed25519' ? 15 : 5);
      for (const spelling of spellings) {
        const again = await post(target, `${algorithm}=${spelling}`);
        expect(again.status, `${JSON.stringify(spelling)}: ${JSON.stringify(again.body)}`).toBe(401);
        expectErrorSchema(again.body);
      }
      // The same signed bytes on a differently encoded path: the same request, so a replay.
      const encodedPath = await post('/wallet/%63redit', original);
      expect(encodedPath.status).toBe(401);
      expect(encodedPath.body.code).toBe('REPLAY_DETECTED');
      const replay = await post(target, original);
      expect(replay.body.code).toBe('REPLAY_DETECTED');
      expect(await books()).toBe(afterFirst);
    }, 60_000);
  }
});
