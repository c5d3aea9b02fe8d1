import type { LedgerTx } from '@croupier/ledger';
import {
  findSession,
  mintId,
  requirePlayer,
  type SessionRow,
  sessionStatus,
  type WalletContext,
} from './context.ts';
import { WalletError } from './errors.ts';
import type { EffectResult } from './idempotency.ts';
import { evaluateRg, loadRgProfile } from './rg.ts';
import { readSwitches } from './switches.ts';

export interface CreateSessionBody {
  player_id: string;
  game_id: string;
  currency: string;
  locale: string;
}

export function sessionBody(session: SessionRow, now: Date) {
  return {
    session_id: session.session_id,
    player_id: session.player_id,
    game_id: session.game_id,
    currency: session.currency,
    ...(session.locale ? { locale: session.locale } : {}),
    status: sessionStatus(session, now),
    created_at: session.created_at,
    expires_at: session.expires_at,
    ...(session.ended_at ? { ended_at: session.ended_at } : {}),
  };
}

export function checkKyc(status: string, playerId: string): void {
  if (status === 'pending') {
    throw new WalletError('KYC_PENDING', `player ${playerId} has not completed KYC yet; retry once verified`);
  }
  if (status === 'denied')
    throw new WalletError('KYC_DENIED', `player ${playerId} failed KYC; play is refused`);
}

export function checkRegion(playerRegion: string | null, requestRegion: string, playerId: string): void {
  if (playerRegion && playerRegion !== requestRegion) {
    throw new WalletError(
      'REGION_MISMATCH',
      `player ${playerId} belongs to region ${playerRegion}, not ${requestRegion}: send X-Region ${playerRegion}`,
    );
  }
}

export async function createSession(
  ctx: WalletContext,
  tx: LedgerTx,
  now: Date,
  scope: { brand: string; provider: string; region: string },
  body: CreateSessionBody,
): Promise<EffectResult> {
  const switches = await readSwitches(tx, scope.brand);
  if (switches.degraded) {
    throw new WalletError(
      'PLATFORM_DEGRADED',
      'the platform is degraded; retry with backoff and the same key',
    );
  }
  if (switches.newSessionsStopped) {
    throw new WalletError(
      'NEW_SESSIONS_STOPPED',
      'the operator stopped new sessions; open rounds still settle, try again later',
    );
  }
  const player = await requirePlayer(tx, scope.brand, body.player_id);
  checkRegion(player.region, scope.region, player.player_id);
  if (body.currency !== player.currency) {
    throw new WalletError(
      'CURRENCY_MISMATCH',
      `player ${player.player_id} plays in ${player.currency}, not ${body.currency}`,
    );
  }
  checkKyc(player.kyc_status, player.player_id);
  const verdict = await evaluateRg(tx, {
    player,
    profile: await loadRgProfile(tx, scope.brand, player.player_id),
    now,
  });
  if (verdict.blocked?.reason === 'self_exclusion') {
    throw new WalletError('RG_BLOCKED', verdict.blocked.message, { reason: verdict.blocked.reason }, [
      { type: 'rg.limit.hit', playerId: player.player_id, payload: verdict.blocked.payload },
    ]);
  }
  const session: SessionRow = {
    brand: scope.brand,
    session_id: mintId('s'),
    provider: scope.provider,
    player_id: player.player_id,
    game_id: body.game_id,
    currency: body.currency,
    locale: body.locale ?? null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.config.sessionTtlSeconds * 1000).toISOString(),
    ended_at: null,
    end_reason: null,
    reality_checked_at: now.toISOString(),
    wagered: 0n,
    won: 0n,
  };
  await tx.exec(
    `INSERT INTO wallet_sessions (brand, session_id, provider, player_id, game_id, currency, locale, created_at,
       expires_at, ended_at, end_reason, reality_checked_at, wagered, won)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 0, 0)`,
    [
      session.brand,
      session.session_id,
      session.provider,
      session.player_id,
      session.game_id,
      session.currency,
      session.locale,
      session.created_at,
      session.expires_at,
      session.reality_checked_at,
    ],
  );
  return {
    status: 201,
    body: sessionBody(session, now),
    region: player.region,
    events: [
      {
        type: 'session.started',
        playerId: player.player_id,
        payload: {
          session_id: session.session_id,
          game_id: session.game_id,
          currency: session.currency,
          locale: body.locale,
          expires_at: session.expires_at,
          provider_id: scope.provider,
        },
      },
    ],
  };
}

export async function requireSession(tx: LedgerTx, brand: string, sessionId: string): Promise<SessionRow> {
  const session = await findSession(tx, brand, sessionId);
  if (!session) throw new WalletError('SESSION_NOT_FOUND', `no session ${sessionId} in brand ${brand}`);
  return session;
}

/** Ends an active session; ending one that already ended or expired answers its current state. */
export async function endSession(
  tx: LedgerTx,
  now: Date,
  brand: string,
  sessionId: string,
  reason: 'ended' | 'expired' | 'operator_stop' = 'ended',
): Promise<EffectResult> {
  const session = await requireSession(tx, brand, sessionId);
  if (sessionStatus(session, now) !== 'active') return { status: 200, body: sessionBody(session, now) };
  if (reason === 'expired') {
    session.expires_at = now.toISOString();
    session.end_reason = 'expired';
    await tx.exec(
      `UPDATE wallet_sessions SET expires_at = ?, end_reason = 'expired' WHERE brand = ? AND session_id = ?`,
      [session.expires_at, brand, sessionId],
    );
  } else {
    session.ended_at = now.toISOString();
    session.end_reason = reason;
    await tx.exec(
      `UPDATE wallet_sessions SET ended_at = ?, end_reason = ? WHERE brand = ? AND session_id = ?`,
      [session.ended_at, reason, brand, sessionId],
    );
  }
  return {
    status: 200,
    body: sessionBody(session, now),
    events: [
      {
        type: 'session.ended',
        playerId: session.player_id,
        payload: {
          session_id: sessionId,
          reason,
          game_id: session.game_id,
          duration_seconds: Math.max(0, Math.floor((now.getTime() - Date.parse(session.created_at)) / 1000)),
        },
      },
    ],
  };
}

/** Sessions whose TTL passed without an end: marked expired (with `session.ended`), for sweeps. */
export async function expiredSessionIds(
  tx: LedgerTx,
  now: Date,
): Promise<Array<{ brand: string; session_id: string }>> {
  return tx.query(
    `SELECT brand, session_id FROM wallet_sessions WHERE ended_at IS NULL AND end_reason IS NULL AND expires_at <= ?
     ORDER BY expires_at LIMIT 500`,
    [now.toISOString()],
  );
}
