import {
  type AuthorizeBody,
  authorizeBet,
  authorizePartition,
  betPartition,
  type RollbackBody,
  rollbackBet,
  type SettleBody,
  settleBet,
} from './bets.ts';
import { parseWire, type RequestScope, type WalletContext, wireBalance } from './context.ts';
import { type EmulatorBody, type EmulatorRollbackBody, emulatorMove, emulatorRollback } from './emulator.ts';
import { WalletError } from './errors.ts';
import { idempotent, readOnly, type WireResponse } from './idempotency.ts';
import { evaluateRg, loadRgProfile } from './rg.ts';
import {
  type CreateSessionBody,
  checkRegion,
  createSession,
  endSession,
  requireSession,
  sessionBody,
} from './sessions.ts';
import { readSwitches } from './switches.ts';

export interface RgCheckBody {
  player_id: string;
  action?: 'bet' | 'session_start';
  session_id?: string;
  amount?: { amount: string; currency: string };
}

/**
 * The contract's operations, each answering `{status, body}` as the generated server sends it.
 * Writes are idempotent (`idempotent`): one transaction claims the key, runs the effect and stores the answer.
 */
export interface ContractOperations {
  health(): Promise<{ status: 'ok' | 'degraded'; version: string; time: string }>;
  createSession(scope: RequestScope, body: CreateSessionBody): Promise<WireResponse>;
  getSession(scope: RequestScope, sessionId: string): Promise<WireResponse>;
  endSession(scope: RequestScope, sessionId: string): Promise<WireResponse>;
  authorizeBet(scope: RequestScope, body: AuthorizeBody): Promise<WireResponse>;
  settleBet(scope: RequestScope, body: SettleBody): Promise<WireResponse>;
  rollbackBet(scope: RequestScope, body: RollbackBody): Promise<WireResponse>;
  getBalance(scope: RequestScope, playerId: string): Promise<WireResponse>;
  checkResponsibleGaming(scope: RequestScope, body: RgCheckBody): Promise<WireResponse>;
}

/** The sandbox's wallet emulator (`/wallet/*`): plain debits, credits and their reversal. */
export interface WalletEmulators {
  walletDebit(scope: RequestScope, body: EmulatorBody): Promise<WireResponse>;
  walletCredit(scope: RequestScope, body: EmulatorBody): Promise<WireResponse>;
  walletRollback(scope: RequestScope, body: EmulatorRollbackBody): Promise<WireResponse>;
}

export function contractOperations(
  ctx: WalletContext,
  version: string,
): ContractOperations & WalletEmulators {
  return {
    async health(): Promise<{ status: 'ok' | 'degraded'; version: string; time: string }> {
      const switches = await ctx.ledger.transaction((tx) => readSwitches(tx, ''));
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
      idempotent(
        ctx,
        'authorizeBet',
        scope,
        body,
        (tx, now) => authorizeBet(ctx, tx, now, scope, body),
        authorizePartition(ctx, scope, body),
      ),
    settleBet: (scope: RequestScope, body: SettleBody): Promise<WireResponse> =>
      idempotent(
        ctx,
        'settleBet',
        scope,
        body,
        (tx, now) => settleBet(ctx, tx, now, scope, body),
        betPartition(ctx, scope, body.bet_id),
      ),
    rollbackBet: (scope: RequestScope, body: RollbackBody): Promise<WireResponse> =>
      idempotent(
        ctx,
        'rollbackBet',
        scope,
        body,
        (tx, now) => rollbackBet(ctx, tx, now, scope, body),
        betPartition(ctx, scope, body.bet_id),
      ),
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
    checkResponsibleGaming: (scope: RequestScope, body: RgCheckBody): Promise<WireResponse> =>
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
        checkRegion(player.region, scope.region, player.player_id);
        // The stop light answers for this player, in this player's currency, in a session of theirs:
        // anything else would be a green light for a question nobody asked.
        const stake = body.amount ? parseWire(body.amount, '/amount/amount').minor : 0n;
        if (body.amount && body.amount.currency !== player.currency) {
          throw new WalletError(
            'CURRENCY_MISMATCH',
            `player ${player.player_id} plays in ${player.currency}, not ${body.amount.currency}; ask in ${player.currency}`,
          );
        }
        const session = body.session_id ? await requireSession(tx, scope.brand, body.session_id) : null;
        if (session && session.player_id !== player.player_id) {
          throw new WalletError(
            'PLAYER_NOT_FOUND',
            `session ${session.session_id} does not belong to player ${player.player_id}`,
          );
        }
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
  };
}
