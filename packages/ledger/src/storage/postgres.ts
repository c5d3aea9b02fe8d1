import pg from 'pg';
import { LedgerError } from '../errors.ts';
import {
  numberedPlaceholders,
  PipelineAbandoned,
  type Row,
  type SqlSession,
  type SqlValue,
  type StorageDriver,
  type TransactionOptions,
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
  /**
   * Transactions with distinct partitions (see TransactionOptions) that wait for a connection at the
   * same time share one PostgreSQL transaction: their statements go out together, one round trip for
   * all their reads and one COMMIT for all. Default on, up to 64 per group; false runs each alone.
   */
  commitGroups?: false | { maxTransactions?: number };
}

interface Member {
  work: (session: SqlSession) => Promise<unknown>;
  partition: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
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
  private readonly maxMembers: number;
  private readonly maxGroups: number;
  private readonly waiting: Member[] = [];
  private groups = 0;
  private scheduled = false;

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
    this.maxMembers =
      options.commitGroups === false || !this.pipelining ? 0 : (options.commitGroups?.maxTransactions ?? 64);
    // Groups leave connections free for transactions that run alone (no partition, or a group's reruns).
    this.maxGroups = Math.max(1, Math.floor((options.poolSize ?? 10) / 2));
    this.ready = schema
      ? this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).then(() => undefined)
      : Promise.resolve();
  }

  async transaction<T>(
    work: (session: SqlSession) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    await this.ready;
    const partition = options.partition;
    if (this.maxMembers === 0 || partition === undefined) return this.alone(work);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, partition, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * One event-loop turn after a transaction arrives, groups form from what waits, in arrival order,
   * one transaction per partition per group (a second one of a partition waits for the next group),
   * as many groups at once as maxGroups allows. Under light load a group is one transaction.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length > 0 && this.groups < this.maxGroups) {
        const members: Member[] = [];
        const partitions = new Set<string>();
        for (let i = 0; i < this.waiting.length && members.length < this.maxMembers; ) {
          const member = this.waiting[i] as Member;
          if (partitions.has(member.partition)) {
            i++;
            continue;
          }
          partitions.add(member.partition);
          members.push(member);
          this.waiting.splice(i, 1);
        }
        this.groups += 1;
        void this.runGroup(members).finally(() => {
          this.groups -= 1;
          if (this.waiting.length > 0) this.schedule();
        });
      }
    });
  }

  /**
   * One PostgreSQL transaction for transactions of distinct partitions, run at once on one connection:
   * their reads share round trips, their writes and the COMMIT leave together, and nobody hears success
   * before the COMMIT. A member refused before it sent a write is refused alone (its buffered writes
   * are dropped). Anything else (a failed statement, a lost race, two members on one row) rolls the
   * group back, and every member runs again alone, as if it had never been grouped.
   */
  private async runGroup(members: Member[]): Promise<void> {
    if (members.length === 1) {
      const [member] = members as [Member];
      await this.alone(member.work).then(member.resolve, member.reject);
      return;
    }
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      for (const member of members) member.reject(error);
      return;
    }
    const wire = new Wire(client, this.roundTripListeners);
    const opening = new PostgresSession(wire, true, this, true);
    let broken = false;
    let rerun: Member[] = [];
    const answered: Array<() => void> = [];
    try {
      await opening.begin(`BEGIN ISOLATION LEVEL ${this.isolation}`);
      const sessions = members.map(() => new PostgresSession(wire, true, this, true));
      const outcomes = await Promise.allSettled(
        members.map((m, i) => m.work(sessions[i] as PostgresSession)),
      );
      let lost = false;
      const kept: Member[] = [];
      for (const [i, outcome] of outcomes.entries()) {
        const member = members[i] as Member;
        const session = sessions[i] as PostgresSession;
        if (outcome.status === 'fulfilled') {
          kept.push(member);
          answered.push(() => member.resolve(outcome.value));
        } else if (refusedAlone(outcome.reason, session)) {
          session.dropWrites();
          answered.push(() => member.reject(outcome.reason));
        } else {
          lost = true;
        }
      }
      if (lost) throw new PipelineAbandoned('a member of the commit group failed');
      await opening.commit();
    } catch {
      try {
        await opening.rollback();
      } catch {
        broken = true;
      }
      rerun = members;
      answered.length = 0;
    } finally {
      client.release(broken);
    }
    for (const answer of answered) answer();
    for (const member of rerun) this.alone(member.work).then(member.resolve, member.reject);
  }

  /** One transaction on a connection of its own, retried on conflicts. */
  private async alone<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    let pipelined = this.pipelining;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const session = new PostgresSession(new Wire(client, this.roundTripListeners), pipelined, this);
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

/**
 * A member's failure that leaves the group's transaction as it was: thrown by the work itself (a
 * refusal, not a database error), with no write of the member sent and none failed.
 */
function refusedAlone(reason: unknown, session: PostgresSession): boolean {
  if (session.sentWrites > 0 || session.failure !== undefined) return false;
  return !(reason instanceof PipelineAbandoned) && !(reason instanceof pg.DatabaseError);
}

/** Statements that change rows (a member that ran one cannot be refused alone). */
const CHANGES_ROWS = /^\s*(?:INSERT|UPDATE|DELETE)\b/i;
/** Savepoints nest per transaction: members of a group running at once would cross them. */
const SAVEPOINT_STATEMENT = /^\s*(?:SAVEPOINT|RELEASE|ROLLBACK\s+TO)\b/i;

const codeOf = (error: unknown): string | undefined => {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (typeof direct === 'string') return direct;
  if (error instanceof PipelineAbandoned) return codeOf(error.cause);
  return undefined;
};

type CorkableStream = NodeJS.WritableStream & { cork?(): void; uncork?(): void };

/**
 * One connection's outgoing side, shared by the sessions on it (one, or a group's members): the socket
 * stays corked until the event loop turns, and then every session's buffered writes and every statement
 * issued meanwhile leave in one write.
 */
class Wire {
  private corked = false;
  readonly sessions = new Set<PostgresSession>();
  /** Rows the group's members locked, by key, and which member did (see `SqlSession.claim`). */
  readonly claims = new Map<string, PostgresSession>();

  constructor(
    readonly client: pg.PoolClient,
    private readonly roundTripListeners: ReadonlySet<() => void>,
  ) {}

  cork(): void {
    if (this.corked) return;
    const stream = (this.client as unknown as { connection?: { stream?: CorkableStream } }).connection
      ?.stream;
    if (!stream?.cork || !stream.uncork) return;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      for (const session of this.sessions) session.flushWrites();
      this.corked = false;
      this.roundTrip();
      stream.uncork?.();
    });
  }

  roundTrip(): void {
    for (const listener of this.roundTripListeners) listener();
  }
}

/**
 * One transaction's statements on a connection (or one member's, in a group). Pipelined, every
 * statement goes out as soon as it is issued, and the statements issued until the process next waits
 * leave in one write: a read the caller waits on takes every write issued before it along.
 */
class PostgresSession implements SqlSession {
  readonly dialect = 'postgres' as const;
  /** The first failure of a write nobody waited for; the transaction is lost from there on. */
  failure: unknown;
  /** Writes of this session already sent: a member that has sent none can be refused alone. */
  sentWrites = 0;
  /** Writes not sent yet: they leave, merged, with the next read, the COMMIT or the turn of the loop. */
  private buffered: Array<{ sql: string; params: readonly SqlValue[] }> = [];

  constructor(
    private readonly wire: Wire,
    readonly pipelined: boolean,
    private readonly driver: { named(sql: string, params: readonly SqlValue[]): pg.QueryConfig },
    /** Set in a group: the member's name in conflicts. */
    private readonly grouped = false,
  ) {
    wire.sessions.add(this);
  }

  async begin(sql: string): Promise<void> {
    if (this.pipelined) this.send(sql, []);
    else await this.run(sql, []);
  }

  async commit(): Promise<void> {
    for (const session of this.wire.sessions) session.flushWrites();
    const done = await this.run('COMMIT', []);
    for (const session of this.wire.sessions) {
      if (session.failure !== undefined) throw new PipelineAbandoned('a write failed', session.failure);
    }
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
    if (this.grouped) this.checkGrouped(sql);
    this.wire.cork();
    this.buffered.push({ sql, params });
  }

  private checkGrouped(sql: string): void {
    if (SAVEPOINT_STATEMENT.test(sql)) {
      throw new PipelineAbandoned('a savepoint cannot run inside a commit group');
    }
  }

  claim(keys: readonly string[]): void {
    if (!this.grouped) return;
    for (const key of keys) {
      const holder = this.wire.claims.get(key);
      if (holder && holder !== this) {
        throw new PipelineAbandoned(`two transactions of one commit group touch ${key}`);
      }
      this.wire.claims.set(key, this);
    }
  }

  /** Drops writes not sent yet: a refused member's, or everything before a ROLLBACK. */
  dropWrites(): void {
    this.buffered = [];
  }

  /** Rolls back; writes still buffered are dropped, never sent after the ROLLBACK. */
  async rollback(): Promise<void> {
    for (const session of this.wire.sessions) session.dropWrites();
    await this.wire.client.query('ROLLBACK');
  }

  /**
   * Sends the buffered writes, each run of writes to distinct tables as one statement (data-modifying
   * WITH clauses): PostgreSQL pays per statement far more than per row here. Distinct tables only: the
   * parts of one statement see the same snapshot, so an UPDATE would miss a row an INSERT beside it
   * adds. Foreign keys are checked at the end of the statement, as they were at the end of each.
   */
  flushWrites(): void {
    const writes = this.buffered;
    if (writes.length === 0) return;
    this.buffered = [];
    this.sentWrites += writes.length;
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
    this.wire.cork();
    this.wire.client.query(this.driver.named(sql, params)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private async run(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    if (this.grouped) this.checkGrouped(sql);
    if (this.grouped && CHANGES_ROWS.test(sql)) this.sentWrites += 1;
    if (this.pipelined) {
      this.flushWrites();
      this.wire.cork();
    } else this.wire.roundTrip();
    try {
      return await this.wire.client.query(this.driver.named(sql, params));
    } catch (error) {
      // Behind a failed write every statement fails with "transaction aborted": report the cause.
      for (const session of this.wire.sessions) {
        if (session.failure !== undefined) throw new PipelineAbandoned('a write failed', session.failure);
      }
      throw error;
    }
  }
}
