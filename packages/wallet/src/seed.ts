import type { SeedPlayerInput, Wallet } from './wallet.ts';

export const SANDBOX_BRAND = 'brand-7';
export const SANDBOX_PROVIDER = 'studio-x';
export const SANDBOX_REGION = 'EU';

/** A seeded test player: what it is and what a provider can try with it. */
export interface SandboxPlayer extends Omit<SeedPlayerInput, 'brand' | 'region'> {
  purpose: string;
}

/**
 * The sandbox's test players (the names the brief and the contract's examples use): the one list
 * the seed, the sandbox's `GET /sandbox/players`, its console, its banner and the README follow.
 */
export const SANDBOX_PLAYERS: readonly SandboxPlayer[] = [
  { player_id: 'p_demo_1', currency: 'EUR', cash: '100.00', purpose: 'plays normally: 100.00 EUR' },
  { player_id: 'p_demo_2', currency: 'USD', cash: '100.00', purpose: 'plays normally in USD: 100.00 USD' },
  {
    player_id: 'p_blocked_rg',
    currency: 'EUR',
    cash: '100.00',
    rg: { self_excluded: true },
    purpose: 'self-excluded: sessions and bets → 403 RG_BLOCKED (self_exclusion)',
  },
  {
    player_id: 'p_low_balance',
    currency: 'EUR',
    cash: '1.00',
    purpose: 'holds 1.00 EUR: a 2.00 bet → 402 INSUFFICIENT_FUNDS',
  },
  {
    player_id: 'p_bonus',
    currency: 'EUR',
    cash: '50.00',
    bonus: '25.00',
    bonusOptions: { bonus_type: 'deposit_match', wagering_multiplier: 10, max_bet: '5.00' },
    purpose: '50.00 cash + 25.00 active bonus, max bet 5.00: a bigger stake → 422 MAX_BET_EXCEEDED',
  },
  {
    player_id: 'p_kyc_pending',
    currency: 'EUR',
    cash: '100.00',
    kyc: 'pending',
    purpose: 'KYC pending: sessions and bets → 403 KYC_PENDING',
  },
  {
    player_id: 'p_kyc_denied',
    currency: 'EUR',
    cash: '100.00',
    kyc: 'denied',
    purpose: 'KYC denied: sessions and bets → 403 KYC_DENIED',
  },
  {
    player_id: 'p_bonus_expired',
    currency: 'EUR',
    cash: '50.00',
    bonus: '25.00',
    // Issued with a deadline long passed: the wallet expires it the first time it looks.
    bonusOptions: { max_bet: '5.00', expires_at: '2000-01-01T00:00:00.000Z' },
    purpose: '50.00 cash; its 25.00 bonus (max bet 5.00) is past its deadline: gone, and its max bet with it',
  },
  // A daily loss limit below one ordinary stake, and a session time limit already used up.
  {
    player_id: 'p_rg_loss',
    currency: 'EUR',
    cash: '100.00',
    rg: { loss_limits: { day: '0.50' } },
    purpose: 'daily loss limit 0.50: a 1.00 bet → 403 RG_BLOCKED (loss_limit)',
  },
  {
    player_id: 'p_rg_time',
    currency: 'EUR',
    cash: '100.00',
    rg: { session_time_limit_minutes: 0 },
    purpose: 'session time limit used up: any bet → 403 RG_BLOCKED (time_limit)',
  },
];

/**
 * Seeds `SANDBOX_PLAYERS`. Players that already exist are left alone, so seeding a persistent
 * database twice does not add money twice.
 */
export async function seedSandboxPlayers(
  wallet: Wallet,
  options: { brand?: string; region?: string } = {},
): Promise<string[]> {
  const brand = options.brand ?? SANDBOX_BRAND;
  const region = options.region ?? SANDBOX_REGION;
  const seeded: string[] = [];
  for (const { purpose: _purpose, ...player } of SANDBOX_PLAYERS) {
    if (await wallet.player(brand, player.player_id)) continue;
    await wallet.seedPlayer({ ...player, brand, region });
    seeded.push(player.player_id);
  }
  return seeded;
}
