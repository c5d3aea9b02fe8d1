import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openapiContract } from '@croupier/contracts';
import { type Ledger, type OpenLedgerOptions, openLedger } from '@croupier/ledger';
import { formatAmount, fromMinor, parseAmount } from '@croupier/money';
import { parse as parseYaml } from 'yaml';
import { appendAudit, type AuditEntry, type AuditVerification, auditLog, verifyAuditChain } from './audit.ts';
import {
  type AuthorizeBody,
  authorizeBet,
  type RollbackBody,
  rollbackBet,
  type SettleBody,
  settleBet,
} from './bets.ts';
import { activeBonus, type BonusRow, expireBonus, type IssueBonusInput, newBonusId } from './bonus.ts';
import { percentToBasisPoints, resolveConfig, type WalletConfig } from './config.ts';
import {
  bonusAccount,
  cashAccount,
  emit,
  findSession,
  houseOf,
  parseWire,
  playerOwner,
  type RequestScope,
  toWireMoney,
  type WalletContext,
  wireBalance,
} from './context.ts';
import { WalletError } from './errors.ts';
import { type EmulatorBody, type EmulatorRollbackBody, emulatorMove, emulatorRollback } from './emulator.ts';
import type { EventOrigin, WalletEvent } from './events.ts';
import { idempotent, purgeIdempotencyKeys, readOnly, type WireResponse } from './idempotency.ts';
import { type ReconcileReport, reconcile } from './reconcile.ts';
import { evaluateRg, loadRgProfile, type RgProfile } from './rg.ts';
import { walletMigrations } from './schema.ts';
import {
  type CreateSessionBody,
  createSession,
  endSession,
  expiredSessionIds,
  requireSession,
  sessionBody,
} from './sessions.ts';
import { readSwitches, writeSwitch } from './switches.ts';

export interface CreateWalletOptions {
  ledger: Ledger;
  /** Time source for sessions, RG windows, bonus deadlines and event `occurred_at` (tests inject one). */
  clock?: () => Date;
  config?: WalletConfig;
}

export interface SeedPlayerInput {
  brand: string;
  player_id: string;
  currency: string;
  /** Decimal string credited to cash from the brand's deposits account. */
  cash: string;
  /** Decimal string issued as an active bonus (see `issueBonus`). */
  bonus?: string;
  /** Options of that bonus. */
  bonusOptions?: Omit<IssueBonusInput, 'brand' | 'player_id' | 'amount'>;
  region?: string;
  rg?: RgProfile;
  kyc?: 'verified' | 'pending' | 'denied';
}

export interface BetLedgerEntry {
  transfer_id: string;
  kind: string;
  debit: string;
  credit: string;
  amount: string;
  currency: string;
  trace_id: string | null;
  created_at: string;
}

const ADMIN_TRACE = 'admin';

function contractVersion(): string | undefined {
  try {
    return (parseYaml(readFileSync(openapiContract, 'utf8')) as { info?: { version?: string } }).info
      ?.version;
  } catch {
    return undefined;
  }
}

/**
 * The reference wallet's domain: every contract operation as a function answering `{status, body}`
 * (what the generated server sends), plus the admin functions the sandbox and certification use.
 */
export async function createWallet(options: CreateWalletOptions) {
  const ledger = options.ledger;
  await ledger.migrate(walletMigrations);
  const ctx: WalletContext = {
    ledger,
    clock: options.clock ?? (() => new Date()),
    config: resolveConfig(options.config),
  };
  const version = ctx.config.version ?? contractVersion() ?? '0.0.0';
  const adminOrigin = (brand: string): EventOrigin => ({
    brand,
    region: 'unknown',
    traceId: ADMIN_TRACE,
    idempotencyKey: null,
  });

  /** An admin change in one transaction, with its events and (when given) its audit entry. */
  const admin = <T>(
    brand: string,
    work: (
      tx: Parameters<Parameters<Ledger['transaction']>[0]>[0],
      now: Date,
      events: WalletEvent[],
    ) => Promise<T>,
    region?: () => string | null,
  ) =>
    ledger.transaction(async (tx) => {
      const now = ctx.clock();
      const events: WalletEvent[] = [];
      const result = await work(tx, now, events);
      await emit(tx, adminOrigin(brand), now, events, region?.() ?? null);
      return result;
    });

  const wallet = {
    ledger,
    version,
    context: ctx,

    // ---- contract operations ----------------------------------------------------------------
    async health(): Promise<{ status: 'ok' | 'degraded'; version: string; time: string }> {
      const switches = await ledger.transaction((tx) => readSwitches(tx, ''));
      return { status: switches.degraded ? 'degraded' : 'ok', version, time: ctx.clock().toISOString() };
    },
    createSession: (scope: RequestScope, body: CreateSessionBody): Promise<WireResponse> =>
      idempotent(ctx, 'createSession', scope, body, (tx, now) => createSession(ctx, tx, now, scope, body)),
    getSession: (scope: RequestScope, sessionId: string): Promise<WireResponse> =>
      readOnly(ctx, scope, async (tx, now) => ({
        status: 200,
        body: sessionBody(await requireSession(tx, scope.brand, sessionId), now),
      })),
    endSession: (scope: RequestScope, sessionId: string): Promise<WireResponse> =>
      idempotent(ctx, 'endSession', scope, { session_id: sessionId }, (tx, now) =>
        endSession(tx, now, scope.brand, sessionId),
      ),
    authorizeBet: (scope: RequestScope, body: AuthorizeBody): Promise<WireResponse> =>
      idempotent(ctx, 'authorizeBet', scope, body, (tx, now) => authorizeBet(ctx, tx, now, scope, body)),
    settleBet: (scope: RequestScope, body: SettleBody): Promise<WireResponse> =>
      idempotent(ctx, 'settleBet', scope, body, (tx, now) => settleBet(ctx, tx, now, scope, body)),
    rollbackBet: (scope: RequestScope, body: RollbackBody): Promise<WireResponse> =>
      idempotent(ctx, 'rollbackBet', scope, body, (tx, now) => rollbackBet(ctx, tx, now, scope, body)),
    getBalance: (scope: RequestScope, playerId: string): Promise<WireResponse> =>
      readOnly(ctx, scope, async (tx) => {
        const rows = await tx.query<{ currency: string }>(
          `SELECT currency FROM wallet_players WHERE brand = ? AND player_id = ?`,
          [scope.brand, playerId],
        );
        const player = rows[0];
        if (!player)
          throw new WalletError('PLAYER_NOT_FOUND', `no player ${playerId} in brand ${scope.brand}`);
        return {
          status: 200,
          body: {
            player_id: playerId,
            balances: [await wireBalance(tx, scope.brand, playerId, player.currency)],
          },
        };
      }),
    walletDebit: (scope: RequestScope, body: EmulatorBody): Promise<WireResponse> =>
      idempotent(ctx, 'walletDebit', scope, body, (tx, now) => emulatorMove(tx, now, scope, 'debit', body)),
    walletCredit: (scope: RequestScope, body: EmulatorBody): Promise<WireResponse> =>
      idempotent(ctx, 'walletCredit', scope, body, (tx, now) => emulatorMove(tx, now, scope, 'credit', body)),
    walletRollback: (scope: RequestScope, body: EmulatorRollbackBody): Promise<WireResponse> =>
      idempotent(ctx, 'walletRollback', scope, body, (tx, now) => emulatorRollback(tx, now, scope, body)),
    checkResponsibleGaming: (
      scope: RequestScope,
      body: {
        player_id: string;
        action?: 'bet' | 'session_start';
        session_id?: string;
        amount?: { amount: string; currency: string };
      },
    ): Promise<WireResponse> =>
      idempotent(ctx, 'checkResponsibleGaming', scope, body, async (tx, now) => {
        const rows = await tx.query<{
          brand: string;
          player_id: string;
          currency: string;
          region: string | null;
          kyc_status: 'verified';
        }>(
          `SELECT brand, player_id, currency, region, kyc_status FROM wallet_players WHERE brand = ? AND player_id = ?`,
          [scope.brand, body.player_id],
        );
        const player = rows[0];
        if (!player)
          throw new WalletError('PLAYER_NOT_FOUND', `no player ${body.player_id} in brand ${scope.brand}`);
        const session = body.session_id ? await findSession(tx, scope.brand, body.session_id) : null;
        const stake =
          body.amount && body.amount.currency === player.currency
            ? parseWire(body.amount, '/amount').minor
            : 0n;
        const verdict = await evaluateRg(tx, {
          player,
          profile: await loadRgProfile(tx, scope.brand, player.player_id),
          session,
          stake,
          now,
        });
        return {
          status: 200,
          body: {
            player_id: player.player_id,
            decision: verdict.blocked ? 'deny' : 'allow',
            ...(verdict.blocked ? { reason: verdict.blocked.reason } : {}),
            ...(verdict.lossLimitRemaining ? { loss_limit_remaining: verdict.lossLimitRemaining } : {}),
            ...(verdict.sessionTimeLeftSeconds !== undefined
              ? { session_time_left_seconds: verdict.sessionTimeLeftSeconds }
              : {}),
          },
        };
      }),

    // ---- admin ------------------------------------------------------------------------------
    /** The player's record, or null. */
    player: (brand: string, playerId: string) =>
      ledger.transaction(async (tx) => {
        const rows = await tx.query<{
          player_id: string;
          currency: string;
          region: string | null;
          kyc_status: string;
        }>(
          `SELECT player_id, currency, region, kyc_status FROM wallet_players WHERE brand = ? AND player_id = ?`,
          [brand, playerId],
        );
        return rows[0] ?? null;
      }),

    /** Creates (or updates) a player and credits `cash` from the brand's deposits account. */
    async seedPlayer(input: SeedPlayerInput): Promise<void> {
      const cash = parseAmount(input.cash, input.currency).minor;
      await admin(
        input.brand,
        async (tx, now, events) => {
          await tx.exec(
            `INSERT INTO wallet_players (brand, player_id, currency, region, kyc_status, created_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (brand, player_id) DO UPDATE SET currency = excluded.currency, region = excluded.region,
               kyc_status = excluded.kyc_status`,
            [
              input.brand,
              input.player_id,
              input.currency,
              input.region ?? null,
              input.kyc ?? 'verified',
              now.toISOString(),
            ],
          );
          await tx.openAccount({ ...cashAccount(input.brand, input.player_id), currency: input.currency });
          await tx.openAccount({ ...bonusAccount(input.brand, input.player_id), currency: input.currency });
          if (cash > 0n) {
            const transactionId = `deposit:${input.brand}:${input.player_id}:${now.getTime()}:${randomUUID().slice(0, 8)}`;
            await tx.postTransfers([
              {
                id: transactionId,
                debit: houseOf(input.brand, 'deposits'),
                credit: cashAccount(input.brand, input.player_id),
                amount: cash,
                currency: input.currency,
                kind: 'deposit',
              },
            ]);
            const b = await wireBalance(tx, input.brand, input.player_id, input.currency);
            events.push({
              type: 'wallet.credit',
              playerId: input.player_id,
              payload: {
                transaction_id: transactionId,
                amount: toWireMoney(cash, input.currency),
                balance_after: {
                  cash: { amount: b.cash, currency: input.currency },
                  bonus: { amount: b.bonus, currency: input.currency },
                },
                reason: 'deposit',
              },
            });
          }
          if (input.rg) await writeRgProfile(tx, now, input.brand, input.player_id, input.rg);
        },
        () => input.region ?? null,
      );
      if (input.bonus) {
        await wallet.issueBonus({
          brand: input.brand,
          player_id: input.player_id,
          amount: input.bonus,
          ...input.bonusOptions,
        });
      }
    },

    /** Sets a player's KYC/AML verdict (the sandbox's KYC emulator); `pending` and `denied` refuse new sessions and bets; audited. */
    setKycStatus: (brand: string, playerId: string, status: 'verified' | 'pending' | 'denied') =>
      admin(brand, async (tx, now) => {
        const updated = await tx.query<{ player_id: string }>(
          `UPDATE wallet_players SET kyc_status = ? WHERE brand = ? AND player_id = ? RETURNING player_id`,
          [status, brand, playerId],
        );
        if (updated.length === 0)
          throw new Error(`PLAYER_NOT_FOUND: no player ${playerId} in brand ${brand}`);
        await appendAudit(tx, now, { action: 'kyc.set', subject: `${brand}/${playerId}`, data: { status } });
      }),

    /** Replaces a player's RG profile (self-exclusion, loss limits, time limit); audited. */
    setRgProfile: (brand: string, playerId: string, profile: RgProfile) =>
      admin(brand, (tx, now) => writeRgProfile(tx, now, brand, playerId, profile)),

    /** Credits a bonus to the bonus balance and opens its wagering; emits `bonus.issued`. */
    issueBonus: (input: IssueBonusInput): Promise<BonusRow> =>
      admin(input.brand, async (tx, now, events) => {
        const players = await tx.query<{ currency: string }>(
          `SELECT currency FROM wallet_players WHERE brand = ? AND player_id = ?`,
          [input.brand, input.player_id],
        );
        const currency = players[0]?.currency;
        if (!currency)
          throw new Error(`PLAYER_NOT_FOUND: seed player ${input.player_id} before issuing a bonus`);
        if (await activeBonus(tx, input.brand, input.player_id, now, events)) {
          throw new Error(
            `BONUS_ACTIVE: player ${input.player_id} already has an active bonus; wait for it to end`,
          );
        }
        const amount = parseAmount(input.amount, currency).minor;
        const multiplier = input.wagering_multiplier ?? ctx.config.defaultWageringMultiplier;
        const bonus: BonusRow = {
          bonus_id: input.bonus_id ?? newBonusId(),
          brand: input.brand,
          player_id: input.player_id,
          currency,
          bonus_type: input.bonus_type ?? 'deposit_match',
          amount,
          wagering_required: amount * BigInt(multiplier),
          wagered: 0n,
          max_bet: input.max_bet ? parseAmount(input.max_bet, currency).minor : null,
          expires_at:
            input.expires_at ?? new Date(now.getTime() + ctx.config.bonusTtlSeconds * 1000).toISOString(),
          state: 'active',
          created_at: now.toISOString(),
        };
        const columns = Object.keys(bonus) as (keyof BonusRow)[];
        await tx.exec(
          `INSERT INTO wallet_bonuses (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          columns.map((c) => bonus[c]),
        );
        await tx.postTransfers([
          {
            id: `${bonus.bonus_id}:issued`,
            debit: houseOf(input.brand, 'bonus_fund'),
            credit: bonusAccount(input.brand, input.player_id),
            amount,
            currency,
            kind: 'bonus_issued',
          },
        ]);
        events.push({
          type: 'bonus.issued',
          playerId: input.player_id,
          payload: {
            bonus_id: bonus.bonus_id,
            bonus_type: bonus.bonus_type,
            amount: toWireMoney(amount, currency),
            wagering_multiplier: multiplier,
            wagering_required: toWireMoney(bonus.wagering_required, currency),
            ...(bonus.max_bet !== null ? { max_bet: toWireMoney(bonus.max_bet, currency) } : {}),
            expires_at: bonus.expires_at,
          },
        });
        return bonus;
      }),

    /** Jackpot share of each stake for a game (`*` = every game of the brand), as a percent string like "1.5"; audited. */
    setJackpotConfig: (input: { brand: string; game_id?: string; percent: string }) =>
      admin(input.brand, async (tx, now) => {
        const basisPoints = percentToBasisPoints(input.percent);
        const gameId = input.game_id ?? '*';
        await tx.exec(
          `INSERT INTO wallet_jackpot_config (brand, game_id, basis_points, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (brand, game_id) DO UPDATE SET basis_points = excluded.basis_points, updated_at = excluded.updated_at`,
          [input.brand, gameId, basisPoints, now.toISOString()],
        );
        await appendAudit(tx, now, {
          action: 'jackpot_config.set',
          subject: `${input.brand}/${gameId}`,
          data: { percent: input.percent, basis_points: basisPoints },
        });
      }),

    /** Records a game's RTP profile (the wallet does not use it; certification and audits read it); audited. */
    setRtpProfile: (input: { brand: string; game_id: string; profile: Record<string, unknown> }) =>
      admin(input.brand, async (tx, now) => {
        await tx.exec(
          `INSERT INTO wallet_rtp_profiles (brand, game_id, profile, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (brand, game_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at`,
          [input.brand, input.game_id, JSON.stringify(input.profile), now.toISOString()],
        );
        await appendAudit(tx, now, {
          action: 'rtp_profile.set',
          subject: `${input.brand}/${input.game_id}`,
          data: input.profile,
        });
      }),

    /** Expires a session now (`session.ended` with reason expired); its open bets still settle. */
    expireSession: (brand: string, sessionId: string) =>
      admin(brand, async (tx, now, events) => {
        const result = await endSession(tx, now, brand, sessionId, 'expired');
        events.push(...(result.events ?? []));
        return result.body;
      }),

    /** The "stop new sessions" red button, for one brand or (without brand) all; audited. */
    setKillSwitch: (on: boolean, brand?: string) =>
      admin(brand ?? 'all', async (tx, now) => {
        const name = brand ? `new_sessions_stopped:${brand}` : 'new_sessions_stopped';
        await writeSwitch(tx, name, on, now);
        await appendAudit(tx, now, { action: 'kill_switch.set', subject: brand ?? '*', data: { on } });
      }),

    /** Degraded mode: new sessions and bets answer 503 PLATFORM_DEGRADED, settles and rollbacks continue. */
    setDegraded: (on: boolean) =>
      admin('all', async (tx, now) => {
        await writeSwitch(tx, 'degraded', on, now);
        await appendAudit(tx, now, { action: 'degraded.set', subject: '*', data: { on } });
      }),

    /** Cash, bonus and held balances of a player, as decimal strings. */
    balances: (brand: string, playerId: string) =>
      ledger.transaction(async (tx) => {
        const rows = await tx.balances(playerOwner(brand, playerId));
        const out: Record<string, { cash: string; bonus: string; held: string }> = {};
        for (const r of rows) {
          const entry = out[r.currency] ?? { cash: '0', bonus: '0', held: '0' };
          out[r.currency] = entry;
          if (r.kind === 'cash' || r.kind === 'bonus' || r.kind === 'held') {
            entry[r.kind] = formatAmount(fromMinor(r.balance, r.currency));
          }
        }
        for (const [currency, e] of Object.entries(out)) {
          for (const k of ['cash', 'bonus', 'held'] as const)
            if (e[k] === '0') e[k] = formatAmount(fromMinor(0n, currency));
        }
        return out;
      }),

    /** Every ledger transfer of a bet (hold, posts, voids, wins, jackpot share) with the trace id that caused it. */
    betLedger: (brand: string, betId: string): Promise<BetLedgerEntry[]> =>
      ledger.transaction(async (tx) => {
        const bets = await tx.query<{ hold_id: string }>(
          `SELECT hold_id FROM wallet_bets WHERE brand = ? AND bet_id = ?`,
          [brand, betId],
        );
        const entries: BetLedgerEntry[] = [];
        for (const bet of bets) {
          const rows = await tx.query<{
            id: string;
            kind: string;
            amount: bigint;
            currency: string;
            metadata: string | null;
            created_at: string;
            debit: string;
            credit: string;
          }>(
            `SELECT t.id, t.kind, t.amount, t.currency, t.metadata, t.created_at,
               d.owner || ':' || d.kind AS debit, c.owner || ':' || c.kind AS credit
             FROM ledger_transfers t JOIN ledger_accounts d ON d.id = t.debit_account_id
             JOIN ledger_accounts c ON c.id = t.credit_account_id
             WHERE t.id LIKE ? ORDER BY t.created_at, t.id`,
            [`${bet.hold_id}:%`],
          );
          for (const r of rows) {
            const meta = r.metadata ? (JSON.parse(r.metadata) as { trace_id?: string }) : {};
            entries.push({
              transfer_id: r.id,
              kind: r.kind,
              debit: r.debit,
              credit: r.credit,
              amount: formatAmount(fromMinor(r.amount, r.currency)),
              currency: r.currency,
              trace_id: meta.trace_id ?? null,
              created_at: r.created_at,
            });
          }
        }
        return entries;
      }),

    /** Expires bonuses and sessions past their deadline; returns how many of each. */
    async sweep(): Promise<{ expiredBonusCount: number; sessions: number; idempotencyKeys: number }> {
      const now = ctx.clock().toISOString();
      const due = await ledger.transaction((tx) =>
        tx.query<BonusRow>(`SELECT * FROM wallet_bonuses WHERE state = 'active' AND expires_at <= ?`, [now]),
      );
      for (const bonus of due) {
        await admin(bonus.brand, async (tx, _now, events) => {
          const still = await tx.query(
            `SELECT 1 FROM wallet_bonuses WHERE bonus_id = ? AND state = 'active'`,
            [bonus.bonus_id],
          );
          if (still.length > 0) events.push(...(await expireBonus(tx, bonus)));
        });
      }
      const sessions = await ledger.transaction((tx) => expiredSessionIds(tx, ctx.clock()));
      for (const s of sessions) await wallet.expireSession(s.brand, s.session_id);
      return {
        expiredBonusCount: due.length,
        sessions: sessions.length,
        idempotencyKeys: await purgeIdempotencyKeys(ctx),
      };
    },
    purgeIdempotencyKeys: () => purgeIdempotencyKeys(ctx),
    verifyAuditChain: (): Promise<AuditVerification> => verifyAuditChain(ledger),
    auditLog: (): Promise<AuditEntry[]> => auditLog(ledger),
    reconcile: (): Promise<ReconcileReport> => reconcile(ledger),
  };
  return wallet;
}

export type Wallet = Awaited<ReturnType<typeof createWallet>>;

async function writeRgProfile(
  tx: Parameters<Parameters<Ledger['transaction']>[0]>[0],
  now: Date,
  brand: string,
  playerId: string,
  profile: RgProfile,
): Promise<void> {
  await tx.exec(
    `INSERT INTO wallet_rg_limits (brand, player_id, profile, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (brand, player_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at`,
    [brand, playerId, JSON.stringify(profile), now.toISOString()],
  );
  await appendAudit(tx, now, { action: 'rg_limits.set', subject: `${brand}/${playerId}`, data: profile });
}

export interface OpenWalletOptions extends Omit<CreateWalletOptions, 'ledger'> {
  /** PostgreSQL URL (e.g. DATABASE_URL); else `file` (SQLite). */
  url?: string;
  file?: string;
  /** PostgreSQL only: a schema of its own (tests). */
  schema?: string;
  poolSize?: number;
}

/** Opens the ledger and the wallet on it; `close()` closes both. */
export async function openWallet(options: OpenWalletOptions): Promise<Wallet & { close(): Promise<void> }> {
  const ledgerOptions: OpenLedgerOptions = options.url
    ? { url: options.url, schema: options.schema, poolSize: options.poolSize }
    : { file: options.file ?? ':memory:' };
  const ledger = await openLedger(ledgerOptions);
  try {
    const wallet = await createWallet({ ...options, ledger });
    return Object.assign(wallet, { close: () => ledger.close() });
  } catch (error) {
    await ledger.close();
    throw error;
  }
}
