import type { LedgerTx } from '@croupier/ledger';

/**
 * Operator switches live in the database so every wallet process sharing it obeys them.
 * Names: `new_sessions_stopped` (all brands) or `new_sessions_stopped:<brand>`, and `degraded`.
 */
export interface Switches {
  newSessionsStopped: boolean;
  degraded: boolean;
}

export async function readSwitches(tx: LedgerTx, brand: string): Promise<Switches> {
  const rows = await tx.query<{ name: string; value: string }>(
    `SELECT name, value FROM wallet_switches WHERE name IN (?, ?, ?)`,
    ['new_sessions_stopped', `new_sessions_stopped:${brand}`, 'degraded'],
  );
  const on = (name: string) => rows.some((r) => r.name === name && r.value === 'on');
  return {
    newSessionsStopped: on('new_sessions_stopped') || on(`new_sessions_stopped:${brand}`),
    degraded: on('degraded'),
  };
}

export async function writeSwitch(tx: LedgerTx, name: string, on: boolean, at: Date): Promise<void> {
  await tx.exec(
    `INSERT INTO wallet_switches (name, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [name, on ? 'on' : 'off', at.toISOString()],
  );
}
