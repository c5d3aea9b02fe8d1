/**
 * The tiny SQL surface both stores share. Write SQL once with `?` placeholders;
 * the PostgreSQL driver rewrites them to `$1, $2, …`.
 *
 * Value conventions, identical on both stores so callers never branch on the dialect:
 * - every integer column comes back as `bigint` (SQLite safe integers; PG int2/int4/int8 and integral NUMERIC);
 * - pass booleans freely, but store them in INTEGER 0/1 columns (SQLite has no boolean type);
 * - store times as TEXT ISO-8601 (`new Date().toISOString()`), which sorts and compares the same everywhere.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | bigint | boolean | null | undefined | Uint8Array;

export type Row = Record<string, unknown>;

export interface SqlSession {
  readonly dialect: Dialect;
  /** Runs one statement and returns its rows (empty for statements without RETURNING). */
  query<T extends object = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs one statement and returns the number of rows it changed. */
  exec(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs several `;`-separated statements without parameters (migrations). */
  script(sql: string): Promise<void>;
  /**
   * A write whose outcome the caller does not branch on. On a pipelined PostgreSQL session it goes out
   * with the next round trip and nobody waits for its answer: if it fails, the transaction fails and
   * the driver runs the work again with every statement waited for (where callers see each refusal).
   * Elsewhere it is `exec`.
   */
  write(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** True while writes are not waited for (see `write`): only on PostgreSQL, only on a first attempt. */
  readonly pipelined: boolean;
  /**
   * Names rows this work has locked. Where transactions share one commit (a PostgreSQL commit group),
   * rows one of them locked are not locked against the others: a second claim of a key throws
   * PipelineAbandoned and the group runs again, each transaction alone. A no-op elsewhere.
   */
  claim?(keys: readonly string[]): void;
}

export interface TransactionOptions {
  /**
   * What the work touches that other concurrent work might (a player). On PostgreSQL, transactions
   * with distinct partitions may share one database transaction and one commit; without a partition
   * a transaction runs alone.
   */
  partition?: string;
}

/**
 * Thrown inside a pipelined transaction to have the driver roll it back and run the work again with
 * every statement waited for: what a caller throws when a pipelined read shows the uncommon case
 * (an idempotency key already taken), and what the session throws when a write it did not wait for failed.
 */
export class PipelineAbandoned extends Error {
  constructor(
    reason: string,
    readonly cause?: unknown,
  ) {
    super(`pipelined transaction abandoned: ${reason}`);
  }
}

export interface StorageDriver {
  readonly dialect: Dialect;
  /**
   * Runs `work` in one database transaction: commit when it resolves, roll back when it throws.
   * On PostgreSQL `work` may run more than once (serialization failures are retried), so it must
   * not have effects outside the transaction.
   */
  transaction<T>(work: (session: SqlSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Calls `listener` each time a transaction sends statements to a database server and waits for
   * its answer (BEGIN and COMMIT included). Absent on an embedded store, where nothing travels.
   */
  onRoundTrip?(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Rewrites `?` placeholders (outside quoted literals and identifiers) to `$n`. */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  return out;
}
