/**
 * The seeded test players and the RG test profiles. The players are the wallet's sandbox seed
 * (`SANDBOX_PLAYERS`): one list, so the console, `GET /sandbox/players`, the banner and `reset`
 * always name the same players.
 */
import { type RgProfile, SANDBOX_PLAYERS } from '@croupier/wallet';

export interface TestPlayer {
  player_id: string;
  currency: string;
  /** What a provider can try with this player. */
  purpose: string;
}

export const TEST_PLAYERS: readonly TestPlayer[] = SANDBOX_PLAYERS.map(
  ({ player_id, currency, purpose }) => ({
    player_id,
    currency,
    purpose,
  }),
);

/** Named RG profiles for `PUT /sandbox/players/{id}/rg {"profile": "<name>"}`. */
export const RG_TEST_PROFILES: Record<string, RgProfile> = {
  clear: {},
  self_excluded: { self_excluded: true },
  loss_limit_daily_5: { loss_limits: { day: '5.00' } },
  loss_limit_weekly_20: { loss_limits: { week: '20.00' } },
  time_limit_1m: { session_time_limit_minutes: 1 },
  reality_check_1m: { reality_check_minutes: 1 },
};
