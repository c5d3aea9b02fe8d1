import { isLedgerError, type LedgerTx } from '@croupier/ledger';
import { fromMinor, percentOf } from '@croupier/money';
import { activeBonus, checkUsedUp, recordWagering, splitWin } from './bonus.ts';
import {
  type BetRow,
  asWireBalance,
  balanceAfter,
  balanceOf,
  bonusAccount,
  cashAccount,
  findBet,
  heldAccount,
  houseOf,
  lockPlayer,
  mintId,
  type PlayerRow,
  parseWire,
  playerOwner,
  requirePlayer,
  type SessionRow,
  sessionStatus,
  toWireMoney,
  type WalletContext,
  type WireMoney,
} from './context.ts';
import { WalletError } from './errors.ts';
import type { WalletEvent } from './events.ts';
import type { EffectResult } from './idempotency.ts';
import { evaluateRg, type RgProfile } from './rg.ts';
import { checkKyc, checkRegion, requireSession } from './sessions.ts';
import { readSwitches } from './switches.ts';

export interface AuthorizeBody {
  session_id: string;
  bet_id: string;
  round_id: string;
  amount: WireMoney;
  game_type?: 'slots' | 'table' | 'live' | 'crash' | 'other';
  jackpot_contribution?: boolean;
  player_id?: string;
}

export interface SettleBody {
  bet_id: string;
  round_id: string;
  win: WireMoney;
  bonus_state?: { in_bonus: boolean; freespins_left?: number };
  final?: boolean;
  win_type?: 'regular' | 'promo' | 'jackpot';
  player_id?: string;
  session_id?: string;
}

export interface RollbackBody {
  bet_id: string;
  round_id: string;
  amount?: WireMoney;
  reason?: string;
  player_id?: string;
}

interface Scope {
  brand: string;
  provider: string;
  region: string;
  traceId: string;
}

/** Key of a bet in the process's recollections (see `Recollection`). */
const betKey = (scope: Scope, betId: string) => `${scope.brand}\u0000${scope.provider}\u0000${betId}`;

/**
 * The commit-group partition of a write (see Ledger.transaction): the player, when this process
 * already knows whose session or bet it is; otherwise none, and the write runs alone.
 */
const playerPartition = (brand: string, playerId: string | undefined) =>
  playerId === undefined ? undefined : `player:${playerOwner(brand, playerId)}`;

export function authorizePartition(
  ctx: WalletContext,
  scope: Scope,
  body: AuthorizeBody,
): string | undefined {
  return playerPartition(scope.brand, ctx.sessionPlayers.recall(`${scope.brand}\u0000${body.session_id}`));
}

export function betPartition(ctx: WalletContext, scope: Scope, betId: string): string | undefined {
  return playerPartition(scope.brand, ctx.betHints.recall(betKey(scope, betId))?.playerId);
}

// Every ledger transfer of a bet starts with its hold id, so `betLedger` finds them by prefix.
const cashHold = (holdId: string) => `${holdId}:cash`;
const bonusHold = (holdId: string) => `${holdId}:bonus`;

/**
 * Inserts the bet row; false when a concurrent transaction committed a row with the same id first
 * (the unique key waits for it). The caller then reads that row and answers by its state.
 */
async function tryInsertBet(tx: LedgerTx, bet: BetRow): Promise<boolean> {
  const columns = Object.keys(bet) as (keyof BetRow)[];
  const sql = `INSERT INTO wallet_bets (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  const values = columns.map((c) => bet[c]);
  // Pipelined, a taken id fails the transaction, which runs again with this insert waited for.
  if (tx.pipelined) {
    await tx.write(sql, values);
    return true;
  }
  const insert = () => tx.exec(sql, values);
  try {
    // A refused statement poisons a PostgreSQL transaction unless it ran in a savepoint; SQLite's undoes itself.
    await (tx.dialect === 'postgres' ? tx.savepoint(insert) : insert());
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) return false;
    throw error;
  }
}

/** What a bet id that is already taken answers to a new authorize or win. */
function takenBetId(existing: { tombstone: bigint } | null, betId: string): WalletError {
  if (existing?.tombstone) {
    return new WalletError(
      'BET_ROLLED_BACK',
      `bet ${betId} was rolled back before it was authorized; it stays void`,
    );
  }
  return new WalletError(
    'DUPLICATE',
    `bet ${betId} was already authorized under another idempotency key; reuse that key to replay it`,
  );
}

async function insertBet(tx: LedgerTx, bet: BetRow): Promise<void> {
  if (await tryInsertBet(tx, bet)) return;
  throw takenBetId(await findBet(tx, bet.brand, bet.provider, bet.bet_id, { lock: true }), bet.bet_id);
}

/**
 * The holds an authorized (or partly settled) bet still has open, from its own row: authorize
 * opens a cash hold for the cash part (or for a zero stake) and a bonus hold for the bonus part; a
 * win without a bet has none. The bet's state, read under its lock, says they are still pending.
 */
function openHolds(bet: BetRow): string[] {
  if (bet.win_only) return [];
  return [
    ...(bet.cash_part > 0n || bet.amount === 0n ? [cashHold(bet.hold_id)] : []),
    ...(bet.bonus_part > 0n ? [bonusHold(bet.hold_id)] : []),
  ];
}

function insufficient(cash: bigint, bonus: bigint, currency: string): WalletError {
  const balance = toWireMoney(cash + bonus, currency);
  return new WalletError(
    'INSUFFICIENT_FUNDS',
    `the balance ${balance.amount} ${currency} (cash and bonus) does not cover the stake`,
    { balance },
  );
}

/** What authorize decides on, read in one statement (see `readAuthorizeContext`). */
interface AuthorizeContext {
  session: SessionRow;
  player: PlayerRow;
  degraded: boolean;
  /** The bet id's row, if taken: null when free; `tombstone` says a rollback came first. */
  existingBet: { tombstone: bigint } | null;
  rgProfile: RgProfile;
  hasActiveBonus: boolean;
  jackpotBps: number;
}

const SESSION_COLUMNS = [
  'brand',
  'session_id',
  'provider',
  'player_id',
  'game_id',
  'currency',
  'locale',
  'created_at',
  'expires_at',
  'ended_at',
  'end_reason',
  'reality_checked_at',
  'wagered',
  'won',
] as const;

/**
 * The session, its player, the degraded switch, the bet id's row, the RG profile, whether a bonus is
 * active and the game's jackpot share, in one statement instead of seven (each a round trip on
 * PostgreSQL, where the player's row is locked here, as `requirePlayer` did). Null when the session or
 * its player does not exist: the caller then takes the step-by-step path, which names what is missing.
 */
async function readAuthorizeContext(
  tx: LedgerTx,
  scope: Scope,
  body: AuthorizeBody,
): Promise<AuthorizeContext | null> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE OF p' : '';
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT ${SESSION_COLUMNS.map((c) => `s.${c}`).join(', ')},
       p.currency AS player_currency, p.region AS player_region, p.kyc_status AS player_kyc_status,
       (SELECT value FROM wallet_switches WHERE name = 'degraded') AS degraded,
       (SELECT tombstone FROM wallet_bets b WHERE b.brand = s.brand AND b.provider = ? AND b.bet_id = ?) AS bet_tombstone,
       (SELECT profile FROM wallet_rg_limits r WHERE r.brand = s.brand AND r.player_id = s.player_id) AS rg_profile,
       (SELECT COUNT(*) FROM wallet_bonuses o WHERE o.brand = s.brand AND o.player_id = s.player_id AND o.state = 'active') AS active_bonuses,
       (SELECT basis_points FROM wallet_jackpot_config j WHERE j.brand = s.brand AND j.game_id = s.game_id) AS jackpot_bps,
       (SELECT basis_points FROM wallet_jackpot_config j WHERE j.brand = s.brand AND j.game_id = '*') AS jackpot_default_bps
     FROM wallet_sessions s JOIN wallet_players p ON p.brand = s.brand AND p.player_id = s.player_id
     WHERE s.brand = ? AND s.session_id = ?${lock}`,
    [scope.provider, body.bet_id, scope.brand, body.session_id],
  );
  const row = rows[0];
  if (!row) return null;
  const session = Object.fromEntries(SESSION_COLUMNS.map((c) => [c, row[c]])) as unknown as SessionRow;
  const bps = row.jackpot_bps ?? row.jackpot_default_bps;
  return {
    session,
    player: {
      brand: session.brand,
      player_id: session.player_id,
      currency: String(row.player_currency),
      region: (row.player_region as string | null) ?? null,
      kyc_status: row.player_kyc_status as PlayerRow['kyc_status'],
    },
    degraded: row.degraded === 'on',
    existingBet: row.bet_tombstone == null ? null : { tombstone: BigInt(row.bet_tombstone as bigint) },
    rgProfile: row.rg_profile ? (JSON.parse(String(row.rg_profile)) as RgProfile) : {},
    hasActiveBonus: BigInt((row.active_bonuses as bigint | null) ?? 0n) > 0n,
    jackpotBps: bps == null ? 0 : Number(bps),
  };
}

/**
 * Throws what is missing when `readAuthorizeContext` found no row, in the order the checks run:
 * the degraded switch, the session, the session's player.
 */
async function refuseMissing(tx: LedgerTx, scope: Scope, body: AuthorizeBody): Promise<never> {
  if ((await readSwitches(tx, scope.brand)).degraded) throw platformDegraded();
  const session = await requireSession(tx, scope.brand, body.session_id);
  checkSessionPlayer(session, body);
  await requirePlayer(tx, scope.brand, session.player_id);
  throw new Error(`authorize: session ${body.session_id} and its player exist but were not read`);
}

const platformDegraded = () =>
  new WalletError('PLATFORM_DEGRADED', 'the platform is degraded; retry with backoff and the same key');

function checkSessionPlayer(session: SessionRow, body: AuthorizeBody): void {
  if (body.player_id && body.player_id !== session.player_id) {
    throw new WalletError(
      'PLAYER_NOT_FOUND',
      `session ${session.session_id} does not belong to player ${body.player_id}`,
    );
  }
}

/** Session state, region, currency, amount and KYC, in the order a provider fixes them. */
function checkPlayable(
  context: AuthorizeContext,
  scope: Scope,
  body: AuthorizeBody,
  now: Date,
): { stake: bigint; currency: string } {
  const { session, player } = context;
  const status = sessionStatus(session, now);
  if (status === 'ended') {
    throw new WalletError('SESSION_ENDED', `session ${session.session_id} was ended; open a new one`);
  }
  if (status === 'expired') {
    throw new WalletError(
      'SESSION_EXPIRED',
      `session ${session.session_id} expired at ${session.expires_at}`,
    );
  }
  checkRegion(player.region, scope.region, player.player_id);
  if (body.amount.currency !== session.currency) {
    throw new WalletError(
      'CURRENCY_MISMATCH',
      `the amount is in ${body.amount.currency} but session ${session.session_id} plays in ${session.currency}`,
    );
  }
  const stake = parseWire(body.amount, '/amount/amount').minor;
  checkKyc(player.kyc_status, player.player_id);
  return { stake, currency: session.currency };
}

/** A new bet: checks, then a hold per funding source (cash first, then bonus), jackpot share, events. */
export async function authorizeBet(
  ctx: WalletContext,
  tx: LedgerTx,
  now: Date,
  scope: Scope,
  body: AuthorizeBody,
): Promise<EffectResult> {
  tx.claim(`bet:${betKey(scope, body.bet_id)}`);
  const contextRead = readAuthorizeContext(tx, scope, body);
  // A player this process has seen play the session: its balances are read, and locked, with the
  // session (after the player's row, in the same round trip) instead of after it.
  const knownPlayer = ctx.sessionPlayers.recall(`${scope.brand}\u0000${body.session_id}`);
  const balancesRead = knownPlayer
    ? tx.balances(playerOwner(scope.brand, knownPlayer), { forUpdate: true })
    : undefined;
  const [read] = await Promise.all([contextRead, balancesRead]);
  const context = read ?? (await refuseMissing(tx, scope, body));
  if (context.degraded) throw platformDegraded();
  const { session, player } = context;
  ctx.sessionPlayers.remember(`${scope.brand}\u0000${session.session_id}`, session.player_id);
  checkSessionPlayer(session, body);
  if (context.existingBet) throw takenBetId(context.existingBet, body.bet_id);
  const { stake, currency } = checkPlayable(context, scope, body, now);

  const profile = context.rgProfile;
  const verdict = await evaluateRg(tx, { player, profile, session, stake, now });
  if (verdict.blocked) {
    throw new WalletError('RG_BLOCKED', verdict.blocked.message, { reason: verdict.blocked.reason }, [
      {
        type: 'rg.limit.hit',
        playerId: player.player_id,
        payload: {
          ...verdict.blocked.payload,
          attempted_amount: body.amount,
          session_id: session.session_id,
          bet_id: body.bet_id,
        },
      },
    ]);
  }

  const events: WalletEvent[] = [];
  const bonus = context.hasActiveBonus
    ? await activeBonus(tx, scope.brand, player.player_id, now, events)
    : null;
  if (bonus?.max_bet != null && stake > bonus.max_bet) {
    const limit = toWireMoney(bonus.max_bet, currency);
    throw new WalletError(
      'MAX_BET_EXCEEDED',
      `the stake ${body.amount.amount} ${currency} exceeds the bonus maximum bet ${limit.amount} ${currency}`,
      { limit },
    );
  }
  // Locked (PostgreSQL) and kept: the holds below and the balance after them need no other read.
  const balance = await balanceOf(tx, scope.brand, player.player_id, currency, { forUpdate: true });
  // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigint
  const cashPart = stake < balance.cash ? stake : balance.cash;
  const bonusPart = stake - cashPart;
  if (bonusPart > balance.bonus) throw insufficient(balance.cash, balance.bonus, currency);

  const holdId = mintId('h');
  const meta = { bet_id: body.bet_id, round_id: body.round_id, trace_id: scope.traceId };
  try {
    if (cashPart > 0n || stake === 0n) {
      await tx.createPending({
        id: cashHold(holdId),
        source: cashAccount(scope.brand, player.player_id),
        held: heldAccount(scope.brand, player.player_id),
        destination: houseOf(scope.brand, 'bets'),
        amount: cashPart,
        currency,
        kind: 'bet',
        metadata: meta,
      });
    }
    if (bonusPart > 0n) {
      await tx.createPending({
        id: bonusHold(holdId),
        source: bonusAccount(scope.brand, player.player_id),
        held: heldAccount(scope.brand, player.player_id),
        destination: houseOf(scope.brand, 'bets'),
        amount: bonusPart,
        currency,
        kind: 'bet',
        metadata: meta,
      });
    }
  } catch (error) {
    if (isLedgerError(error, 'INSUFFICIENT_FUNDS')) throw insufficient(balance.cash, balance.bonus, currency);
    throw error;
  }

  let jackpot = 0n;
  const basisPoints = context.jackpotBps;
  if (basisPoints > 0 && body.jackpot_contribution !== false) {
    jackpot = percentOf(fromMinor(stake, currency), basisPoints).minor;
    if (jackpot > 0n) {
      await tx.postTransfers([
        {
          id: `${holdId}:jackpot`,
          debit: houseOf(scope.brand, 'bets'),
          credit: houseOf(scope.brand, 'jackpot'),
          amount: jackpot,
          currency,
          kind: 'jackpot_contribution',
          metadata: meta,
        },
      ]);
    }
  }

  const at = now.toISOString();
  const betRow: BetRow = {
    brand: scope.brand,
    provider: scope.provider,
    bet_id: body.bet_id,
    player_id: player.player_id,
    session_id: session.session_id,
    round_id: body.round_id,
    game_id: session.game_id,
    game_type: body.game_type ?? null,
    currency,
    amount: stake,
    cash_part: cashPart,
    bonus_part: bonusPart,
    bonus_id: bonus?.bonus_id ?? null,
    hold_id: holdId,
    jackpot_contribution: jackpot,
    won: 0n,
    parts: 0n,
    state: 'authorized',
    tombstone: 0n,
    win_only: 0n,
    created_at: at,
    updated_at: at,
  };
  await insertBet(tx, betRow);
  ctx.betHints.remember(betKey(scope, body.bet_id), {
    playerId: player.player_id,
    holdIds: openHolds(betRow),
  });
  events.push(...(await realityCheck(ctx, tx, now, session, profile.reality_check_minutes)));
  await tx.write(`UPDATE wallet_sessions SET wagered = wagered + ? WHERE brand = ? AND session_id = ?`, [
    stake,
    scope.brand,
    session.session_id,
  ]);
  // Read once: the event's balance_after and the answer's balance are the same figures.
  const after = await balanceAfter(tx, scope.brand, player.player_id, currency);
  events.push(
    {
      type: 'bet.authorized',
      playerId: player.player_id,
      payload: {
        session_id: session.session_id,
        round_id: body.round_id,
        bet_id: body.bet_id,
        hold_id: holdId,
        amount: toWireMoney(stake, currency),
        game_id: session.game_id,
        ...(body.game_type ? { game_type: body.game_type } : {}),
        ...(jackpot > 0n ? { jackpot_contribution: toWireMoney(jackpot, currency) } : {}),
      },
    },
    {
      type: 'wallet.debit',
      playerId: player.player_id,
      payload: {
        transaction_id: holdId,
        amount: toWireMoney(stake, currency),
        balance_after: after,
        reason: 'bet',
        bet_id: body.bet_id,
        round_id: body.round_id,
        session_id: session.session_id,
      },
    },
  );
  return {
    status: 200,
    region: player.region,
    events,
    body: {
      status: 'authorized',
      hold_id: holdId,
      bet_id: body.bet_id,
      balance: asWireBalance(after, currency),
    },
  };
}

/** Every `interval` minutes of play, an `rg.reality_check` with the session's totals so far. */
async function realityCheck(
  ctx: WalletContext,
  tx: LedgerTx,
  now: Date,
  session: SessionRow,
  profileMinutes: number | undefined,
): Promise<WalletEvent[]> {
  const minutes = profileMinutes ?? ctx.config.realityCheckMinutes;
  if (minutes <= 0 || now.getTime() - Date.parse(session.reality_checked_at) < minutes * 60_000) return [];
  await tx.exec(`UPDATE wallet_sessions SET reality_checked_at = ? WHERE brand = ? AND session_id = ?`, [
    now.toISOString(),
    session.brand,
    session.session_id,
  ]);
  const net = session.won - session.wagered;
  return [
    {
      type: 'rg.reality_check',
      playerId: session.player_id,
      payload: {
        session_id: session.session_id,
        minutes_played: Math.floor((now.getTime() - Date.parse(session.created_at)) / 60_000),
        net_result: toWireMoney(net < 0n ? -net : net, session.currency),
        net_outcome: net > 0n ? 'win' : net < 0n ? 'loss' : 'even',
        wagered: toWireMoney(session.wagered, session.currency),
        won: toWireMoney(session.won, session.currency),
      },
    },
  ];
}

/** A promo or jackpot win without a prior bet: recorded as a zero-stake bet so it has a ledger trail. */
async function winOnlyBet(tx: LedgerTx, now: Date, scope: Scope, body: SettleBody): Promise<BetRow> {
  if (!body.player_id) {
    throw new WalletError(
      'VALIDATION_FAILED',
      `a ${body.win_type} win without a prior bet must carry player_id (and session_id)`,
      { errors: [{ path: '/player_id', message: 'is required for a win without a bet' }] },
    );
  }
  const player = await requirePlayer(tx, scope.brand, body.player_id);
  checkRegion(player.region, scope.region, player.player_id);
  let session: SessionRow | null = null;
  if (body.session_id) {
    session = await requireSession(tx, scope.brand, body.session_id);
    // The same rule as authorize: a session names its player, and a win cannot borrow another's.
    if (session.player_id !== player.player_id) {
      throw new WalletError(
        'PLAYER_NOT_FOUND',
        `session ${session.session_id} does not belong to player ${player.player_id}`,
      );
    }
  }
  const at = now.toISOString();
  const bet: BetRow = {
    brand: scope.brand,
    provider: scope.provider,
    bet_id: body.bet_id,
    player_id: player.player_id,
    session_id: session?.session_id ?? null,
    round_id: body.round_id,
    game_id: session?.game_id ?? null,
    game_type: null,
    currency: player.currency,
    amount: 0n,
    cash_part: 0n,
    bonus_part: 0n,
    bonus_id: null,
    hold_id: mintId('h'),
    jackpot_contribution: 0n,
    won: 0n,
    parts: 0n,
    state: 'authorized',
    tombstone: 0n,
    win_only: 1n,
    created_at: at,
    updated_at: at,
  };
  await insertBet(tx, bet);
  return bet;
}

/** A settle or rollback that names a player or session must name the bet's own. */
function assertSameParties(bet: BetRow, body: { player_id?: string; session_id?: string }): void {
  if (body.player_id !== undefined && body.player_id !== bet.player_id) {
    throw new WalletError(
      'PLAYER_NOT_FOUND',
      `bet ${bet.bet_id} does not belong to player ${body.player_id}`,
    );
  }
  if (body.session_id !== undefined && bet.session_id !== null && body.session_id !== bet.session_id) {
    throw new WalletError(
      'SESSION_NOT_FOUND',
      `bet ${bet.bet_id} was not placed in session ${body.session_id}`,
    );
  }
}

/**
 * The bet, locked, and its player. One statement on SQLite, where writers are serial; on PostgreSQL two,
 * so the bet's row is locked before the player's as in rollback (a join locks in plan order, which
 * could cross another transaction's order and deadlock).
 */
async function findBetAndPlayer(
  ctx: WalletContext,
  tx: LedgerTx,
  scope: Scope,
  betId: string,
): Promise<{ bet: BetRow; player: PlayerRow | null } | null> {
  tx.claim(`bet:${betKey(scope, betId)}`);
  if (tx.dialect === 'postgres') {
    // Both reads leave together (one round trip when pipelined); the player's row is found through the
    // bet's, so it is still locked second.
    const betRead = findBet(tx, scope.brand, scope.provider, betId, { lock: true });
    const playerRead = tx.query<PlayerRow>(
      `SELECT brand, player_id, currency, region, kyc_status FROM wallet_players
       WHERE brand = ? AND player_id = (SELECT player_id FROM wallet_bets WHERE brand = ? AND provider = ? AND bet_id = ?)
       FOR UPDATE`,
      [scope.brand, scope.brand, scope.provider, betId],
    );
    // A bet this process authorized: its holds and its player's balances are read (and locked, in that
    // order, after the bet and the player) in the same round trip; settle and rollback need both.
    const hint = ctx.betHints.recall(betKey(scope, betId));
    const holdsRead = hint ? tx.lockPendings(hint.holdIds) : undefined;
    const balancesRead = hint
      ? tx.balances(playerOwner(scope.brand, hint.playerId), { forUpdate: true })
      : undefined;
    const [bet, players] = await Promise.all([betRead, playerRead, holdsRead, balancesRead]);
    return bet ? { bet, player: players[0] ?? null } : null;
  }
  const rows = await tx.query<
    BetRow & { p_currency: string | null; p_region: string | null; p_kyc: string | null }
  >(
    `SELECT b.*, p.currency AS p_currency, p.region AS p_region, p.kyc_status AS p_kyc
     FROM wallet_bets b LEFT JOIN wallet_players p ON p.brand = b.brand AND p.player_id = b.player_id
     WHERE b.brand = ? AND b.provider = ? AND b.bet_id = ?`,
    [scope.brand, scope.provider, betId],
  );
  const row = rows[0];
  if (!row) return null;
  const { p_currency, p_region, p_kyc, ...bet } = row;
  const player =
    p_currency === null
      ? null
      : {
          brand: bet.brand,
          player_id: bet.player_id,
          currency: p_currency,
          region: p_region,
          kyc_status: p_kyc as PlayerRow['kyc_status'],
        };
  return { bet: bet as BetRow, player };
}

/** Credits a win (one part of it when `final: false`); the final part posts the hold to the house. */
export async function settleBet(
  ctx: WalletContext,
  tx: LedgerTx,
  now: Date,
  scope: Scope,
  body: SettleBody,
): Promise<EffectResult> {
  const winType = body.win_type ?? 'regular';
  const final = body.final ?? true;
  const found = await findBetAndPlayer(ctx, tx, scope, body.bet_id);
  let bet = found?.bet ?? null;
  if (!bet && winType === 'regular') {
    throw new WalletError(
      'BET_NOT_FOUND',
      `bet ${body.bet_id} was never authorized; settle it after its authorize succeeded`,
    );
  }
  if (bet) assertSameParties(bet, body);
  bet ??= await winOnlyBet(tx, now, scope, body);
  const player = found?.player ?? ((await lockPlayer(tx, scope.brand, bet.player_id)) as PlayerRow);
  if (bet.state === 'rolled_back') {
    throw new WalletError('ALREADY_ROLLED_BACK', `bet ${bet.bet_id} was rolled back; it cannot be settled`);
  }
  if (bet.state === 'settled') {
    throw new WalletError('ALREADY_SETTLED', `bet ${bet.bet_id} already received its final settlement`);
  }
  const currency = bet.currency ?? player.currency;
  if (body.win.currency !== currency) {
    throw new WalletError(
      'CURRENCY_MISMATCH',
      `the win is in ${body.win.currency} but bet ${bet.bet_id} is in ${currency}`,
    );
  }
  const win = parseWire(body.win, '/win/amount').minor;
  const bonusActive = bet.bonus_id
    ? (await tx.query(`SELECT 1 FROM wallet_bonuses WHERE bonus_id = ? AND state = 'active'`, [bet.bonus_id]))
        .length > 0
    : false;
  const split = splitWin(win, bet, bonusActive, currency);
  const part = Number(bet.parts) + 1;
  const source = houseOf(
    scope.brand,
    winType === 'jackpot' ? 'jackpot' : winType === 'promo' ? 'promo' : 'wins',
  );
  const meta = { bet_id: bet.bet_id, round_id: bet.round_id, trace_id: scope.traceId, win_type: winType };
  // The win and, when final, the post of the bet's holds: one set, checked and written together.
  await tx.postBatch({
    transfers: [
      {
        id: `${bet.hold_id}:win:${part}`,
        debit: source,
        credit: cashAccount(scope.brand, bet.player_id),
        amount: split.cash,
        currency,
        kind: 'win',
        metadata: meta,
      },
      ...(split.bonus > 0n
        ? [
            {
              id: `${bet.hold_id}:win-bonus:${part}`,
              debit: source,
              credit: bonusAccount(scope.brand, bet.player_id),
              amount: split.bonus,
              currency,
              kind: 'win',
              metadata: meta,
            },
          ]
        : []),
    ],
    posts: final
      ? openHolds(bet).map((id) => ({ id, final: true, kind: 'bet_settled', metadata: meta }))
      : [],
  });
  await tx.write(
    `UPDATE wallet_bets SET won = won + ?, parts = ?, state = ?, updated_at = ? WHERE brand = ? AND provider = ? AND bet_id = ?`,
    [
      win,
      part,
      final ? 'settled' : 'partially_settled',
      now.toISOString(),
      scope.brand,
      scope.provider,
      bet.bet_id,
    ],
  );
  if (bet.session_id) {
    await tx.write(`UPDATE wallet_sessions SET won = won + ? WHERE brand = ? AND session_id = ?`, [
      win,
      scope.brand,
      bet.session_id,
    ]);
  }
  const settlementId = mintId('st');
  const after = await balanceAfter(tx, scope.brand, bet.player_id, currency);
  const events: WalletEvent[] = [
    {
      type: 'bet.settled',
      playerId: bet.player_id,
      payload: {
        round_id: bet.round_id,
        bet_id: bet.bet_id,
        bet: toWireMoney(bet.amount, currency),
        win: toWireMoney(win, currency),
        in_bonus: body.bonus_state?.in_bonus ?? false,
        ...(body.bonus_state?.freespins_left !== undefined
          ? { freespins_left: body.bonus_state.freespins_left }
          : {}),
        final,
        settlement_id: settlementId,
        win_type: winType,
      },
    },
    {
      type: 'wallet.credit',
      playerId: bet.player_id,
      payload: {
        transaction_id: settlementId,
        amount: toWireMoney(win, currency),
        balance_after: after,
        reason: winType === 'jackpot' ? 'jackpot_win' : winType === 'promo' ? 'promo_win' : 'win',
        bet_id: bet.bet_id,
        round_id: bet.round_id,
        ...(bet.session_id ? { session_id: bet.session_id } : {}),
      },
    },
  ];
  if (final) {
    events.push(...(await recordWagering(tx, ctx.config, bet)));
    if (bet.bonus_id && bet.bonus_part > 0n) events.push(...(await checkUsedUp(tx, bet.bonus_id)));
  }
  return {
    status: 200,
    region: player.region,
    events,
    body: {
      status: 'credited',
      settlement_id: settlementId,
      balance: asWireBalance(after, currency),
    },
  };
}

/**
 * Voids the hold and returns the stake. A rollback of a bet never seen leaves a tombstone so the
 * late authorize is refused (`BET_ROLLED_BACK`); a settled bet cannot be rolled back.
 */
export async function rollbackBet(
  ctx: WalletContext,
  tx: LedgerTx,
  now: Date,
  scope: Scope,
  body: RollbackBody,
): Promise<EffectResult> {
  // An amount in a rollback is validated like any other, tombstone or not.
  const named = body.amount ? parseWire(body.amount, '/amount/amount').minor : undefined;
  const found = await findBetAndPlayer(ctx, tx, scope, body.bet_id);
  let bet = found?.bet ?? null;
  const rollbackId = mintId('rb');
  const reason = body.reason?.slice(0, 255);
  // An authorize of the same bet may commit between our read and our tombstone: then there is a
  // bet after all, and this rollback voids it instead of answering DUPLICATE.
  if (!bet) {
    const playerId = typeof body.player_id === 'string' && body.player_id ? body.player_id : 'unknown';
    const at = now.toISOString();
    const left = await tryInsertBet(tx, {
      brand: scope.brand,
      provider: scope.provider,
      bet_id: body.bet_id,
      player_id: playerId,
      session_id: null,
      round_id: body.round_id,
      game_id: null,
      game_type: null,
      currency: body.amount?.currency ?? null,
      amount: 0n,
      cash_part: 0n,
      bonus_part: 0n,
      bonus_id: null,
      hold_id: mintId('h'),
      jackpot_contribution: 0n,
      won: 0n,
      parts: 0n,
      state: 'rolled_back',
      tombstone: 1n,
      win_only: 0n,
      created_at: at,
      updated_at: at,
    });
    if (left) {
      return {
        status: 200,
        events: [
          {
            type: 'bet.rolled_back',
            playerId,
            payload: {
              bet_id: body.bet_id,
              round_id: body.round_id,
              rollback_id: rollbackId,
              tombstone: true,
              ...(reason ? { reason } : {}),
            },
          },
        ],
        body: { status: 'rolled_back', rollback_id: rollbackId },
      };
    }
    bet = await findBet(tx, scope.brand, scope.provider, body.bet_id, { lock: true });
    if (!bet) throw new Error(`bet ${body.bet_id}: its id is taken but no row is visible`);
  }
  const player = found?.player ?? ((await lockPlayer(tx, scope.brand, bet.player_id)) as PlayerRow | null);
  if (bet.state === 'rolled_back') {
    throw new WalletError('ALREADY_ROLLED_BACK', `bet ${bet.bet_id} was already rolled back`);
  }
  if (bet.state === 'settled' || bet.state === 'partially_settled') {
    throw new WalletError(
      'ALREADY_SETTLED',
      `bet ${bet.bet_id} was already settled; a settled bet cannot be rolled back`,
    );
  }
  const currency = bet.currency as string;
  if (body.amount && body.amount.currency !== currency) {
    throw new WalletError(
      'CURRENCY_MISMATCH',
      `the amount is in ${body.amount.currency} but bet ${bet.bet_id} is in ${currency}`,
    );
  }
  if (named !== undefined && named !== bet.amount) {
    const held = toWireMoney(bet.amount, currency);
    throw new WalletError(
      'VALIDATION_FAILED',
      `the rollback names ${body.amount?.amount} ${currency} but bet ${bet.bet_id} staked ${held.amount} ${currency}; send the bet's own amount or none`,
      { errors: [{ path: '/amount/amount', message: `must equal the bet's stake ${held.amount}` }] },
    );
  }
  const meta = { bet_id: bet.bet_id, round_id: bet.round_id, trace_id: scope.traceId };
  // The holds' voids and the jackpot share's return: one set.
  await tx.postBatch({
    voids: openHolds(bet).map((id) => ({ id, kind: 'bet_rolled_back', metadata: meta })),
    transfers:
      bet.jackpot_contribution > 0n
        ? [
            {
              id: `${bet.hold_id}:jackpot:void`,
              debit: houseOf(scope.brand, 'jackpot'),
              credit: houseOf(scope.brand, 'bets'),
              amount: bet.jackpot_contribution,
              currency,
              kind: 'jackpot_contribution_void',
              metadata: meta,
            },
          ]
        : [],
  });
  await tx.write(
    `UPDATE wallet_bets SET state = 'rolled_back', updated_at = ? WHERE brand = ? AND provider = ? AND bet_id = ?`,
    [now.toISOString(), scope.brand, scope.provider, bet.bet_id],
  );
  if (bet.session_id) {
    await tx.write(`UPDATE wallet_sessions SET wagered = wagered - ? WHERE brand = ? AND session_id = ?`, [
      bet.amount,
      scope.brand,
      bet.session_id,
    ]);
  }
  const after = await balanceAfter(tx, scope.brand, bet.player_id, currency);
  return {
    status: 200,
    region: player?.region ?? null,
    events: [
      {
        type: 'bet.rolled_back',
        playerId: bet.player_id,
        payload: {
          bet_id: bet.bet_id,
          round_id: bet.round_id,
          rollback_id: rollbackId,
          tombstone: false,
          amount: toWireMoney(bet.amount, currency),
          ...(reason ? { reason } : {}),
        },
      },
      {
        type: 'wallet.credit',
        playerId: bet.player_id,
        payload: {
          transaction_id: rollbackId,
          amount: toWireMoney(bet.amount, currency),
          balance_after: after,
          reason: 'rollback',
          bet_id: bet.bet_id,
          round_id: bet.round_id,
          ...(bet.session_id ? { session_id: bet.session_id } : {}),
        },
      },
    ],
    body: {
      status: 'rolled_back',
      rollback_id: rollbackId,
      balance: asWireBalance(after, currency),
    },
  };
}
