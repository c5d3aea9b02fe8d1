import { spanNames, withSpan } from '@croupier/telemetry';
import { isLedgerError, type LedgerTx } from '@croupier/ledger';
import { canonicalJson, sha256 } from './canonical.ts';
import type { RequestScope, WalletContext } from './context.ts';
import { errorBody, isWalletError, WalletError } from './errors.ts';
import type { WalletEvent } from './events.ts';
import { emit, originOf, toWireMoney } from './context.ts';

export interface WireResponse {
  status: number;
  body: unknown;
}

/** What an operation's effect answers: the response and the events committed with it. */
export interface EffectResult extends WireResponse {
  events?: readonly WalletEvent[];
  /** Region of the player the events are about (data residency); defaults to the request's. */
  region?: string | null;
}

/**
 * Business refusals whose answer depends only on state the request cannot change by being repeated
 * are stored with the key, so a retry gets the same bytes. Not stored: 404s (the bet or session may
 * appear later: a settle that overtook its authorize must succeed on retry) and 5xx (transient).
 */
const storedRefusal = (status: number) => status >= 400 && status < 500 && status !== 404;

/**
 * Ledger refusals that are the caller's input, not the wallet's fault: a credit past the largest
 * balance. Answered as a stored 400 instead of escaping as a 500.
 */
function asRefusal(error: unknown): unknown {
  if (isLedgerError(error, 'BALANCE_LIMIT')) {
    const account = error.details.account as { kind?: string; currency?: string } | undefined;
    const currency = account?.currency ?? '';
    const limit = typeof error.details.limit === 'bigint' ? error.details.limit : undefined;
    const largest =
      limit !== undefined && currency ? `${toWireMoney(limit, currency).amount} ${currency}` : 'the limit';
    return new WalletError(
      'VALIDATION_FAILED',
      `this would take the player's ${account?.kind ?? ''} balance past the largest balance ${largest}; nothing was moved`,
      { errors: [{ path: '', message: `balance would exceed ${largest}` }] },
    );
  }
  return error;
}

/** What a thrown refusal becomes: stored (Refused), answered but not stored (Unstored), or rethrown. */
function refusalOf(thrown: unknown, scope: RequestScope): unknown {
  const error = asRefusal(thrown);
  if (!isWalletError(error)) return error;
  if (!storedRefusal(error.status)) return new Unstored(error);
  return new Refused({
    status: error.status,
    body: errorBody(error.code, error.message, scope.traceId, error.details),
    events: error.events,
  });
}

class Unstored {
  constructor(readonly error: WalletError) {}
}

/** A refusal to store: thrown out of the effect's transaction so that nothing the effect wrote stays. */
class Refused {
  constructor(readonly result: EffectResult) {}
}

/**
 * Runs `effect` once per (brand, provider, operation, key): the key is claimed inside the same
 * database transaction as the effect (primary key on the four columns). A concurrent duplicate
 * waits on the claimed row (PostgreSQL) or the write lock (SQLite), then reads the stored answer.
 * Same key + same request → the stored status and body, byte for byte; other request → 409.
 *
 * A refusal worth storing (a 4xx other than 404) rolls the effect's transaction back whole and is
 * stored by a second, short one. The common case, success, thus needs no savepoint around the
 * effect (two statements, two round trips on PostgreSQL, per operation); if a duplicate of the key
 * committed in between, the second transaction answers what that one stored.
 */
export async function idempotent(
  ctx: WalletContext,
  operation: string,
  scope: RequestScope,
  request: unknown,
  effect: (tx: LedgerTx, now: Date) => Promise<EffectResult>,
  /** The player the effect is about, when known ahead: lets PostgreSQL share its commit (see Ledger.transaction). */
  partition?: string,
): Promise<WireResponse> {
  const key = scope.idempotencyKey;
  if (!key) throw new Error(`${operation} needs an idempotency key (X-Idempotency-Key)`);
  const hash = sha256(canonicalJson(request));
  let effectNow: Date | undefined;
  const run = (refused?: { result: EffectResult; at: Date }) =>
    // The effect's transaction is a span of its own under the request's, so a trace shows where time went.
    withSpan(
      spanNames.dbTransaction,
      {
        'db.system': ctx.ledger.dialect === 'postgres' ? 'postgresql' : 'sqlite',
        'croupier.operation': operation,
      },
      () =>
        ctx.ledger.transaction(
          async (tx) => {
            const now = refused?.at ?? ctx.clock();
            effectNow = now;
            const claim = tx.exec(
              `INSERT INTO wallet_idempotency (brand, provider, operation, idempotency_key, request_hash, status, response, created_at)
         VALUES (?, ?, ?, ?, ?, 0, '', ?) ON CONFLICT (brand, provider, operation, idempotency_key) DO NOTHING`,
              [scope.brand, scope.provider, operation, key, hash, now.toISOString()],
            );
            if (tx.pipelined && !refused) {
              // The claim and the effect's first reads share a round trip. A key already taken is the
              // uncommon case: the transaction runs again with the claim waited for, and replays.
              const outcome = await effect(tx, now).then(
                (result) => ({ result }),
                (thrown: unknown) => ({ thrown }),
              );
              if ((await claim) === 0) tx.waitForEachStatement('the idempotency key is already taken');
              if ('thrown' in outcome) throw refusalOf(outcome.thrown, scope);
              return finish(tx, outcome.result);
            }
            if ((await claim) === 0) {
              const rows = await tx.query<{ request_hash: string; status: bigint; response: string }>(
                `SELECT request_hash, status, response FROM wallet_idempotency
           WHERE brand = ? AND provider = ? AND operation = ? AND idempotency_key = ?`,
                [scope.brand, scope.provider, operation, key],
              );
              const stored = rows[0];
              if (stored && stored.request_hash !== hash) {
                return {
                  status: 409,
                  body: errorBody(
                    'IDEMPOTENCY_MISMATCH',
                    `X-Idempotency-Key ${key} was already used for ${operation} with a different body; use a new key for a new request`,
                    scope.traceId,
                  ),
                };
              }
              if (stored)
                return { status: Number(stored.status), body: JSON.parse(stored.response) as unknown };
            }
            let result: EffectResult;
            if (refused) {
              result = refused.result;
            } else {
              try {
                result = await effect(tx, now);
              } catch (thrown) {
                throw refusalOf(thrown, scope);
              }
            }
            return finish(tx, result);
          },
          { partition },
        ),
    );
  /** Events and the stored answer, in the effect's transaction; answers what a replay will answer. */
  const finish = async (tx: LedgerTx, result: EffectResult): Promise<WireResponse> => {
    await emit(tx, originOf(scope), effectNow ?? ctx.clock(), result.events ?? [], result.region);
    const response = JSON.stringify(result.body);
    await tx.write(
      `UPDATE wallet_idempotency SET status = ?, response = ?
         WHERE brand = ? AND provider = ? AND operation = ? AND idempotency_key = ?`,
      [result.status, response, scope.brand, scope.provider, operation, key],
    );
    // The stored bytes, parsed.
    return { status: result.status, body: JSON.parse(response) as unknown };
  };
  try {
    return await run();
  } catch (error) {
    if (error instanceof Refused) return run({ result: error.result, at: effectNow ?? ctx.clock() });
    if (error instanceof Unstored) {
      return {
        status: error.error.status,
        body: errorBody(error.error.code, error.error.message, scope.traceId, error.error.details),
      };
    }
    throw error;
  }
}

/** Runs a read in its own transaction, answering a WalletError as its error body. */
export async function readOnly(
  ctx: WalletContext,
  scope: RequestScope,
  read: (tx: LedgerTx, now: Date) => Promise<WireResponse>,
): Promise<WireResponse> {
  try {
    return await ctx.ledger.transaction((tx) => read(tx, ctx.clock()));
  } catch (error) {
    if (isWalletError(error)) {
      return {
        status: error.status,
        body: errorBody(error.code, error.message, scope.traceId, error.details),
      };
    }
    throw error;
  }
}

/** Deletes keys older than the retention; returns how many. */
export async function purgeIdempotencyKeys(ctx: WalletContext): Promise<number> {
  const cutoff = new Date(
    ctx.clock().getTime() - ctx.config.idempotencyRetentionSeconds * 1000,
  ).toISOString();
  return ctx.ledger.transaction((tx) =>
    tx.exec(`DELETE FROM wallet_idempotency WHERE created_at < ?`, [cutoff]),
  );
}
