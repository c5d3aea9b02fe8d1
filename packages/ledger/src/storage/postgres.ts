import pg from 'pg';
import { LedgerError } from '../errors.ts';
import {
  numberedPlaceholders,
  PipelineAbandoned,
  type Row,
  type SqlSession,
  type SqlValue,
  type StorageDriver,
} from './driver.ts';

export interface PostgresOptions {
  url: string;
  /** Schema for every table (created on connect when missing); lets parallel test runs share one database. */
  schema?: string;
  /** Pool size of this process. */
  poolSize?: number;
  /** 'read committed' (default: row locks with SELECT … FOR UPDATE) or 'serializable'. */
  isolation?: 'read committed' | 'serializable';
  /** Attempts for a transaction failing with 40001 (serialization) or 40P01 (deadlock). */
  maxAttempts?: number;
  /**
   * Send writes without waiting for each answer (default true): a transaction then costs a round trip
   * per read it waits on plus one for its writes and COMMIT, instead of one per statement.
   */
  pipeline?: boolean;
}

const RETRYABLE = new Set(['40001', '40P01']);
const INTEGRAL = /^-?\d+$/;

// Integers come back as bigint, matching SQLite with safeIntegers, so callers never branch on the store.
const toBigInt = (text: string): bigint => BigInt(text);
const numericToBigInt = (text: string): bigint | string => (INTEGRAL.test(text) ? BigInt(text) : text);
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 21 || oid === 23) return toBigInt;
    if (oid === 1700) return numericToBigInt;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

// Booleans go as 1/0 so they fit INTEGER columns, as on SQLite; PG BOOLEAN columns accept '1'/'0' too.
const bindable = (params: readonly SqlValue[]): unknown[] =>
  params.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v;
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`invalid schema name "${name}": use [a-z_][a-z0-9_]*`);
  return name;
}

/**
 * Shared store for any number of processes. Transactions run at READ COMMITTED and take row locks
 * (the ledger locks balance rows in account-id order); serialization failures and deadlocks are
 * retried with jittered backoff, rerunning the whole unit of work.
 */
export class PostgresDriver implements StorageDriver {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly isolation: string;
  private readonly maxAttempts: number;
  private readonly texts = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly ready: Promise<void>;
  private readonly pipelining: boolean;
  readonly roundTripListeners = new Set<() => void>();

  constructor(options: PostgresOptions) {
    const schema = options.schema ? assertIdentifier(options.schema) : undefined;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: typeParsers,
      // pg sends a pipelined query at once instead of after the previous answer.
      pipeline: options.pipeline !== false,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next checkout reconnects.
    this.pool.on('error', () => undefined);
    this.isolation = options.isolation === 'serializable' ? 'SERIALIZABLE' : 'READ COMMITTED';
    this.maxAttempts = options.maxAttempts ?? 12;
    this.pipelining = options.pipeline !== false;
    this.ready = schema
      ? this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).then(() => undefined)
      : Promise.resolve();
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.ready;
    let pipelined = this.pipelining;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const session = new PostgresSession(client, pipelined, this);
      let broken = false;
      let failure: unknown;
      try {
        await session.begin(`BEGIN ISOLATION LEVEL ${this.isolation}`);
        const result = await work(session);
        await session.commit();
        return result;
      } catch (error) {
        failure = error;
        try {
          await session.rollback();
        } catch {
          broken = true;
        }
        // A write sent without waiting failed: whatever the work threw after it may be its echo.
        failure = session.failure ?? error;
      } finally {
        client.release(broken);
      }
      const code = codeOf(failure);
      if (code && RETRYABLE.has(code)) {
        if (attempt >= this.maxAttempts) {
          throw new LedgerError(
            'CONFLICT_RETRIES_EXHAUSTED',
            `transaction still conflicting after ${attempt} attempts (${code}); lower contention or raise maxAttempts`,
            { sqlState: code },
          );
        }
        await sleep(Math.random() * Math.min(100, 2 ** attempt));
        continue;
      }
      if (pipelined && (failure instanceof PipelineAbandoned || session.failure !== undefined)) {
        // The uncommon case (a refusal, a key already used, a race lost): once more, every statement waited
        // for, so each refusal reaches the code that answers it. Not a conflict attempt.
        pipelined = false;
        attempt -= 1;
        continue;
      }
      throw failure instanceof PipelineAbandoned && failure.cause !== undefined ? failure.cause : failure;
    }
  }

  onRoundTrip(listener: () => void): () => void {
    this.roundTripListeners.add(listener);
    return () => this.roundTripListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * A name per distinct statement: pg prepares it once per connection and then only binds, so the hot
   * path (a bet is some thirty statements) skips parsing and planning on every call.
   */
  named(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
    const text = this.text(sql);
    if (params.length === 0) return { text };
    let name = this.names.get(text);
    if (name === undefined) {
      name = `croupier_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return { name, text, values: bindable(params) };
  }

  private text(sql: string): string {
    let text = this.texts.get(sql);
    if (text === undefined) {
      text = numberedPlaceholders(sql);
      this.texts.set(sql, text);
    }
    return text;
  }
}

/** A plain INSERT, UPDATE or DELETE (no WITH of its own, no RETURNING): what may join a merged statement. */
const MERGEABLE =
  /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([A-Za-z_][A-Za-z0-9_]*)\s(?![\s\S]*\bRETURNING\b)/i;

const codeOf = (error: unknown): string | undefined => {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (typeof direct === 'string') return direct;
  if (error instanceof PipelineAbandoned) return codeOf(error.cause);
  return undefined;
};

/**
 * One transaction's connection. Pipelined, every statement goes out as soon as it is issued, and the
 * statements issued until the process next waits leave in one write (the socket is corked until the
 * event loop turns): a read the caller waits on takes every write issued before it along.
 */
class PostgresSession implements SqlSession {
  readonly dialect = 'postgres' as const;
  /** The first failure of a write nobody waited for; the transaction is lost from there on. */
  failure: unknown;
  private corked = false;
  /** Writes not sent yet: they leave, merged, with the next read, the COMMIT or the turn of the loop. */
  private buffered: Array<{ sql: string; params: readonly SqlValue[] }> = [];

  constructor(
    private readonly client: pg.PoolClient,
    readonly pipelined: boolean,
    private readonly driver: {
      named(sql: string, params: readonly SqlValue[]): pg.QueryConfig;
      roundTripListeners: ReadonlySet<() => void>;
    },
  ) {}

  async begin(sql: string): Promise<void> {
    if (this.pipelined) this.send(sql, []);
    else await this.run(sql, []);
  }

  async commit(): Promise<void> {
    const done = await this.run('COMMIT', []);
    if (this.failure !== undefined) throw new PipelineAbandoned('a write failed', this.failure);
    // PostgreSQL answers COMMIT of a transaction a failed statement aborted with ROLLBACK, not an error.
    if (done.command === 'ROLLBACK') throw new PipelineAbandoned('the transaction was aborted');
  }

  async query<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.run(sql, params)).rows as T[];
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.run(sql, params)).rowCount ?? 0;
  }

  async script(sql: string): Promise<void> {
    await this.run(sql, []);
  }

  async write(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    if (!this.pipelined) {
      await this.run(sql, params);
      return;
    }
    if (this.failure !== undefined) throw new PipelineAbandoned('a write failed', this.failure);
    this.cork();
    this.buffered.push({ sql, params });
  }

  /** Rolls back; writes still buffered are dropped, never sent after the ROLLBACK. */
  async rollback(): Promise<void> {
    this.buffered = [];
    await this.client.query('ROLLBACK');
  }

  /**
   * Sends the buffered writes, each run of writes to distinct tables as one statement (data-modifying
   * WITH clauses): PostgreSQL pays per statement far more than per row here (a profile of the bench
   * put some 200 µs of server CPU on each). Distinct tables only: the parts of one statement see the
   * same snapshot, so an UPDATE would miss a row an INSERT beside it adds. Foreign keys are checked at
   * the end of the statement, as they were at the end of each.
   */
  private flushWrites(): void {
    const writes = this.buffered;
    if (writes.length === 0) return;
    this.buffered = [];
    let run: typeof writes = [];
    const tables = new Set<string>();
    const sendRun = () => {
      if (run.length === 1) this.send(run[0]!.sql, run[0]!.params);
      else if (run.length > 1) {
        this.send(
          `WITH ${run.map((w, i) => `w${i} AS (${w.sql})`).join(', ')} SELECT ${run.length}`,
          run.flatMap((w) => [...w.params]),
        );
      }
      run = [];
      tables.clear();
    };
    for (const write of writes) {
      const table = MERGEABLE.exec(write.sql)?.[1]?.toLowerCase();
      if (!table) {
        sendRun();
        this.send(write.sql, write.params);
        continue;
      }
      if (tables.has(table)) sendRun();
      tables.add(table);
      run.push(write);
    }
    sendRun();
  }

  private send(sql: string, params: readonly SqlValue[]): void {
    this.cork();
    this.client.query(this.driver.named(sql, params)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private async run(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    if (this.pipelined) {
      this.flushWrites();
      this.cork();
    } else this.roundTrip();
    try {
      return await this.client.query(this.driver.named(sql, params));
    } catch (error) {
      // Behind a failed write every statement fails with "transaction aborted": report the cause.
      if (this.failure !== undefined) throw new PipelineAbandoned('a write failed', this.failure);
      throw error;
    }
  }

  /** Holds the socket's writes until the event loop turns, so one round trip carries them all. */
  private cork(): void {
    if (this.corked) return;
    const stream = (
      this.client as unknown as {
        connection?: { stream?: NodeJS.WritableStream & { cork?(): void; uncork?(): void } };
      }
    ).connection?.stream;
    if (!stream?.cork || !stream.uncork) return;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.flushWrites();
      this.corked = false;
      this.roundTrip();
      stream.uncork?.();
    });
  }

  private roundTrip(): void {
    for (const listener of this.driver.roundTripListeners) listener();
  }
}
