/**
 * The seeded test players and the RG test profiles. The players are the wallet's sandbox seed
 * (`seedSandboxPlayers`) plus the few certification needs that the wallet's seed lacks
 * (`seedCertificationPlayers`); this file says what each one is for, so the console,
 * `GET /sandbox/players` and the README tell the same story.
 */
import { type RgProfile, SANDBOX_BRAND, SANDBOX_REGION, type Wallet } from '@croupier/wallet';

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
  {
    player_id: 'p_kyc_denied',
    currency: 'EUR',
    purpose: 'KYC denied: sessions and bets → 403 KYC_DENIED',
  },
  {
    player_id: 'p_bonus_expired',
    currency: 'EUR',
    purpose: '50.00 cash; its 25.00 bonus (max bet 5.00) is past its deadline: gone, and its max bet with it',
  },
];

/**
 * Players `croupier certify` needs for rules the wallet's seed has no player for: a denied KYC and a
 * bonus past its deadline. Existing players are left alone, like the wallet's seed.
 */
export async function seedCertificationPlayers(wallet: Wallet): Promise<string[]> {
  const base = { brand: SANDBOX_BRAND, region: SANDBOX_REGION, currency: 'EUR' };
  const players = [
    { ...base, player_id: 'p_kyc_denied', cash: '100.00', kyc: 'denied' as const },
    {
      ...base,
      player_id: 'p_bonus_expired',
      cash: '50.00',
      bonus: '25.00',
      // Issued with a deadline already passed: the wallet expires it the first time it looks.
      bonusOptions: { max_bet: '5.00', expires_at: new Date(Date.now() - 60_000).toISOString() },
    },
  ];
  const seeded: string[] = [];
  for (const player of players) {
    if (await wallet.player(SANDBOX_BRAND, player.player_id)) continue;
    await wallet.seedPlayer(player);
    seeded.push(player.player_id);
  }
  return seeded;
}

/** Named RG profiles for `PUT /sandbox/players/{id}/rg {"profile": "<name>"}`. */
export const RG_TEST_PROFILES: Record<string, RgProfile> = {
  clear: {},
  self_excluded: { self_excluded: true },
  loss_limit_daily_5: { loss_limits: { day: '5.00' } },
  loss_limit_weekly_20: { loss_limits: { week: '20.00' } },
  time_limit_1m: { session_time_limit_minutes: 1 },
  reality_check_1m: { reality_check_minutes: 1 },
};
