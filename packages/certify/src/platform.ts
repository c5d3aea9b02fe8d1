import { decimalUnits, isDecimal } from '@croupier/money';
import type { CertifyHttp, Response, SendOptions } from './evidence.ts';
import type { TestPlayer } from './profile.ts';
import { check, fail, type ScenarioContext } from './scenario.ts';

export interface Balance {
  cash: string;
  bonus: string;
}

export interface BetRequest {
  sessionId: string;
  player?: TestPlayer;
  betId?: string;
  roundId?: string;
  amount?: string;
  currency?: string;
  key?: string;
  extra?: Record<string, unknown>;
  send?: Partial<SendOptions>;
}

export interface SettleRequest {
  betId: string;
  roundId: string;
  win: string;
  currency: string;
  key?: string;
  extra?: Record<string, unknown>;
  player?: TestPlayer;
  send?: Partial<SendOptions>;
}

export interface RollbackRequest {
  betId: string;
  roundId: string;
  amount?: string;
  currency?: string;
  key?: string;
  extra?: Record<string, unknown>;
  player?: TestPlayer;
  send?: Partial<SendOptions>;
}

/**
 * The contract's operations in domain words, on top of the evidence-recording client. Every successful
 * money operation is written to the run ledger so the events phase can demand its events.
 */
export class Platform {
  private readonly http: CertifyHttp;

  constructor(private readonly ctx: ScenarioContext) {
    this.http = ctx.http;
  }

  get main(): TestPlayer {
    return this.ctx.profile.players.main;
  }

  async openSession(player: TestPlayer = this.main, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await this.createSession(player, extra);
    check(
      response.status === 201 || response.status === 200,
      `createSession for ${player.id} answered ${response.status} ${response.text.slice(0, 200)}`,
    );
    const sessionId = response.json?.session_id;
    check(typeof sessionId === 'string', 'createSession returned no session_id');
    return sessionId;
  }

  createSession(player: TestPlayer = this.main, extra: Record<string, unknown> = {}): Promise<Response> {
    return this.http.post(
      '/v1/sessions',
      {
        player_id: player.id,
        game_id: this.ctx.profile.gameId,
        currency: player.currency,
        locale: this.ctx.profile.locale,
        ...extra,
      },
      { label: 'createSession' },
    );
  }

  async authorize(request: BetRequest): Promise<Response & { betId: string; roundId: string; key: string }> {
    const player = request.player ?? this.main;
    const betId = request.betId ?? this.ctx.data.betId();
    const roundId = request.roundId ?? this.ctx.data.roundId();
    const key = request.key ?? this.ctx.data.key('bet');
    const response = await this.http.post(
      '/v1/bets/authorize',
      {
        session_id: request.sessionId,
        bet_id: betId,
        round_id: roundId,
        amount: {
          amount: request.amount ?? this.ctx.profile.betAmount,
          currency: request.currency ?? player.currency,
        },
        ...request.extra,
      },
      { idempotencyKey: key, label: 'authorizeBet', ...request.send },
    );
    if (response.status === 200)
      this.record(response, 'authorize', player, betId, key, ['bet.authorized', 'wallet.debit']);
    return Object.assign(response, { betId, roundId, key });
  }

  async settle(request: SettleRequest): Promise<Response & { key: string }> {
    const key = request.key ?? this.ctx.data.key('settle');
    const response = await this.http.post(
      '/v1/bets/settle',
      {
        bet_id: request.betId,
        round_id: request.roundId,
        win: { amount: request.win, currency: request.currency },
        ...request.extra,
      },
      { idempotencyKey: key, label: 'settleBet', ...request.send },
    );
    if (response.status === 200) {
      const credited = isDecimal(request.win) && decimalUnits(request.win) > 0n;
      this.record(response, 'settle', request.player ?? this.main, request.betId, key, [
        'bet.settled',
        ...(credited ? ['wallet.credit'] : []),
      ]);
    }
    return Object.assign(response, { key });
  }

  async rollback(request: RollbackRequest): Promise<Response & { key: string }> {
    const key = request.key ?? this.ctx.data.key('rb');
    const body: Record<string, unknown> = {
      bet_id: request.betId,
      round_id: request.roundId,
      ...request.extra,
    };
    if (request.amount)
      body.amount = { amount: request.amount, currency: request.currency ?? this.main.currency };
    const response = await this.http.post('/v1/bets/rollback', body, {
      idempotencyKey: key,
      label: 'rollbackBet',
      ...request.send,
    });
    if (response.status === 200) {
      this.record(response, 'rollback', request.player ?? this.main, request.betId, key, ['bet.rolled_back']);
    }
    return Object.assign(response, { key });
  }

  async balance(player: TestPlayer = this.main): Promise<Balance> {
    const response = await this.http.get(`/v1/players/${encodeURIComponent(player.id)}/balance`, {
      label: 'getBalance',
    });
    check(response.status === 200, `getBalance for ${player.id} answered ${response.status}`);
    const entry = (response.json?.balances ?? []).find(
      (b: { currency?: string }) => b.currency === player.currency,
    );
    if (!entry) fail(`getBalance for ${player.id} has no ${player.currency} balance`);
    return { cash: String(entry.cash), bonus: String(entry.bonus) };
  }

  /** Authorize then settle: the round every other check builds on. */
  async playRound(
    sessionId: string,
    stake: string,
    win: string,
    player: TestPlayer = this.main,
  ): Promise<{ betId: string; roundId: string }> {
    const bet = await this.authorize({ sessionId, player, amount: stake });
    check(bet.status === 200, `authorize answered ${bet.status} ${bet.text.slice(0, 200)}`);
    const settled = await this.settle({
      betId: bet.betId,
      roundId: bet.roundId,
      win,
      currency: player.currency,
      player,
    });
    check(settled.status === 200, `settle answered ${settled.status} ${settled.text.slice(0, 200)}`);
    return { betId: bet.betId, roundId: bet.roundId };
  }

  private record(
    response: Response,
    operation: 'authorize' | 'settle' | 'rollback',
    player: TestPlayer,
    betId: string,
    key: string,
    expectedEvents: string[],
  ): void {
    const traceId = response.exchange.traceId ?? '';
    const operations = this.ctx.ledger.moneyOperations;
    const window = {
      fromMs: response.exchange.startedAtMs,
      toMs: response.exchange.startedAtMs + Math.ceil(response.exchange.durationMs),
    };
    const earlier = operations.find((op) => op.idempotencyKey === key && op.operation === operation);
    if (earlier) {
      earlier.traceIds.push(traceId);
      earlier.windows.push(window);
      return;
    }
    if (operation === 'rollback') {
      // Only the first rollback of a bet certify saw authorized is a fact; tombstones and repeats may be silent.
      const authorized = operations.some((op) => op.operation === 'authorize' && op.betId === betId);
      const rolled = operations.some(
        (op) => op.operation === 'rollback' && op.betId === betId && op.expectedEvents.length > 0,
      );
      if (!authorized || rolled) expectedEvents = [];
    }
    operations.push({
      scenarioId: this.ctx.scenarioId,
      operation,
      playerId: player.id,
      betId,
      idempotencyKey: key,
      traceId,
      traceIds: [traceId],
      at: response.exchange.startedAtMs,
      windows: [window],
      expectedEvents,
    });
  }
}

/** Asserts an error answer: status, code, and the contract's error shape (validated by the client already). */
export function expectError(response: Response, status: number | number[], codes: string | string[]): void {
  const statuses = Array.isArray(status) ? status : [status];
  const allowed = Array.isArray(codes) ? codes : [codes];
  check(
    statuses.includes(response.status) && allowed.includes(response.json?.code),
    `expected ${statuses.join('|')} ${allowed.join('|')}, got ${response.status} ${response.text.slice(0, 240)}`,
  );
}

export function expectOk(response: Response, what: string): void {
  check(
    response.status >= 200 && response.status < 300,
    `${what}: expected success, got ${response.status} ${response.text.slice(0, 240)}`,
  );
}
