/**
 * Certify moves money: hundreds of bets, settles and rollbacks. Against a croupier sandbox it plays with
 * players of its own, created through the sandbox's admin API (`POST /sandbox/players`), so the seeded
 * players a provider is looking at keep their balances. Against any other target it plays with the
 * profile's players and the report names them.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { DEFAULT_PROFILE, type Profile } from './profile.ts';

export const SANDBOX_PLAYERS_PATH = '/sandbox/players';

type Role = keyof Profile['players'];

/** One player a run played with, by role: which id, and whether certify created it for the run. */
export interface RunPlayer {
  role: Role;
  id: string;
  currency: string;
  source: 'created by certify' | 'profile';
}

/** How to recreate each seeded role through `POST /sandbox/players`: the seed's cash, KYC, RG profile and bonus. */
const RECIPES: Partial<Record<Role, Record<string, unknown>>> = {
  main: { cash: '100.00' },
  second: { cash: '100.00' },
  blockedRg: { cash: '100.00', rg: { self_excluded: true } },
  lowBalance: { cash: '1.00' },
  bonus: { cash: '50.00', bonus: { amount: '25.00', max_bet: '5.00', wagering_multiplier: 10 } },
  lossLimit: { cash: '100.00', rg: { loss_limits: { day: '0.50' } } },
  timeLimit: { cash: '100.00', rg: { session_time_limit_minutes: 0 } },
  kycPending: { cash: '100.00', kyc: 'pending' },
  kycDenied: { cash: '100.00', kyc: 'denied' },
  bonusExpired: {
    cash: '50.00',
    bonus: { amount: '25.00', max_bet: '5.00', expires_at: '2000-01-01T00:00:00.000Z' },
  },
};

export interface OwnPlayers {
  profile: Profile;
  players: RunPlayer[];
}

/**
 * Swaps each role the profile leaves at the sandbox default for a fresh player created on the target.
 * A role the user named in `--players` is theirs and kept; so is everything when the target has no
 * admin API for players.
 */
export async function provisionPlayers(
  target: string,
  headers: Record<string, string>,
  profile: Profile,
): Promise<OwnPlayers> {
  const listed = (role: Role, source: RunPlayer['source']): RunPlayer[] => {
    const player = profile.players[role];
    return player ? [{ role, id: player.id, currency: player.currency, source }] : [];
  };
  const roles = Object.keys(profile.players) as Role[];
  if (!(await hasPlayerApi(target, headers))) {
    return { profile, players: roles.flatMap((role) => listed(role, 'profile')) };
  }
  const run = randomUUID().replaceAll('-', '').slice(0, 8);
  const players = { ...profile.players };
  const used: RunPlayer[] = [];
  for (const role of roles) {
    const player = profile.players[role];
    const recipe = RECIPES[role];
    const isDefault = player && player.id === DEFAULT_PROFILE.players[role]?.id;
    if (!player || !recipe || !isDefault) {
      used.push(...listed(role, 'profile'));
      continue;
    }
    const id = `p_certify_${run}_${role}`;
    await createPlayer(target, headers, { player_id: id, currency: player.currency, ...recipe });
    Object.assign(players, { [role]: { ...player, id } });
    used.push({ role, id, currency: player.currency, source: 'created by certify' });
  }
  return { profile: { ...profile, players }, players: used };
}

async function hasPlayerApi(target: string, headers: Record<string, string>): Promise<boolean> {
  try {
    const response = await request(new URL(SANDBOX_PLAYERS_PATH, target), {
      headers,
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return false;
    return Array.isArray((JSON.parse(text) as { players?: unknown }).players);
  } catch {
    return false;
  }
}

async function createPlayer(
  target: string,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): Promise<void> {
  const response = await request(new URL(SANDBOX_PLAYERS_PATH, target), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) {
    throw Object.assign(
      new Error(
        `the sandbox refused certify's test player ${String(body.player_id)}: ${response.statusCode} ${text.slice(0, 200)}`,
      ),
      { code: 'PLAYER_SETUP_FAILED' },
    );
  }
}
