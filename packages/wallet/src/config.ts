import { basisPointsOf, isMoneyError } from '@croupier/money';

export type GameType = 'slots' | 'table' | 'live' | 'crash' | 'other';

export interface WalletConfig {
  /** Lifetime of a new session (default 3600 s). */
  sessionTtlSeconds?: number;
  /** How long idempotency keys and their stored responses are kept (default 7 days); see `purgeIdempotencyKeys`. */
  idempotencyRetentionSeconds?: number;
  /** Minutes of play between two `rg.reality_check` events when the player's profile sets none (default 60). */
  realityCheckMinutes?: number;
  /** Share (percent, 0–100) of a stake counted towards bonus wagering, per game type. */
  wageringContribution?: Partial<Record<GameType, number>>;
  /** Game type assumed when an authorize names none (default `slots`). */
  defaultGameType?: GameType;
  /** Wagering requirement of a bonus issued without one: this many times its amount (default 30). */
  defaultWageringMultiplier?: number;
  /** Lifetime of a bonus issued without `expires_at` (default 30 days). */
  bonusTtlSeconds?: number;
  /** Platform version reported by `/health` (default: the contract's `info.version`). */
  version?: string;
}

export type ResolvedConfig = Required<Omit<WalletConfig, 'wageringContribution' | 'version'>> & {
  /** The wagering shares as whole basis points, parsed once, so stakes are multiplied by integers only. */
  wageringContributionBps: Record<GameType, number>;
  version: string | undefined;
};

export const DEFAULT_WAGERING_CONTRIBUTION: Record<GameType, number> = {
  slots: 100,
  crash: 50,
  table: 10,
  live: 10,
  other: 0,
};

export function resolveConfig(config: WalletConfig = {}): ResolvedConfig {
  return {
    sessionTtlSeconds: config.sessionTtlSeconds ?? 3600,
    idempotencyRetentionSeconds: config.idempotencyRetentionSeconds ?? 7 * 24 * 3600,
    realityCheckMinutes: config.realityCheckMinutes ?? 60,
    wageringContributionBps: Object.fromEntries(
      Object.entries({ ...DEFAULT_WAGERING_CONTRIBUTION, ...config.wageringContribution }).map(
        ([game, percent]) => [game, percentToBasisPoints(String(percent))],
      ),
    ) as Record<GameType, number>,
    defaultGameType: config.defaultGameType ?? 'slots',
    defaultWageringMultiplier: config.defaultWageringMultiplier ?? 30,
    bonusTtlSeconds: config.bonusTtlSeconds ?? 30 * 24 * 3600,
    version: config.version,
  };
}

/**
 * "1.5" → 150 basis points, read by `@croupier/money` (never float arithmetic). The jackpot share and
 * the wagering contributions both go through here; the `INVALID_PERCENT:` prefix is how the back office
 * and the sandbox tell the caller's mistake from a crash.
 */
export function percentToBasisPoints(percent: string): number {
  try {
    return basisPointsOf(percent);
  } catch (error) {
    if (isMoneyError(error)) throw new Error(`INVALID_PERCENT: ${error.message}`);
    throw error;
  }
}
