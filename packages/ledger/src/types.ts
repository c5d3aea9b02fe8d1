import type { AccountRef, CurrencyAccountRef } from './accounts.ts';

/**
 * One movement of `amount` minor units from `debit` (money leaves) to `credit` (money arrives).
 * A balance is credits minus debits, so crediting a player's cash raises it.
 */
export interface TransferInput {
  /** Unique forever: an id is processed at most once (a reuse is refused with DUPLICATE_TRANSFER). */
  id: string;
  debit: AccountRef;
  credit: AccountRef;
  /** Minor units, >= 0n (zero is a valid movement: zero bets and zero wins leave a trace). */
  amount: bigint;
  currency: string;
  /** A free label for reports, e.g. 'bet', 'win', 'deposit'. Defaults to 'transfer'. */
  kind?: string;
  metadata?: Record<string, unknown>;
}

export interface Transfer {
  id: string;
  debit: CurrencyAccountRef;
  credit: CurrencyAccountRef;
  amount: bigint;
  currency: string;
  kind: string;
  /** Set when the transfer is one leg of a two-phase hold. */
  pendingId: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

export interface CreatePendingInput {
  /** The hold's id; also the id of the transfer source → held. */
  id: string;
  /** Where the money is taken from, e.g. the player's cash or bonus. */
  source: AccountRef;
  /** Where it waits. Defaults to `{ owner: source.owner, kind: 'held' }`. */
  held?: AccountRef;
  /** Default destination of posts, e.g. `house:bets`; a post may name another. */
  destination?: AccountRef;
  amount: bigint;
  currency: string;
  kind?: string;
  metadata?: Record<string, unknown>;
}

export interface PostPendingInput {
  id: string;
  /** Defaults to everything still held. */
  amount?: bigint;
  /** Defaults to the destination given at creation. */
  destination?: AccountRef;
  /**
   * true (default): this is the last post; whatever is still held returns to the source.
   * false: a partial settlement; the rest stays held for later posts.
   */
  final?: boolean;
  /** Id of the held → destination transfer. Defaults to `${id}:post:${n}`. */
  transferId?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
}

export interface VoidPendingInput {
  id: string;
  /** Id of the held → source transfer. Defaults to `${id}:void`. */
  transferId?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
}

export type PendingState = 'pending' | 'posted' | 'voided';

export interface PendingTransfer {
  id: string;
  state: PendingState;
  source: CurrencyAccountRef;
  held: CurrencyAccountRef;
  destination: CurrencyAccountRef | null;
  currency: string;
  amount: bigint;
  posted: bigint;
  voided: bigint;
  /** amount − posted − voided: what is still held. */
  remaining: bigint;
  /** Number of posts so far (partial settlements count one each). */
  posts: number;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface OutboxEvent {
  /** Unique; becomes the transport message id (`Nats-Msg-Id`) so the stream deduplicates. */
  event_id: string;
  subject: string;
  /** Events of one partition (e.g. a player) are published in enqueue order. */
  partition_key: string;
  /** JSON text, already validated by the caller. */
  payload: string;
  headers?: Record<string, string>;
}

export interface OutboxRow {
  seq: bigint;
  eventId: string;
  subject: string;
  partitionKey: string;
  payload: string;
  headers: Record<string, string>;
  createdAt: string;
  publishedAt: string | null;
}

export interface AccountBalance extends CurrencyAccountRef {
  balance: bigint;
}

export interface TotalsReport {
  /** True when every check below is empty. */
  ok: boolean;
  /** Sum of all entries per currency; each must be 0n. */
  currencies: { currency: string; sum: bigint }[];
  /** Accounts whose maintained balance differs from the sum of their entries. */
  balanceMismatches: (CurrencyAccountRef & { balance: bigint; entries: bigint })[];
  /** Accounts that may not go negative but are. */
  negativeBalances: AccountBalance[];
  /** Held accounts whose balance differs from what their open holds still hold. */
  heldMismatches: (CurrencyAccountRef & { balance: bigint; openHolds: bigint })[];
}
