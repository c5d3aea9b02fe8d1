/**
 * The seeded test players and the RG test profiles. The players are the wallet's sandbox seed
 * (`seedSandboxPlayers`); this file says what each one is for, so the console, `GET /sandbox/players`
 * and the README tell the same story.
 */
import type { RgProfile } from '@croupier/wallet';

export interface TestPlayer {
  player_id: string;
  currency: string;
  /** What a provider can try with this player. */
  purpose: string;
}

export const TEST_PLAYERS: readonly TestPlayer[] = [
  { player_id: 'p_demo_1', currency: 'EUR', purpose: 'plays normally: 100.00 EUR' },
  { player_id: 'p_demo_2', currency: 'USD', purpose: 'plays normally in USD: 100.00 USD' },
  {
    player_id: 'p_blocked_rg',
    currency: 'EUR',
    purpose: 'self-excluded: sessions and bets → 403 RG_BLOCKED (self_exclusion)',
  },
  {
    player_id: 'p_low_balance',
    currency: 'EUR',
    purpose: 'holds 1.00 EUR: a 2.00 bet → 402 INSUFFICIENT_FUNDS',
  },
  {
    player_id: 'p_bonus',
    currency: 'EUR',
    purpose: '50.00 cash + 25.00 active bonus, max bet 5.00: a bigger stake → 422 MAX_BET_EXCEEDED',
  },
  {
    player_id: 'p_kyc_pending',
    currency: 'EUR',
    purpose: 'KYC pending: sessions and bets → 403 KYC_PENDING',
  },
];

/** Named RG profiles for `PUT /sandbox/players/{id}/rg {"profile": "<name>"}`. */
export const RG_TEST_PROFILES: Record<string, RgProfile> = {
  clear: {},
  self_excluded: { self_excluded: true },
  loss_limit_daily_5: { loss_limits: { day: '5.00' } },
  loss_limit_weekly_20: { loss_limits: { week: '20.00' } },
  time_limit_1m: { session_time_limit_minutes: 1 },
  reality_check_1m: { reality_check_minutes: 1 },
};
