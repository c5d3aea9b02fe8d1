import { randomUUID } from 'node:crypto';
import type { AccountRef, Ledger, LedgerTx } from '@croupier/ledger';
import { type Amount, formatAmount, fromMinor, isMoneyError, parseAmount } from '@croupier/money';
import type { ResolvedConfig } from './config.ts';
import { WalletError } from './errors.ts';
import { type EventOrigin, enqueueEvents, type WalletEvent } from './events.ts';
import { MAX_AMOUNT_MINOR } from './limits.ts';

/** What every operation of the wallet shares. */
export interface WalletContext {
  ledger: Ledger;
  clock: () => Date;
  config: ResolvedConfig;
  /** Session → player (key: brand, NUL, session id). */
  sessionPlayers: Recollection<string>;
  /** Bet → player and holds (key: brand, NUL, provider, NUL, bet id). */
  betHints: Recollection<BetHint>;
}

/**
 * Facts that never change once written (a session's player, a bet's holds), as this process has seen
 * them: a write may read the rows they lead to in the same round trip as the rows that name them,
 * instead of one round trip later. Every use is checked against what the read returns. Bounded: the
 * oldest entries go first.
 */
export class Recollection<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity = 100_000) {}

  recall(key: string): V | undefined {
    return this.entries.get(key);
  }

  remember(key: string, value: V): void {
    // A retried write may have minted new ids (a new hold): the latest sighting wins.
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }
}

/** What settle and rollback may read ahead of the bet's row: its player and its open holds' ids. */
export interface BetHint {
  playerId: string;
  holdIds: readonly string[];
}

/** Who asks: the tenant (brand), its region and provider, and the request's ids. */
export interface RequestScope {
  brand: string;
  provider: string;
  region: string;
  traceId: string;
  /** X-Idempotency-Key; absent on reads. */
  idempotencyKey?: string;
}

export interface WireMoney {
  amount: string;
  currency: string;
}

export interface WireBalance {
  currency: string;
  cash: string;
  bonus: string;
}

// Players are per brand: the ledger owner carries the brand so two brands' `p_1` never share money.
export const playerOwner = (brand: string, playerId: string) => `${brand}/${playerId}`;
export const cashAccount = (brand: string, playerId: string): AccountRef => ({
  owner: playerOwner(brand, playerId),
  kind: 'cash',
});
export const bonusAccount = (brand: string, playerId: string): AccountRef => ({
  owner: playerOwner(brand, playerId),
  kind: 'bonus',
});
export const heldAccount = (brand: string, playerId: string): AccountRef => ({
  owner: playerOwner(brand, playerId),
  kind: 'held',
});
/** House accounts of a brand; the ledger lets `house` accounts go negative. */
export const houseOf = (
  brand: string,
  name: 'bets' | 'wins' | 'promo' | 'jackpot' | 'bonus_fund' | 'deposits',
): AccountRef => ({ owner: 'house', kind: `${brand}:${name}` });

export const toWireMoney = (minor: bigint, currency: string): WireMoney => ({
  amount: formatAmount(fromMinor(minor, currency)),
  currency,
});

/**
 * Parses a wire amount; a malformed, over-precise or too large amount (past `MAX_AMOUNT_MINOR`),
 * or an unknown currency, is the caller's bad input (400).
 */
export function parseWire(wire: WireMoney, path: string): Amount {
  try {
    return parseAmount(wire.amount, wire.currency, { maxMinor: MAX_AMOUNT_MINOR });
  } catch (error) {
    if (isMoneyError(error)) {
      throw new WalletError('VALIDATION_FAILED', `${path}: ${error.message}`, {
        errors: [{ path, message: error.message }],
      });
    }
    throw error;
  }
}

/** Cash and bonus of one player in one currency, in one query. */
export async function balanceOf(
  tx: LedgerTx,
  brand: string,
  playerId: string,
  currency: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ cash: bigint; bonus: bigint }> {
  let cash = 0n;
  let bonus = 0n;
  for (const account of await tx.balances(playerOwner(brand, playerId), options)) {
    if (account.currency !== currency) continue;
    if (account.kind === 'cash') cash = account.balance;
    else if (account.kind === 'bonus') bonus = account.balance;
  }
  return { cash, bonus };
}

export async function wireBalance(
  tx: LedgerTx,
  brand: string,
  playerId: string,
  currency: string,
): Promise<WireBalance> {
  const b = await balanceOf(tx, brand, playerId, currency);
  return {
    currency,
    cash: formatAmount(fromMinor(b.cash, currency)),
    bonus: formatAmount(fromMinor(b.bonus, currency)),
  };
}

/** The contract's `Balance` from a `balanceAfter` reading, so one read serves the event and the answer. */
export const asWireBalance = (
  after: { cash: WireMoney; bonus: WireMoney },
  currency: string,
): WireBalance => ({
  currency,
  cash: after.cash.amount,
  bonus: after.bonus.amount,
});

export async function balanceAfter(tx: LedgerTx, brand: string, playerId: string, currency: string) {
  const b = await balanceOf(tx, brand, playerId, currency);
  return { cash: toWireMoney(b.cash, currency), bonus: toWireMoney(b.bonus, currency) };
}

export interface PlayerRow {
  brand: string;
  player_id: string;
  currency: string;
  region: string | null;
  kyc_status: 'verified' | 'pending' | 'denied';
}

/** Reads the player and, on PostgreSQL, locks its row: one money operation per player at a time. */
export async function lockPlayer(tx: LedgerTx, brand: string, playerId: string): Promise<PlayerRow | null> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await tx.query<PlayerRow>(
    `SELECT brand, player_id, currency, region, kyc_status FROM wallet_players WHERE brand = ? AND player_id = ?${lock}`,
    [brand, playerId],
  );
  return rows[0] ?? null;
}

export async function requirePlayer(tx: LedgerTx, brand: string, playerId: string): Promise<PlayerRow> {
  const player = await lockPlayer(tx, brand, playerId);
  if (!player) {
    throw new WalletError('PLAYER_NOT_FOUND', `no player ${playerId} in brand ${brand}; seed it first`);
  }
  return player;
}

export interface SessionRow {
  brand: string;
  session_id: string;
  provider: string;
  player_id: string;
  game_id: string;
  currency: string;
  locale: string | null;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  end_reason: string | null;
  reality_checked_at: string;
  wagered: bigint;
  won: bigint;
}

export type SessionStatus = 'active' | 'expired' | 'ended';

export function sessionStatus(session: SessionRow, now: Date): SessionStatus {
  if (session.ended_at) return 'ended';
  if (session.end_reason === 'expired' || now.toISOString() >= session.expires_at) return 'expired';
  return 'active';
}

export async function findSession(
  tx: LedgerTx,
  brand: string,
  sessionId: string,
): Promise<SessionRow | null> {
  const rows = await tx.query<SessionRow>(
    `SELECT * FROM wallet_sessions WHERE brand = ? AND session_id = ?`,
    [brand, sessionId],
  );
  return rows[0] ?? null;
}

export interface BetRow {
  brand: string;
  provider: string;
  bet_id: string;
  player_id: string;
  session_id: string | null;
  round_id: string;
  game_id: string | null;
  game_type: string | null;
  currency: string | null;
  amount: bigint;
  cash_part: bigint;
  bonus_part: bigint;
  bonus_id: string | null;
  hold_id: string;
  jackpot_contribution: bigint;
  won: bigint;
  parts: bigint;
  state: 'authorized' | 'partially_settled' | 'settled' | 'rolled_back';
  tombstone: bigint;
  win_only: bigint;
  created_at: string;
  updated_at: string;
}

/**
 * Bet ids are unique per brand and provider: two providers (or two players) never collide.
 * `lock` takes the bet's row lock on PostgreSQL (SQLite writers are already serial): settle and
 * rollback of one bet then queue on it and each reads the state the other committed, so exactly
 * one of them wins and the other answers what happened.
 */
export async function findBet(
  tx: LedgerTx,
  brand: string,
  provider: string,
  betId: string,
  options: { lock?: boolean } = {},
): Promise<BetRow | null> {
  const lock = options.lock && tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await tx.query<BetRow>(
    `SELECT * FROM wallet_bets WHERE brand = ? AND provider = ? AND bet_id = ?${lock}`,
    [brand, provider, betId],
  );
  return rows[0] ?? null;
}

/** Ids the wallet mints: a prefix the reader recognises plus randomness. */
export const mintId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/** Enqueues events with the player's region when known (data residency), else the request's. */
export async function emit(
  tx: LedgerTx,
  origin: EventOrigin,
  now: Date,
  events: readonly WalletEvent[],
  region?: string | null,
): Promise<void> {
  if (events.length === 0) return;
  await enqueueEvents(tx, { ...origin, region: region ?? origin.region }, now, events);
}

export const originOf = (scope: RequestScope): EventOrigin => ({
  brand: scope.brand,
  region: scope.region,
  traceId: scope.traceId,
  idempotencyKey: scope.idempotencyKey ?? null,
});
