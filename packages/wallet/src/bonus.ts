import type { LedgerTx } from '@croupier/ledger';
import { allocate, fromMinor, percentOf } from '@croupier/money';
import type { GameType, ResolvedConfig } from './config.ts';
import {
  balanceAfter,
  type BetRow,
  bonusAccount,
  cashAccount,
  houseOf,
  mintId,
  toWireMoney,
} from './context.ts';
import type { WalletEvent } from './events.ts';

export interface BonusRow {
  bonus_id: string;
  brand: string;
  player_id: string;
  currency: string;
  bonus_type: string;
  amount: bigint;
  wagering_required: bigint;
  wagered: bigint;
  max_bet: bigint | null;
  expires_at: string;
  state: 'active' | 'completed' | 'expired' | 'forfeited' | 'used_up';
  created_at: string;
}

/**
 * The player's active bonus, after expiring it when its deadline passed (expiry removes the
 * remaining bonus balance). Expiry events are appended to `events`.
 */
export async function activeBonus(
  tx: LedgerTx,
  brand: string,
  playerId: string,
  now: Date,
  events: WalletEvent[],
): Promise<BonusRow | null> {
  const rows = await tx.query<BonusRow>(
    `SELECT * FROM wallet_bonuses WHERE brand = ? AND player_id = ? AND state = 'active' ORDER BY created_at`,
    [brand, playerId],
  );
  let active: BonusRow | null = null;
  for (const bonus of rows) {
    if (bonus.expires_at <= now.toISOString()) events.push(...(await expireBonus(tx, bonus)));
    else active = bonus;
  }
  return active;
}

/** Ends a bonus past its deadline: its remaining bonus balance goes back to the house. */
export async function expireBonus(tx: LedgerTx, bonus: BonusRow): Promise<WalletEvent[]> {
  const { brand, player_id: playerId, currency } = bonus;
  const removed = await tx.balance({ ...bonusAccount(brand, playerId), currency });
  await tx.exec(`UPDATE wallet_bonuses SET state = 'expired' WHERE bonus_id = ?`, [bonus.bonus_id]);
  const events: WalletEvent[] = [];
  if (removed > 0n) {
    const transactionId = `${bonus.bonus_id}:expired`;
    await tx.postTransfers([
      {
        id: transactionId,
        debit: bonusAccount(brand, playerId),
        credit: houseOf(brand, 'bonus_fund'),
        amount: removed,
        currency,
        kind: 'bonus_forfeit',
      },
    ]);
    events.push({
      type: 'wallet.debit',
      playerId,
      payload: {
        transaction_id: transactionId,
        amount: toWireMoney(removed, currency),
        balance_after: await balanceAfter(tx, brand, playerId, currency),
        reason: 'bonus_forfeit',
      },
    });
  }
  events.push({
    type: 'bonus.consumed',
    playerId,
    payload: {
      bonus_id: bonus.bonus_id,
      reason: 'expired',
      converted: toWireMoney(0n, currency),
      removed: toWireMoney(removed, currency),
    },
  });
  return events;
}

/**
 * The credit rule: a win is split in proportion to how the stake was funded (largest remainder
 * to the bigger side). The bonus share goes to the bonus balance while the bet's bonus is still
 * active, and to cash otherwise (a won round is always paid, even after the bonus ended).
 */
export function splitWin(
  win: bigint,
  bet: Pick<BetRow, 'cash_part' | 'bonus_part'>,
  bonusActive: boolean,
  currency: string,
): { cash: bigint; bonus: bigint } {
  const stake = bet.cash_part + bet.bonus_part;
  if (win === 0n || bet.bonus_part === 0n || stake === 0n || !bonusActive) return { cash: win, bonus: 0n };
  const [toBonus, toCash] = allocate(fromMinor(win, currency), [bet.bonus_part, bet.cash_part]);
  return { cash: toCash?.minor ?? 0n, bonus: toBonus?.minor ?? 0n };
}

/**
 * Counts a finally settled bet towards its bonus's wagering (stake × contribution % of its game
 * type, floored). Completing the requirement converts the whole bonus balance to cash.
 */
export async function recordWagering(
  tx: LedgerTx,
  config: ResolvedConfig,
  bet: BetRow,
): Promise<WalletEvent[]> {
  if (!bet.bonus_id || !bet.currency) return [];
  const rows = await tx.query<BonusRow>(
    `SELECT * FROM wallet_bonuses WHERE bonus_id = ? AND state = 'active'`,
    [bet.bonus_id],
  );
  const bonus = rows[0];
  if (!bonus) return [];
  const gameType = (bet.game_type ?? config.defaultGameType) as GameType;
  const contributionBps = config.wageringContributionBps[gameType] ?? 0;
  const contributed = percentOf(fromMinor(bet.amount, bet.currency), contributionBps).minor;
  const wagered = bonus.wagered + contributed;
  const completed = wagered >= bonus.wagering_required;
  const { brand, player_id: playerId, currency } = bonus;
  await tx.exec(`UPDATE wallet_bonuses SET wagered = ?, state = ? WHERE bonus_id = ?`, [
    wagered,
    completed ? 'completed' : 'active',
    bonus.bonus_id,
  ]);
  const events: WalletEvent[] = [
    {
      type: 'wager.progress.updated',
      playerId,
      payload: {
        bonus_id: bonus.bonus_id,
        bet_id: bet.bet_id,
        round_id: bet.round_id,
        game_type: gameType,
        contributed: toWireMoney(contributed, currency),
        wagered: toWireMoney(wagered, currency),
        required: toWireMoney(bonus.wagering_required, currency),
        contribution_percent: Math.round(contributionBps / 100),
        completed,
      },
    },
  ];
  if (completed) {
    const converted = await tx.balance({ ...bonusAccount(brand, playerId), currency });
    const transactionId = `${bonus.bonus_id}:converted`;
    await tx.postTransfers([
      {
        id: transactionId,
        debit: bonusAccount(brand, playerId),
        credit: cashAccount(brand, playerId),
        amount: converted,
        currency,
        kind: 'bonus_conversion',
      },
    ]);
    events.push(
      {
        type: 'bonus.consumed',
        playerId,
        payload: {
          bonus_id: bonus.bonus_id,
          reason: 'wagering_completed',
          converted: toWireMoney(converted, currency),
        },
      },
      {
        type: 'wallet.credit',
        playerId,
        payload: {
          transaction_id: transactionId,
          amount: toWireMoney(converted, currency),
          balance_after: await balanceAfter(tx, brand, playerId, currency),
          reason: 'bonus_conversion',
        },
      },
    );
  }
  return events;
}

/** Marks an active bonus used up when its balance is spent and no bonus-funded bet is still open. */
export async function checkUsedUp(tx: LedgerTx, bonusId: string): Promise<WalletEvent[]> {
  const rows = await tx.query<BonusRow>(
    `SELECT * FROM wallet_bonuses WHERE bonus_id = ? AND state = 'active'`,
    [bonusId],
  );
  const bonus = rows[0];
  if (!bonus) return [];
  const left = await tx.balance({ ...bonusAccount(bonus.brand, bonus.player_id), currency: bonus.currency });
  if (left > 0n) return [];
  const open = await tx.query(
    `SELECT 1 FROM wallet_bets WHERE bonus_id = ? AND bonus_part > 0 AND state IN ('authorized', 'partially_settled')`,
    [bonusId],
  );
  if (open.length > 0) return [];
  await tx.exec(`UPDATE wallet_bonuses SET state = 'used_up' WHERE bonus_id = ?`, [bonusId]);
  return [
    {
      type: 'bonus.consumed',
      playerId: bonus.player_id,
      payload: { bonus_id: bonusId, reason: 'used_up', converted: toWireMoney(0n, bonus.currency) },
    },
  ];
}

export interface IssueBonusInput {
  brand: string;
  player_id: string;
  /** Decimal string in the player's currency. */
  amount: string;
  bonus_type?: 'deposit_match' | 'no_deposit' | 'freespins' | 'cashback' | 'other';
  /** Wagering requirement = multiplier × amount (default from the config). */
  wagering_multiplier?: number;
  /** Largest stake while the bonus is active (decimal string). */
  max_bet?: string;
  /** RFC 3339 deadline (default: now + the configured bonus TTL). */
  expires_at?: string;
  bonus_id?: string;
}

export const newBonusId = () => mintId('bn');
