import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  croupierSecurity,
  createLogger,
  fastifyTraceOptions,
  loadOperationSecurity,
  maskPlayerId,
  maskText,
  oauthRoutes,
  withTrace,
} from '../src/index.ts';
import { authorizeBody, platform, tenantHeaders } from './fixtures.ts';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => lines.push(line) } };
}

describe('masking', () => {
  it('masks a player id as p_d***1 with a stable correlation hash', () => {
    const masked = maskPlayerId('p_demo_1', { salt: 's' });
    expect(masked).toMatch(/^p_d\*\*\*1~[0-9a-f]{6}$/);
    expect(maskPlayerId('p_demo_1', { salt: 's' })).toBe(masked);
    expect(maskPlayerId('p_demo_2', { salt: 's' })).not.toBe(masked);
  });

  it('masks Luhn-valid 13–19 digit numbers in any text, keeping the last four, and leaves other numbers', () => {
    expect(maskText('card 4111 1111 1111 1111 declined')).toBe('card ************1111 declined');
    expect(maskText('pan=5500-0000-0000-0004;')).toBe('pan=************0004;');
    expect(maskText('order 1234567890123 for 2.00 EUR')).toBe('order 1234567890123 for 2.00 EUR');
  });

  it('redacts bearer tokens, JWTs, signatures and secrets in query strings', () => {
    const text = maskText(
      'Authorization: Bearer abc.def.ghi X-Signature: ed25519=AbC+/x== /oauth/token?client_secret=s3cr3t eyJhbGciOiJFZERTQSJ9.eyJzIjoxfQ.sig',
    );
    expect(text).not.toMatch(/abc\.def|AbC\+|s3cr3t|eyJhbGci/);
  });
});

describe('logs of a realistic run', () => {
  it('carry trace ids and never a raw player id, card number, token, secret or signature', async () => {
    const out = capture();
    const logger = createLogger({
      destination: out.destination,
      salt: 'run',
      level: 'debug',
      playerIdPattern: /\bp_[A-Za-z0-9_]+/g,
    });
    const p = platform();
    const app = Fastify({ loggerInstance: logger, ...fastifyTraceOptions() });
    await app.register(oauthRoutes, { issuer: p.issuer, keyRing: p.keyRing });
    await app.register(croupierSecurity, {
      operations: loadOperationSecurity(),
      oauth2: { keyRing: p.keyRing },
      signatures: { keyRing: p.keyRing },
      now: p.now,
      onRejection: (rejection, request) =>
        request.log.warn({ rejection, headers: request.headers }, 'refused'),
    });
    app.post('/v1/bets/authorize', async (request) => {
      request.log.info({ body: request.body, headers: request.headers, player_id: 'p_demo_1' }, 'authorize');
      return { status: 'authorized', hold_id: 'h_zz1' };
    });
    app.get('/v1/players/:player_id/balance', async (request) => {
      const child = request.log.child({ player_id: (request.params as { player_id: string }).player_id });
      child.info('balance read');
      return { player_id: 'p_demo_1', balances: [] };
    });

    const tokenAnswer = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', ...p.studio7 },
    });
    const token = tokenAnswer.json().access_token as string;
    const secrets = [token, p.studio7.client_secret, p.key8.secret!];
    for (let i = 0; i < 20; i++) {
      const headers: Record<string, string> = {
        ...tenantHeaders,
        'x-idempotency-key': `bet_${i}`,
        authorization: `Bearer ${token}`,
        'x-trace-id': `tr_run_${i}`,
      };
      const body = authorizeBody.replace('b_001', `b_${i}`);
      const signature = (i % 5 === 4 ? p.signer8 : p.signer7)({
        method: 'POST',
        path: '/v1/bets/authorize',
        headers,
        body,
      });
      secrets.push(signature['X-Signature']!.split('=')[1]!);
      await app.inject({
        method: 'POST',
        url: '/v1/bets/authorize',
        headers: { ...headers, ...signature, 'content-type': 'application/json' },
        payload: body,
      });
      const balanceHeaders: Record<string, string> = { ...tenantHeaders, authorization: `Bearer ${token}` };
      const path = `/v1/players/p_demo_${i % 3}/balance`;
      await app.inject({
        method: 'GET',
        url: path,
        headers: {
          ...balanceHeaders,
          ...p.signer7({ method: 'GET', path, headers: balanceHeaders, body: '' }),
        },
      });
    }
    withTrace('tr_manual_1', () => {
      logger.info(
        { player_id: 'p_vip_42', card: '4111111111111111', note: 'paid with 5500 0000 0000 0004' },
        'deposit for p_vip_42?',
      );
      logger.info(
        { player: { player_id: 'p_demo_2' }, client_secret: p.studio7.client_secret, access_token: token },
        'client',
      );
      logger.error(new Error(`token ${token} rejected for /v1/players/p_demo_1/balance`), 'failure');
      logger.info(
        `Bearer ${token} and secret key ${p.key7.privateKey!.export({ type: 'pkcs8', format: 'pem' })}`,
      );
    });
    await app.close();

    const output = out.lines.join('');
    expect(out.lines.length).toBeGreaterThan(80);
    const records = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.some((r) => r.trace_id === 'tr_manual_1')).toBe(true);
    expect(
      records.filter((r) => r.msg === 'authorize').every((r) => String(r.trace_id).startsWith('tr_run_')),
    ).toBe(true);
    expect(
      records.filter((r) => r.msg === 'incoming request').every((r) => typeof r.trace_id === 'string'),
    ).toBe(true);
    expect(records.filter((r) => r.msg === 'refused').length).toBe(4);

    for (const raw of ['p_demo_0', 'p_demo_1', 'p_demo_2', 'p_vip_42']) expect(output).not.toContain(raw);
    for (const pan of ['4111111111111111', '4111 1111 1111 1111', '5500 0000 0000 0004', '5500000000000004'])
      expect(output).not.toContain(pan);
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toContain('PRIVATE KEY-----\n');
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    // Masked forms are still there to correlate by.
    expect(output).toContain(maskPlayerId('p_demo_1', { salt: 'run' }));
    expect(output).toContain('************1111');
  });
});

describe('masking without a configured pattern', () => {
  it('still masks ids under player keys, in /players/ paths and player_id= queries', () => {
    const text = maskText('GET /v1/players/p_demo_1/balance?player_id=p_demo_2');
    expect(text).not.toMatch(/p_demo_[12]/);
    expect(maskText(text)).toBe(text);
  });
});
