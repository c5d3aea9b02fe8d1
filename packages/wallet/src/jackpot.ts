import type { LedgerTx } from '@croupier/ledger';

/** Share of each stake (basis points) fed to the brand's jackpot for this game; `*` is the brand default. */
export async function jackpotContributionBps(tx: LedgerTx, brand: string, gameId: string): Promise<number> {
  const rows = await tx.query<{ game_id: string; basis_points: bigint }>(
    `SELECT game_id, basis_points FROM wallet_jackpot_config WHERE brand = ? AND game_id IN (?, '*')`,
    [brand, gameId],
  );
  const exact = rows.find((r) => r.game_id === gameId) ?? rows.find((r) => r.game_id === '*');
  return exact ? Number(exact.basis_points) : 0;
}
