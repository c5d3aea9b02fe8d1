import path from 'node:path';
import Database from 'better-sqlite3';
import type { Row, SqlSession, SqlValue, StorageDriver } from './driver.ts';

export interface SqliteOptions {
  /** A file path, or ':memory:' (tests only: a memory database is private to one connection). */
  file: string;
  /** How long a writer waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
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

  constructor(options: SqliteOptions) {
    this.queue = queueFor(options.file);
    this.db = new Database(options.file);
    this.db.defaultSafeIntegers(true);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.aggregate('sum', exactSum);
  }

  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.session);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    };
    const next = this.queue.tail.then(run, run);
    this.queue.tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue.tail;
    this.db.close();
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
  };
}
