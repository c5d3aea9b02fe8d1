import type { LedgerTx } from '@croupier/ledger';
import { parseAmount } from '@croupier/money';
import { type PlayerRow, type SessionRow, toWireMoney, type WireMoney } from './context.ts';

export type LossPeriod = 'day' | 'week' | 'month';

/** A player's responsible-gaming settings; loss limits are decimal strings in the player's currency. */
export interface RgProfile {
  self_excluded?: boolean;
  loss_limits?: Partial<Record<LossPeriod, string>>;
  /** A session may be played this long; later bets are refused with `time_limit`. */
  session_time_limit_minutes?: number;
  /** Minutes of play between two `rg.reality_check` events (default from the wallet config). */
  reality_check_minutes?: number;
}

export type RgReason = 'self_exclusion' | 'loss_limit' | 'time_limit';

export interface RgVerdict {
  blocked?: {
    reason: RgReason;
    message: string;
    /** `rg.limit.hit` payload (without the bet fields the caller adds). */
    payload: Record<string, unknown>;
  };
  lossLimitRemaining?: WireMoney;
  sessionTimeLeftSeconds?: number;
}

export async function loadRgProfile(tx: LedgerTx, brand: string, playerId: string): Promise<RgProfile> {
  const rows = await tx.query<{ profile: string }>(
    `SELECT profile FROM wallet_rg_limits WHERE brand = ? AND player_id = ?`,
    [brand, playerId],
  );
  return rows[0] ? (JSON.parse(rows[0].profile) as RgProfile) : {};
}

/** Calendar periods in UTC: the day since midnight, the ISO week since Monday, the month since the 1st. */
export function periodStart(now: Date, period: LossPeriod): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (period === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (period === 'month') d.setUTCDate(1);
  return d;
}

/** Net loss (stakes minus wins) of bets placed since `since`, rolled-back bets excluded; negative when up. */
export async function netLossSince(
  tx: LedgerTx,
  brand: string,
  playerId: string,
  since: Date,
): Promise<bigint> {
  const rows = await tx.query<{ staked: bigint | null; won: bigint | null }>(
    `SELECT SUM(amount) AS staked, SUM(won) AS won FROM wallet_bets
     WHERE brand = ? AND player_id = ? AND created_at >= ? AND state <> 'rolled_back'`,
    [brand, playerId, since.toISOString()],
  );
  // BigInt(): a sum past 64 bits arrives from SQLite as a decimal string (see the ledger's exactSum).
  return BigInt(rows[0]?.staked ?? 0n) - BigInt(rows[0]?.won ?? 0n);
}

/**
 * Checks, in order, self-exclusion, the session time limit and the loss limits (day, week, month)
 * for a stake of `stake` minor units. Computed from the bets table, inside the caller's transaction.
 */
export async function evaluateRg(
  tx: LedgerTx,
  input: { player: PlayerRow; profile: RgProfile; session?: SessionRow | null; stake?: bigint; now: Date },
): Promise<RgVerdict> {
  const { player, profile, session, now } = input;
  const stake = input.stake ?? 0n;
  const verdict: RgVerdict = {};
  if (profile.self_excluded) {
    verdict.blocked = {
      reason: 'self_exclusion',
      message: `player ${player.player_id} is self-excluded; no play until the exclusion ends`,
      payload: { reason: 'self_exclusion' },
    };
    return verdict;
  }
  if (session && profile.session_time_limit_minutes !== undefined) {
    const playedMs = now.getTime() - Date.parse(session.created_at);
    const leftMs = profile.session_time_limit_minutes * 60_000 - playedMs;
    verdict.sessionTimeLeftSeconds = Math.max(0, Math.floor(leftMs / 1000));
    if (leftMs <= 0) {
      verdict.blocked = {
        reason: 'time_limit',
        message: `session ${session.session_id} reached the ${profile.session_time_limit_minutes}-minute time limit`,
        payload: {
          reason: 'time_limit',
          limit_minutes: profile.session_time_limit_minutes,
          period: 'session',
        },
      };
      return verdict;
    }
  }
  let remaining: bigint | undefined;
  for (const period of ['day', 'week', 'month'] as const) {
    const limitText = profile.loss_limits?.[period];
    if (limitText === undefined) continue;
    const limit = parseAmount(limitText, player.currency).minor;
    const loss = await netLossSince(tx, player.brand, player.player_id, periodStart(now, period));
    const left = limit - (loss > 0n ? loss : 0n);
    remaining = remaining === undefined || left < remaining ? left : remaining;
    if (loss + stake > limit) {
      verdict.blocked = {
        reason: 'loss_limit',
        message: `the ${period} loss limit ${limitText} ${player.currency} would be exceeded by this stake`,
        payload: { reason: 'loss_limit', limit: toWireMoney(limit, player.currency), period },
      };
    }
  }
  if (remaining !== undefined) {
    verdict.lossLimitRemaining = toWireMoney(remaining > 0n ? remaining : 0n, player.currency);
  }
  return verdict;
}
