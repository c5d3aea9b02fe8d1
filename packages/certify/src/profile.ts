import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface TestPlayer {
  id: string;
  currency: string;
}

/**
 * What certify needs to know about the target's test data: its players, their currencies, and the
 * optional hooks it offers. The defaults are the sandbox's players from the brief. Each rule scenario
 * names the player it uses (`croupier certify --list` shows which); a player the profile leaves out,
 * or the target does not have, skips that scenario with the reason, never passes it.
 */
export interface Profile {
  brand: string;
  provider: string;
  region: string;
  /** A brand that must never see the main brand's players or bets. */
  otherBrand: string;
  /** A region the main player does not belong to: requests naming it are refused (data residency). */
  otherRegion: string;
  gameId: string;
  locale: string;
  /** Stake of an ordinary test bet; small so repeated runs barely move the test balances. */
  betAmount: string;
  players: {
    main: TestPlayer;
    second: TestPlayer;
    blockedRg: TestPlayer;
    lowBalance: TestPlayer & { stake?: string };
    bonus?: TestPlayer & { overMaxBet: string };
    lossLimit?: TestPlayer & { stake?: string };
    timeLimit?: TestPlayer & { stake?: string };
    /** KYC not completed: sessions or bets refused with KYC_PENDING. */
    kycPending?: TestPlayer;
    /** KYC denied: sessions or bets refused with KYC_DENIED. */
    kycDenied?: TestPlayer;
    /** A bonus whose deadline passed: its money is gone and its max bet (below `overMaxBet`) no longer applies. */
    bonusExpired?: TestPlayer & { overMaxBet: string };
  };
  /**
   * How to turn a live session into an expired one. `false` when the target has none; scenarios that
   * need an expired session then skip.
   */
  expireSession: false | { method: string; path: string; body?: unknown };
}

export const DEFAULT_PROFILE: Profile = {
  brand: 'brand-7',
  provider: 'studio-x',
  region: 'EU',
  otherBrand: 'brand-certify-other',
  otherRegion: 'certify-other-region',
  gameId: 'studio:slot_forge_02',
  locale: 'de-DE',
  betAmount: '1.00',
  players: {
    main: { id: 'p_demo_1', currency: 'EUR' },
    second: { id: 'p_demo_2', currency: 'USD' },
    blockedRg: { id: 'p_blocked_rg', currency: 'EUR' },
    lowBalance: { id: 'p_low_balance', currency: 'EUR', stake: '2.00' },
    bonus: { id: 'p_bonus', currency: 'EUR', overMaxBet: '10.00' },
    lossLimit: { id: 'p_rg_loss', currency: 'EUR', stake: '1.00' },
    timeLimit: { id: 'p_rg_time', currency: 'EUR', stake: '1.00' },
    kycPending: { id: 'p_kyc_pending', currency: 'EUR' },
    kycDenied: { id: 'p_kyc_denied', currency: 'EUR' },
    bonusExpired: { id: 'p_bonus_expired', currency: 'EUR', overMaxBet: '10.00' },
  },
  expireSession: { method: 'POST', path: '/sandbox/sessions/{session_id}/expire' },
};

/** Reads a `--players` profile (JSON or YAML); anything it leaves out keeps the default. */
export function loadProfile(
  file?: string,
  overrides: Partial<Pick<Profile, 'brand' | 'provider' | 'region'>> = {},
): Profile {
  let fromFile: Partial<Profile> = {};
  if (file) {
    const text = readFileSync(file, 'utf8');
    fromFile = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as Partial<Profile>;
  }
  const definedOverrides = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return {
    ...DEFAULT_PROFILE,
    ...fromFile,
    ...definedOverrides,
    players: { ...DEFAULT_PROFILE.players, ...(fromFile.players ?? {}) },
  };
}
