import pg from 'pg';
import { LedgerError } from '../errors.ts';
import {
  numberedPlaceholders,
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

  constructor(options: PostgresOptions) {
    const schema = options.schema ? assertIdentifier(options.schema) : undefined;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: typeParsers,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next checkout reconnects.
    this.pool.on('error', () => undefined);
    this.isolation = options.isolation === 'serializable' ? 'SERIALIZABLE' : 'READ COMMITTED';
    this.maxAttempts = options.maxAttempts ?? 12;
    this.ready = schema
      ? this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).then(() => undefined)
      : Promise.resolve();
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(`BEGIN ISOLATION LEVEL ${this.isolation}`);
        const result = await work(this.session(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (error as { code?: string }).code;
        if (!code || !RETRYABLE.has(code)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new LedgerError(
            'CONFLICT_RETRIES_EXHAUSTED',
            `transaction still conflicting after ${attempt} attempts (${code}); lower contention or raise maxAttempts`,
            { sqlState: code },
          );
        }
      } finally {
        client.release(broken);
      }
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * A name per distinct statement: pg prepares it once per connection and then only binds, so the hot
   * path (a bet is some thirty statements) skips parsing and planning on every call.
   */
  private named(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
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

  private session(client: pg.PoolClient): SqlSession {
    return {
      dialect: 'postgres',
      query: async <T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> =>
        (await client.query(this.named(sql, params))).rows as T[],
      exec: async (sql: string, params: readonly SqlValue[] = []): Promise<number> =>
        (await client.query(this.named(sql, params))).rowCount ?? 0,
      script: async (sql: string): Promise<void> => {
        await client.query(sql);
      },
    };
  }
}
