import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { EventEnvelope, Fact, FactTable } from './facts.ts';
import { factOf } from './facts.ts';

export interface ReportingStoreOptions {
  /** A DuckDB file to keep the facts across restarts; default in memory. */
  file?: string;
}

export interface RecordOutcome {
  /** false when the event id was already stored: a redelivery, which changes nothing. */
  landed: boolean;
  /** occurred_at → row landing, in ms (0 for a redelivery: its first landing counted). */
  lagMs: number;
}

// Every fact table shares these columns; amounts are BIGINT minor units (the wire's money
// schema caps a minor amount at 2^63 - 1, as @croupier/money does), sums are read as HUGEINT.
// Times are epoch ms (window arithmetic) plus the UTC business date the daily report groups on,
// so no session time zone can move an event to another day.
const COMMON = `
  event_id VARCHAR NOT NULL,
  brand VARCHAR NOT NULL,
  region VARCHAR NOT NULL,
  player_id VARCHAR NOT NULL,
  trace_id VARCHAR NOT NULL,
  occurred_at VARCHAR NOT NULL,
  occurred_ms BIGINT NOT NULL,
  business_date DATE NOT NULL,
  currency VARCHAR NOT NULL,
  amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0)`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS received_events (
  event_id VARCHAR PRIMARY KEY,
  event_type VARCHAR NOT NULL,
  schema_version VARCHAR NOT NULL,
  brand VARCHAR NOT NULL,
  player_id VARCHAR NOT NULL,
  trace_id VARCHAR NOT NULL,
  occurred_ms BIGINT NOT NULL,
  landed_ms BIGINT NOT NULL,
  lag_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS bets (${COMMON},
  bet_id VARCHAR NOT NULL, round_id VARCHAR NOT NULL, game_id VARCHAR);
CREATE TABLE IF NOT EXISTS wins (${COMMON},
  bet_id VARCHAR, round_id VARCHAR NOT NULL, stake_minor BIGINT NOT NULL, win_type VARCHAR NOT NULL,
  final BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS rollbacks (${COMMON},
  bet_id VARCHAR NOT NULL, round_id VARCHAR NOT NULL, tombstone BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS bonuses_issued (${COMMON},
  bonus_id VARCHAR NOT NULL, bonus_type VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS bonuses_consumed (${COMMON},
  bonus_id VARCHAR NOT NULL, reason VARCHAR NOT NULL, removed_minor BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS wallet_movements (${COMMON},
  direction VARCHAR NOT NULL CHECK (direction IN ('credit', 'debit')), reason VARCHAR NOT NULL,
  transaction_id VARCHAR NOT NULL, bet_id VARCHAR);
`;

export const FACT_TABLES: readonly FactTable[] = [
  'bets',
  'wins',
  'rollbacks',
  'bonuses_issued',
  'bonuses_consumed',
  'wallet_movements',
];

/**
 * The analytics store: DuckDB, fed only from the event stream, never from the wallet's OLTP
 * database. Each event is written once, keyed by event_id, inside one DuckDB transaction with
 * its fact row, so a redelivered event (at-least-once relay, consumer restart) changes nothing.
 */
export class ReportingStore {
  // One connection, one statement at a time: a DuckDB connection runs one statement at a time,
  // and a prepared statement's bindings must not be overwritten while it runs.
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, DuckDBPreparedStatement>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: ReportingStoreOptions = {}): Promise<ReportingStore> {
    const instance = await DuckDBInstance.create(options.file ?? ':memory:');
    const connection = await instance.connect();
    await connection.run(SCHEMA);
    return new ReportingStore(instance, connection);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Rows as plain JS values (BIGINT/HUGEINT as bigint, DATE as 'YYYY-MM-DD' via ::VARCHAR). */
  query<T = Record<string, unknown>>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return this.exclusive(async () => {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    });
  }

  private async prepared(sql: string): Promise<DuckDBPreparedStatement> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = await this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Stores an event (and its fact) unless its id is already there. `landedAt` is the consumer's
   * clock when the row is written: the lag it yields is what a report reader would see.
   *
   * One transaction: the receipt (primary key event_id, nothing on conflict) decides; only when it
   * landed is the fact written, so fact tables need no unique index of their own (DuckDB's
   * per-row index upkeep is what single-row inserts pay for most).
   */
  record(event: EventEnvelope, landedAt: () => Date): Promise<RecordOutcome> {
    const occurredMs = Date.parse(event.occurred_at);
    if (Number.isNaN(occurredMs)) throw new Error(`EVENT_TIME_INVALID: occurred_at "${event.occurred_at}"`);
    const fact = factOf(event);
    return this.exclusive(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const landedMs = landedAt().getTime();
        const lagMs = Math.max(0, landedMs - occurredMs);
        const receipt = await this.prepared(
          `INSERT INTO received_events VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        );
        receipt.bind([
          event.event_id,
          event.event_type,
          event.schema_version,
          event.tenant_id,
          event.player_id,
          event.trace_id,
          BigInt(occurredMs),
          BigInt(landedMs),
          BigInt(lagMs),
        ]);
        if ((await receipt.run()).rowsChanged === 0) {
          await this.connection.run('ROLLBACK');
          return { landed: false, lagMs: 0 };
        }
        if (fact) await this.insertFact(fact, occurredMs);
        await this.connection.run('COMMIT');
        return { landed: true, lagMs };
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private async insertFact(fact: Fact, occurredMs: number): Promise<void> {
    const iso = new Date(occurredMs).toISOString();
    const row: Record<string, DuckDBValue> = {
      ...fact.row,
      occurred_at: iso,
      occurred_ms: BigInt(occurredMs),
    };
    const columns = Object.keys(row);
    const placeholders = columns.map((_, i) => `$${i + 1}`);
    // business_date: the UTC day of occurred_at, the day the daily report files the event under.
    const statement = await this.prepared(
      `INSERT INTO ${fact.table} (${columns.join(', ')}, business_date)
       VALUES (${placeholders.join(', ')}, CAST($${columns.length + 1} AS DATE))`,
    );
    statement.bind([...columns.map((c) => row[c] ?? null), iso.slice(0, 10)]);
    await statement.run();
  }

  /** How many distinct events landed (each event id once). */
  async receivedCount(): Promise<number> {
    const rows = await this.query<{ n: bigint }>(`SELECT count(*) AS n FROM received_events`);
    return Number(rows[0]?.n ?? 0n);
  }

  /** Whether an event id has landed. */
  async hasEvent(eventId: string): Promise<boolean> {
    const rows = await this.query(`SELECT 1 FROM received_events WHERE event_id = $1`, [eventId]);
    return rows.length > 0;
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
