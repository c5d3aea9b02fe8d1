import path from 'node:path';
import Database from 'better-sqlite3';
import { type Checkpointer, startCheckpointer } from './checkpointer.ts';
import type { Row, SqlSession, SqlValue, StorageDriver } from './driver.ts';

export interface SqliteOptions {
  /** A file path, or ':memory:' (tests only: a memory database is private to one connection). */
  file: string;
  /** How long a writer waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  /** How transactions that arrive together share one commit; see `GroupCommitOptions`. */
  groupCommit?: GroupCommitOptions;
}

/**
 * Group commit: transactions that arrive while one runs share one database transaction, each in a
 * savepoint of its own, so a failing one rolls back alone. None resolves before the shared COMMIT,
 * so an answer still means durable (as durable as `synchronous = NORMAL` in WAL makes any commit).
 */
export interface GroupCommitOptions {
  /**
   * A group forms one turn of the event loop after its first transaction (every request parsed in
   * that turn joins it) and then takes whatever is queued. With `windowMs` > 0 it also stays open that
   * long, counted from its first transaction, yielding to I/O between transactions so later requests
   * join: more per commit, at up to that much latency. Default 0: one turn only, so a lone request is
   * not held back.
   */
  windowMs?: number;
  /** Most transactions in one group (default 256). 1 turns group commit off. */
  maxTransactions?: number;
}

interface Queued {
  work: (session: SqlSession) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * One queue per database file per process: two connections of one process to one file must not
 * interleave, or the second would block the thread in busy_timeout while the first cannot finish.
 */
const fileQueues = new Map<string, { tail: Promise<unknown> }>();

function queueFor(file: string): { tail: Promise<unknown> } {
  if (file === ':memory:') return { tail: Promise.resolve() };
  const key = path.resolve(file);
  let queue = fileQueues.get(key);
  if (!queue) {
    queue = { tail: Promise.resolve() };
    fileQueues.set(key, queue);
  }
  return queue;
}

type BindValue = string | number | bigint | null | Uint8Array;

const bindable = (params: readonly SqlValue[]): BindValue[] =>
  params.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v;
  });

/**
 * Embedded store: one connection, WAL, BEGIN IMMEDIATE so a transaction holds the write lock
 * from its first statement (no lock-upgrade deadlocks between processes sharing the file).
 * better-sqlite3 is synchronous while our API is async, so transactions of this process are
 * queued one after another: an `await` inside one transaction must not let another one in.
 * Queued transactions are committed in groups (see `GroupCommitOptions`): a profile of the wallet
 * spent a third of its time in COMMIT (WAL page writes and checkpoints), once per operation.
 */
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * SUM over integers, exact in bigint. SQLite's own SUM throws `integer overflow` as soon as a
 * running total leaves 64 bits, even when the final total fits (a +max and a -max entry), which
 * would turn a house account's or a loss limit's sum into a 500. A total past 64 bits comes back
 * as its decimal string (SQLite cannot hold it as an integer); readers wrap sums in `BigInt()`.
 */
const exactSum = {
  start: (): bigint | null => null,
  step(total: bigint | null, value: unknown): bigint | null {
    if (value === null || value === undefined) return total;
    if (typeof value === 'number' && !Number.isInteger(value)) {
      throw new TypeError('SUM over a non-integer: money columns hold integers only');
    }
    return (total ?? 0n) + BigInt(value as bigint | number | string);
  },
  result: (total: bigint | null): bigint | string | null =>
    total === null ? null : total >= INT64_MIN && total <= INT64_MAX ? total : total.toString(),
};

export class SqliteDriver implements StorageDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly queue: { tail: Promise<unknown> };
  private readonly waiting: Queued[] = [];
  private draining: Promise<void> | undefined;
  private readonly windowMs: number;
  private readonly maxTransactions: number;
  private readonly checkpointer: Checkpointer | undefined;

  constructor(options: SqliteOptions) {
    this.queue = queueFor(options.file);
    this.windowMs = Math.max(0, options.groupCommit?.windowMs ?? 0);
    this.maxTransactions = Math.max(1, options.groupCommit?.maxTransactions ?? 256);
    this.db = new Database(options.file);
    this.db.defaultSafeIntegers(true);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Savepoints journal the pages they touch: in memory, not a temp file per savepoint.
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('cache_size = -65536');
    this.db.aggregate('sum', exactSum);
    if (options.file !== ':memory:') {
      // Checkpoints leave the request thread (see checkpointer.ts).
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = startCheckpointer({ file: options.file });
    }
  }

  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // One turn of the event loop before the group starts: transactions of requests parsed in the
      // same turn join it (started at once, a group would hold only the first).
      this.draining ??= new Promise<void>((started) => setImmediate(started)).then(() => this.drain());
    });
  }

  async close(): Promise<void> {
    await this.draining;
    await this.queue.tail;
    await this.checkpointer?.close();
    this.db.close();
  }

  /** Runs groups until nothing waits; each group is one turn of the per-file queue. */
  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.queue.tail.then(() => this.runGroup());
      this.queue.tail = group.catch(() => undefined);
      await group;
    }
    this.draining = undefined;
  }

  private async runGroup(): Promise<void> {
    const started = performance.now();
    const done: Array<{ queued: Queued; value: unknown }> = [];
    try {
      this.statement('BEGIN IMMEDIATE').run();
    } catch (error) {
      // The write lock stayed taken past busy_timeout: everything waiting fails alike, as it would alone.
      for (const queued of this.waiting.splice(0)) queued.reject(error);
      return;
    }
    try {
      while (done.length < this.maxTransactions) {
        let queued = this.waiting.shift();
        if (!queued && this.windowMs > 0 && performance.now() - started < this.windowMs) {
          // Let I/O callbacks run once: requests parsed meanwhile join this group.
          await new Promise((resolve) => setImmediate(resolve));
          queued = this.waiting.shift();
        }
        if (!queued) break;
        this.statement('SAVEPOINT croupier_group').run();
        try {
          const value = await queued.work(this.session);
          this.statement('RELEASE croupier_group').run();
          done.push({ queued, value });
        } catch (error) {
          this.db.exec('ROLLBACK TO croupier_group');
          this.db.exec('RELEASE croupier_group');
          queued.reject(error);
        }
        // Past its window a group commits; with no window it takes what is queued and no more.
        if (this.windowMs > 0 && performance.now() - started >= this.windowMs) break;
      }
      this.statement('COMMIT').run();
      if (this.checkpointer?.committed()) this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // The shared commit failed (disk full, I/O error): nothing of the group is durable, so nobody hears success.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const { queued } of done) queued.reject(error);
      return;
    }
    for (const { queued, value } of done) queued.resolve(value);
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private readonly session: SqlSession = {
    dialect: 'sqlite',
    query: async <T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> => {
      const stmt = this.statement(sql);
      if (stmt.reader) return stmt.all(...bindable(params)) as T[];
      stmt.run(...bindable(params));
      return [];
    },
    exec: async (sql: string, params: readonly SqlValue[] = []): Promise<number> => {
      const stmt = this.statement(sql);
      if (stmt.reader) return stmt.all(...bindable(params)).length;
      return stmt.run(...bindable(params)).changes;
    },
    script: async (sql: string): Promise<void> => {
      this.db.exec(sql);
    },
    write: async (sql: string, params: readonly SqlValue[] = []): Promise<void> => {
      this.statement(sql).run(...bindable(params));
    },
    pipelined: false,
  };
}
