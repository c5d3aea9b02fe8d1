import type { Ledger, LedgerTx } from '@croupier/ledger';
import { canonicalJson, sha256 } from './canonical.ts';

export interface AuditEntry {
  seq: bigint;
  at: string;
  actor: string;
  action: string;
  subject: string;
  data: unknown;
  prev_hash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry whose link or hash does not verify. */
  brokenAt?: bigint;
  reason?: string;
}

const GENESIS = '0'.repeat(64);
const AUDIT_LOCK = 0x0c0d;

const entryHash = (
  prev: string,
  e: { at: string; actor: string; action: string; subject: string; data: string },
) =>
  sha256(
    prev +
      canonicalJson({
        at: e.at,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        data: JSON.parse(e.data),
      }),
  );

/**
 * Appends a change (limits, RTP profile, jackpot config, switches) to the hash chain: each entry's
 * hash is sha256(previous hash + canonical JSON of the entry). Runs inside the change's transaction.
 */
export async function appendAudit(
  tx: LedgerTx,
  at: Date,
  entry: { actor?: string; action: string; subject: string; data: unknown },
): Promise<void> {
  // One writer at a time, or two processes would both chain from the same predecessor.
  if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const last = await tx.query<{ hash: string }>(`SELECT hash FROM wallet_audit ORDER BY seq DESC LIMIT 1`);
  const prev = last[0]?.hash ?? GENESIS;
  const row = {
    at: at.toISOString(),
    actor: entry.actor ?? 'admin',
    action: entry.action,
    subject: entry.subject,
    data: canonicalJson(entry.data ?? null),
  };
  await tx.exec(
    `INSERT INTO wallet_audit (at, actor, action, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [row.at, row.actor, row.action, row.subject, row.data, prev, entryHash(prev, row)],
  );
}

export async function auditLog(ledger: Ledger): Promise<AuditEntry[]> {
  const rows = await ledger.transaction((tx) =>
    tx.query<Omit<AuditEntry, 'data'> & { data: string }>(`SELECT * FROM wallet_audit ORDER BY seq`),
  );
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as unknown }));
}

/** Recomputes the chain from the first entry; any edited, removed or reordered entry breaks it. */
export async function verifyAuditChain(ledger: Ledger): Promise<AuditVerification> {
  const rows = await ledger.transaction((tx) =>
    tx.query<{
      seq: bigint;
      at: string;
      actor: string;
      action: string;
      subject: string;
      data: string;
      prev_hash: string;
      hash: string;
    }>(`SELECT * FROM wallet_audit ORDER BY seq`),
  );
  let prev = GENESIS;
  for (const row of rows) {
    if (row.prev_hash !== prev) {
      return {
        ok: false,
        entries: rows.length,
        brokenAt: row.seq,
        reason: `entry ${row.seq} does not link to its predecessor`,
      };
    }
    if (entryHash(prev, row) !== row.hash) {
      return {
        ok: false,
        entries: rows.length,
        brokenAt: row.seq,
        reason: `entry ${row.seq} was altered: its hash does not match`,
      };
    }
    prev = row.hash;
  }
  return { ok: true, entries: rows.length };
}
