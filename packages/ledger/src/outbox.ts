import type { SqlSession, StorageDriver } from './storage/driver.ts';
import type { OutboxRow } from './types.ts';

/**
 * Publishes claimed rows and answers which ones the transport acknowledged (by seq).
 * Throwing marks nothing: every claimed row will be offered again (at-least-once).
 */
export type PublishRows = (rows: readonly OutboxRow[]) => Promise<readonly bigint[]>;

export interface ClaimResult {
  claimed: number;
  published: number;
}

// Namespace of the per-partition advisory locks, so they never collide with the caller's own.
const PARTITION_LOCK_SPACE = 0x0c0b;

const fromRow = (r: Record<string, unknown>): OutboxRow => ({
  seq: r.seq as bigint,
  eventId: String(r.event_id),
  subject: String(r.subject),
  partitionKey: String(r.partition_key),
  payload: String(r.payload),
  headers: JSON.parse(String(r.headers)) as Record<string, string>,
  createdAt: String(r.created_at),
  publishedAt: (r.published_at as string | null) ?? null,
});

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The ledger's side of the transactional outbox: rows written by `tx.enqueueEvent`, claimed by a
 * relay, marked published only after the transport acknowledged them.
 */
export class Outbox {
  private readonly listeners = new Set<() => void>();
  private sqliteClaim: Promise<unknown> = Promise.resolve();

  constructor(private readonly driver: StorageDriver) {}

  /** Called after every commit of this process that enqueued events (lets a relay skip its poll wait). */
  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyEnqueued(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Claims up to `limit` unpublished rows in seq order and hands them to `publish`.
   * On PostgreSQL a partition (player) is claimed by one relay at a time (advisory lock held until
   * the marks commit) and rows are taken `FOR UPDATE SKIP LOCKED`, so any number of relays may run
   * without reordering a partition. On SQLite one claim runs at a time per process; rows are read
   * and marked in two short transactions so publishing never holds the write lock.
   */
  async claim(limit: number, publish: PublishRows): Promise<ClaimResult> {
    if (this.driver.dialect === 'postgres') return this.claimPostgres(limit, publish);
    const run = () => this.claimSqlite(limit, publish);
    const next = this.sqliteClaim.then(run, run);
    this.sqliteClaim = next.catch(() => undefined);
    return next;
  }

  /** Rows in seq order, for reconciliation and tests. */
  async list(
    options: { afterSeq?: bigint; limit?: number; unpublishedOnly?: boolean } = {},
  ): Promise<OutboxRow[]> {
    return this.driver.transaction(async (s) =>
      (
        await s.query(
          `SELECT * FROM ledger_outbox WHERE seq > ?${options.unpublishedOnly ? ' AND published_at IS NULL' : ''}
           ORDER BY seq LIMIT ?`,
          [options.afterSeq ?? 0n, options.limit ?? 1000],
        )
      ).map(fromRow),
    );
  }

  /** How many rows wait for publication. */
  async unpublishedCount(): Promise<number> {
    return this.driver.transaction(async (s) => {
      const rows = await s.query<{ n: bigint }>(
        `SELECT COUNT(*) AS n FROM ledger_outbox WHERE published_at IS NULL`,
      );
      return Number(rows[0]?.n ?? 0n);
    });
  }

  private async claimSqlite(limit: number, publish: PublishRows): Promise<ClaimResult> {
    const rows = await this.driver.transaction(async (s) =>
      (
        await s.query(`SELECT * FROM ledger_outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?`, [limit])
      ).map(fromRow),
    );
    if (rows.length === 0) return { claimed: 0, published: 0 };
    const published = await publish(rows);
    if (published.length > 0) await this.driver.transaction((s) => markPublished(s, published));
    return { claimed: rows.length, published: published.length };
  }

  private async claimPostgres(limit: number, publish: PublishRows): Promise<ClaimResult> {
    return this.driver.transaction(async (s) => {
      // The partitions of the oldest unpublished rows, read off the pending index: bounded by the
      // batch, whatever the backlog (grouping every unpublished row by partition was O(backlog)).
      const oldest = await s.query<{ partition_key: string }>(
        `SELECT partition_key FROM ledger_outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?`,
        [limit],
      );
      const keys = [...new Set(oldest.map((r) => r.partition_key))];
      if (keys.length === 0) return { claimed: 0, published: 0 };
      const mine = await s.query<{ k: string }>(
        `SELECT k FROM (VALUES ${keys.map(() => '(?::text)').join(', ')}) AS t(k)
         WHERE pg_try_advisory_xact_lock(${PARTITION_LOCK_SPACE}, hashtext(k))`,
        keys,
      );
      if (mine.length === 0) return { claimed: 0, published: 0 };
      const rows = (
        await s.query(
          `SELECT * FROM ledger_outbox WHERE published_at IS NULL AND partition_key IN (${list(mine.length)})
           ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED`,
          [...mine.map((m) => m.k), limit],
        )
      ).map(fromRow);
      if (rows.length === 0) return { claimed: 0, published: 0 };
      const published = await publish(rows);
      if (published.length > 0) await markPublished(s, published);
      return { claimed: rows.length, published: published.length };
    });
  }
}

async function markPublished(s: SqlSession, seqs: readonly bigint[]): Promise<void> {
  const at = new Date().toISOString();
  for (let i = 0; i < seqs.length; i += 500) {
    const chunk = seqs.slice(i, i + 500);
    await s.exec(`UPDATE ledger_outbox SET published_at = ? WHERE seq IN (${list(chunk.length)})`, [
      at,
      ...chunk,
    ]);
  }
}
