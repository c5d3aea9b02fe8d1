import { type CurrencyAccountRef, houseMayGoNegative } from './accounts.ts';
import { Outbox } from './outbox.ts';
import { ledgerMigrations, type Migration, migrationsTable } from './schema.ts';
import type { Dialect, SqlSession, StorageDriver, TransactionOptions } from './storage/driver.ts';
import { PostgresDriver } from './storage/postgres.ts';
import { type GroupCommitOptions, SqliteDriver } from './storage/sqlite.ts';
import { type LedgerContext, LedgerTx } from './transaction.ts';
import type { TotalsReport } from './types.ts';

export interface OpenLedgerOptions {
  /** PostgreSQL connection string (e.g. from DATABASE_URL). When set, `file` is ignored. */
  url?: string;
  /** SQLite file (created when missing). ':memory:' for a throwaway store. */
  file?: string;
  /** PostgreSQL only: put every table in this schema (created when missing). */
  schema?: string;
  /** PostgreSQL only: pool size of this process (default 10). */
  poolSize?: number;
  /** PostgreSQL only: default 'read committed' with row locks. */
  isolation?: 'read committed' | 'serializable';
  /** Overdraft rule for accounts opened on first use. Default: only `house` accounts may go negative. */
  mayGoNegative?: (account: CurrencyAccountRef) => boolean;
  /** Apply the ledger's own migrations on open (default true). */
  migrate?: boolean;
  /** SQLite only: how concurrent transactions share commits (default: a 2 ms window). */
  groupCommit?: GroupCommitOptions;
  /** PostgreSQL only: transactions of distinct partitions sharing one commit (default on); see PostgresOptions. */
  commitGroups?: false | { maxTransactions?: number };
}

/**
 * The largest amount and balance, identical on both stores: what SQLite's INTEGER and
 * PostgreSQL's BIGINT hold. PostgreSQL's NUMERIC columns could hold more, but a ledger whose
 * limits depend on its store answers the same request differently on each.
 */
export const LEDGER_MAX_MINOR = 2n ** 63n - 1n;
const MIGRATION_LOCK = 0x0c0c;

export class Ledger {
  readonly outbox: Outbox;
  private readonly context: LedgerContext;
  private readonly statementListeners = new Set<(sql: string) => void>();

  constructor(
    private readonly driver: StorageDriver,
    mayGoNegative: (account: CurrencyAccountRef) => boolean = houseMayGoNegative,
  ) {
    this.outbox = new Outbox(driver);
    this.context = {
      mayGoNegative,
      accounts: new Map(),
      maxAmount: LEDGER_MAX_MINOR,
      maxBalance: LEDGER_MAX_MINOR,
    };
  }

  get dialect(): Dialect {
    return this.driver.dialect;
  }

  /** The largest balance an account that may not go negative may reach. */
  get maxBalance(): bigint {
    return this.context.maxBalance;
  }

  /**
   * Lowers the largest balance of every account that may not go negative (players); a transfer
   * set that would pass it is refused with `BALANCE_LIMIT` and writes nothing. Never raises it.
   */
  limitBalances(max: bigint): void {
    if (max > 0n && max < this.context.maxBalance) this.context.maxBalance = max;
  }

  /**
   * Runs `work` in one database transaction with ledger operations and your own SQL.
   * Commits when `work` resolves, rolls back when it throws. On PostgreSQL `work` may be rerun
   * after a serialization failure or deadlock: keep side effects (HTTP, logs that matter) outside.
   * Do not nest: on SQLite a transaction started inside another waits for it forever.
   * `partition` (a player, say) lets PostgreSQL run it in one commit with concurrent transactions of
   * other partitions; see TransactionOptions.
   */
  async transaction<T>(work: (tx: LedgerTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    let committed: LedgerTx | undefined;
    const result = await this.driver.transaction(async (session) => {
      const tx = new LedgerTx(this.observed(session), this.context);
      const value = await work(tx);
      committed = tx;
      return value;
    }, options);
    if (committed) {
      for (const [label, info] of committed.createdAccounts) this.context.accounts.set(label, info);
      if (committed.enqueuedEvents > 0) this.outbox.notifyEnqueued();
    }
    return result;
  }

  /**
   * Calls `listener` with every statement a transaction of this ledger runs (not BEGIN/COMMIT): what
   * the statement-budget tests count, and a hook for query logging. Returns the unsubscribe.
   */
  onStatement(listener: (sql: string) => void): () => void {
    this.statementListeners.add(listener);
    return () => this.statementListeners.delete(listener);
  }

  /**
   * Calls `listener` each time a transaction of this ledger waits on the database server (BEGIN and
   * COMMIT included): what the PostgreSQL budget counts. Never called on SQLite, which is in-process.
   */
  onRoundTrip(listener: () => void): () => void {
    return this.driver.onRoundTrip?.(listener) ?? (() => undefined);
  }

  private observed(session: SqlSession): SqlSession {
    if (this.statementListeners.size === 0) return session;
    const tell = (sql: string) => {
      for (const listener of this.statementListeners) listener(sql);
    };
    return {
      dialect: session.dialect,
      query: (sql, params) => {
        tell(sql);
        return session.query(sql, params);
      },
      exec: (sql, params) => {
        tell(sql);
        return session.exec(sql, params);
      },
      script: (sql) => {
        tell(sql);
        return session.script(sql);
      },
      write: (sql, params) => {
        tell(sql);
        return session.write(sql, params);
      },
      pipelined: session.pipelined,
      claim: session.claim?.bind(session),
    };
  }

  /**
   * Applies the ledger's migrations, then `extra` in order, each once (recorded by id in
   * `ledger_migrations`). Safe to call from several processes at once.
   * Returns the ids applied by this call.
   */
  async migrate(extra: readonly Migration[] = []): Promise<string[]> {
    const applied: string[] = [];
    for (const migration of [...ledgerMigrations, ...extra]) {
      const ran = await this.driver.transaction(async (s) => {
        await s.script(migrationsTable);
        if (s.dialect === 'postgres') await s.exec(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
        const done = await s.query(`SELECT id FROM ledger_migrations WHERE id = ?`, [migration.id]);
        if (done.length > 0) return false;
        await s.script(s.dialect === 'postgres' ? migration.postgres : migration.sqlite);
        await s.exec(`INSERT INTO ledger_migrations (id, applied_at) VALUES (?, ?)`, [
          migration.id,
          new Date().toISOString(),
        ]);
        return true;
      });
      if (ran) applied.push(migration.id);
    }
    return applied;
  }

  /** Balance of one account in its own short transaction. */
  async balance(account: CurrencyAccountRef): Promise<bigint> {
    return this.transaction((tx) => tx.balance(account));
  }

  /**
   * Recomputes everything from the append-only entries: each currency sums to zero, each
   * maintained balance equals the sum of its entries, no non-negative account is negative,
   * and each held account holds exactly what its open holds still hold.
   */
  async verifyTotals(): Promise<TotalsReport> {
    return this.driver.transaction(async (s) => {
      const currencies = await s.query<{ currency: string; sum: bigint }>(
        `SELECT currency, COALESCE(SUM(amount), 0) AS sum FROM ledger_entries GROUP BY currency ORDER BY currency`,
      );
      const balanceMismatches = await s.query<{
        owner: string;
        kind: string;
        currency: string;
        balance: bigint;
        entries: bigint;
      }>(
        `SELECT a.owner, a.kind, a.currency, b.balance, COALESCE(e.total, 0) AS entries
         FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
         LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM ledger_entries GROUP BY account_id) e
           ON e.account_id = a.id
         WHERE b.balance <> COALESCE(e.total, 0) ORDER BY a.id`,
      );
      const negativeBalances = await s.query<{
        owner: string;
        kind: string;
        currency: string;
        balance: bigint;
      }>(
        `SELECT a.owner, a.kind, a.currency, b.balance FROM ledger_accounts a
         JOIN ledger_balances b ON b.account_id = a.id WHERE b.balance < 0 ORDER BY a.id`,
      );
      const heldMismatches = await s.query<{
        owner: string;
        kind: string;
        currency: string;
        balance: bigint;
        openHolds: bigint;
      }>(
        `SELECT a.owner, a.kind, a.currency, b.balance, h.open AS "openHolds"
         FROM (SELECT held_account_id,
                 SUM(CASE WHEN state = 'pending' THEN amount - posted - voided ELSE 0 END) AS open
               FROM ledger_pending GROUP BY held_account_id) h
         JOIN ledger_accounts a ON a.id = h.held_account_id JOIN ledger_balances b ON b.account_id = a.id
         WHERE b.balance <> h.open ORDER BY a.id`,
      );
      const ok =
        currencies.every((c) => BigInt(c.sum) === 0n) &&
        balanceMismatches.length === 0 &&
        negativeBalances.length === 0 &&
        heldMismatches.length === 0;
      return { ok, currencies, balanceMismatches, negativeBalances, heldMismatches };
    });
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/**
 * Opens the ledger on PostgreSQL when `url` is given, else on the SQLite `file`.
 * Both stores offer the same async API and behaviour.
 */
export async function openLedger(options: OpenLedgerOptions): Promise<Ledger> {
  let driver: StorageDriver;
  if (options.url) {
    driver = new PostgresDriver({
      url: options.url,
      schema: options.schema,
      poolSize: options.poolSize,
      isolation: options.isolation,
      commitGroups: options.commitGroups,
    });
  } else if (options.file) {
    driver = new SqliteDriver({ file: options.file, groupCommit: options.groupCommit });
  } else {
    throw new Error('openLedger needs `url` (PostgreSQL, e.g. DATABASE_URL) or `file` (SQLite path)');
  }
  const ledger = new Ledger(driver, options.mayGoNegative);
  if (options.migrate !== false) {
    try {
      await ledger.migrate();
    } catch (error) {
      await ledger.close();
      throw error;
    }
  }
  return ledger;
}
