import type { SeedPlayerInput, Wallet } from './wallet.ts';

export const SANDBOX_BRAND = 'brand-7';
export const SANDBOX_PROVIDER = 'studio-x';
export const SANDBOX_REGION = 'EU';

/**
 * The sandbox's test players (the names the brief and the contract's examples use). Players that
 * already exist are left alone, so seeding a persistent database twice does not add money twice.
 */
export async function seedSandboxPlayers(
  wallet: Wallet,
  options: { brand?: string; region?: string } = {},
): Promise<string[]> {
  const brand = options.brand ?? SANDBOX_BRAND;
  const region = options.region ?? SANDBOX_REGION;
  const players: SeedPlayerInput[] = [
    { brand, region, player_id: 'p_demo_1', currency: 'EUR', cash: '100.00' },
    { brand, region, player_id: 'p_demo_2', currency: 'USD', cash: '100.00' },
    {
      brand,
      region,
      player_id: 'p_blocked_rg',
      currency: 'EUR',
      cash: '100.00',
      rg: { self_excluded: true },
    },
    { brand, region, player_id: 'p_low_balance', currency: 'EUR', cash: '1.00' },
    {
      brand,
      region,
      player_id: 'p_bonus',
      currency: 'EUR',
      cash: '50.00',
      bonus: '25.00',
      bonusOptions: { bonus_type: 'deposit_match', wagering_multiplier: 10, max_bet: '5.00' },
    },
    { brand, region, player_id: 'p_kyc_pending', currency: 'EUR', cash: '100.00', kyc: 'pending' },
    // A daily loss limit below one ordinary stake, and a session time limit already used up.
    {
      brand,
      region,
      player_id: 'p_rg_loss',
      currency: 'EUR',
      cash: '100.00',
      rg: { loss_limits: { day: '0.50' } },
    },
    {
      brand,
      region,
      player_id: 'p_rg_time',
      currency: 'EUR',
      cash: '100.00',
      rg: { session_time_limit_minutes: 0 },
    },
  ];
  const seeded: string[] = [];
  for (const player of players) {
    if (await wallet.player(brand, player.player_id)) continue;
    await wallet.seedPlayer(player);
    seeded.push(player.player_id);
  }
  return seeded;
}
