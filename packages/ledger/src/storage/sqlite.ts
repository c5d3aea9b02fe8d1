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
