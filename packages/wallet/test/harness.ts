import type { FastifyInstance } from 'fastify';
import { createWalletServer, type SeedPlayerInput, type Wallet } from '../src/index.ts';

/** A clock tests move by hand: sessions, RG windows and bonus deadlines read it. */
export class TestClock {
  private current: number;
  constructor(start = '2025-10-23T10:00:00.000Z') {
    this.current = Date.parse(start);
  }
  now = (): Date => new Date(this.current);
  advanceMinutes(minutes: number): void {
    this.current += minutes * 60_000;
  }
}

export interface Reply {
  status: number;
  body: Record<string, any>;
  raw: string;
  headers: Record<string, unknown>;
}

export interface CallOptions {
  key?: string;
  brand?: string;
  provider?: string;
  region?: string;
  traceId?: string;
  headers?: Record<string, string>;
}

let keys = 0;
/** A unique idempotency key per call unless the test names one. */
export const freshKey = (label = 'k') => `${label}-${process.pid}-${++keys}`;
let ids = 0;
export const uniqueId = (prefix: string) => `${prefix}_${++ids}_${Math.random().toString(36).slice(2, 7)}`;

/** Speaks the contract over Fastify's inject, with the contract's headers. */
export class Caller {
  constructor(readonly app: FastifyInstance) {}

  async call(method: 'GET' | 'POST', url: string, body?: unknown, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = {
      'x-brand-id': options.brand ?? 'brand-7',
      'x-provider-id': options.provider ?? 'studio-x',
      'x-region': options.region ?? 'EU',
      ...(options.traceId ? { 'x-trace-id': options.traceId } : {}),
      ...options.headers,
    };
    if (method === 'POST' && !('x-idempotency-key' in headers))
      headers['x-idempotency-key'] = options.key ?? freshKey();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    let parsed: Record<string, any> = {};
    try {
      parsed = JSON.parse(response.body);
    } catch {
      parsed = {};
    }
    return { status: response.statusCode, body: parsed, raw: response.body, headers: response.headers };
  }

  post = (url: string, body: unknown, options?: CallOptions) => this.call('POST', url, body, options);
  get = (url: string, options?: CallOptions) => this.call('GET', url, undefined, options);

  async openSession(playerId: string, currency = 'EUR', options?: CallOptions): Promise<string> {
    const r = await this.post(
      '/v1/sessions',
      { player_id: playerId, game_id: 'studio:slot_forge_02', currency, locale: 'de-DE' },
      options,
    );
    if (r.status !== 201) throw new Error(`session for ${playerId}: ${r.status} ${r.raw}`);
    return r.body.session_id as string;
  }

  authorize(
    sessionId: string,
    betId: string,
    amount: string,
    extra: Record<string, unknown> = {},
    options?: CallOptions,
  ) {
    return this.post(
      '/v1/bets/authorize',
      {
        session_id: sessionId,
        bet_id: betId,
        round_id: `r_${betId}`,
        amount: { amount, currency: 'EUR' },
        ...extra,
      },
      options,
    );
  }

  settle(betId: string, win: string, extra: Record<string, unknown> = {}, options?: CallOptions) {
    return this.post(
      '/v1/bets/settle',
      { bet_id: betId, round_id: `r_${betId}`, win: { amount: win, currency: 'EUR' }, ...extra },
      options,
    );
  }

  rollback(betId: string, extra: Record<string, unknown> = {}, options?: CallOptions) {
    return this.post('/v1/bets/rollback', { bet_id: betId, round_id: `r_${betId}`, ...extra }, options);
  }

  async cash(playerId: string, options?: CallOptions): Promise<{ cash: string; bonus: string }> {
    const r = await this.get(`/v1/players/${playerId}/balance`, options);
    return r.body.balances[0];
  }
}

export async function walletApp(wallet: Wallet): Promise<Caller> {
  const app = await createWalletServer({ wallet, validateResponses: true });
  await app.ready();
  return new Caller(app);
}

/** Outbox events (envelopes) in order, optionally of one type. */
export async function outboxEvents(wallet: Wallet, type?: string): Promise<Array<Record<string, any>>> {
  const rows = await wallet.ledger.outbox.list({ limit: 100_000 });
  return rows
    .map(
      (r): Record<string, any> => ({ ...(JSON.parse(r.payload) as Record<string, any>), subject: r.subject }),
    )
    .filter((e) => !type || e.event_type === type);
}

/** A fresh EUR player of brand-7 in region EU with `cash`, so tests never share money. */
export async function freshPlayer(
  wallet: Wallet,
  cash = '100.00',
  extra: Partial<SeedPlayerInput> = {},
): Promise<string> {
  const id = uniqueId('p');
  await wallet.seedPlayer({ brand: 'brand-7', player_id: id, currency: 'EUR', cash, region: 'EU', ...extra });
  return id;
}
