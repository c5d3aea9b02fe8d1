import { isLedgerError, type LedgerTx } from '@croupier/ledger';
import {
  balanceAfter,
  balanceOf,
  cashAccount,
  houseOf,
  parseWire,
  requirePlayer,
  toWireMoney,
  type WireMoney,
} from './context.ts';
import { WalletError } from './errors.ts';
import type { EffectResult } from './idempotency.ts';
import { checkRegion } from './sessions.ts';

/**
 * The sandbox's wallet emulator: plain cash debits and credits keyed by the provider's
 * transaction id (unique per brand and provider), and their reversal.
 */
export interface EmulatorBody {
  player_id: string;
  transaction_id: string;
  amount: WireMoney;
  round_id?: string;
  bet_id?: string;
}

export interface EmulatorRollbackBody {
  player_id?: string;
  transaction_id: string;
  original_transaction_id: string;
}

interface Scope {
  brand: string;
  provider: string;
  /** X-Region: the emulator keeps data residency like every other money operation. */
  region: string;
}

interface TransactionRow {
  transaction_id: string;
  player_id: string;
  type: 'debit' | 'credit' | 'rollback';
  amount: bigint;
  currency: string;
  rolled_back: bigint;
}

const transferId = (scope: Scope, transactionId: string) =>
  `wtx:${scope.brand}:${scope.provider}:${transactionId}`;

async function findTransaction(tx: LedgerTx, scope: Scope, id: string): Promise<TransactionRow | null> {
  const rows = await tx.query<TransactionRow>(
    `SELECT transaction_id, player_id, type, amount, currency, rolled_back FROM wallet_transactions
     WHERE brand = ? AND provider = ? AND transaction_id = ?`,
    [scope.brand, scope.provider, id],
  );
  return rows[0] ?? null;
}

async function record(
  tx: LedgerTx,
  scope: Scope,
  row: TransactionRow & { original?: string },
  at: Date,
): Promise<void> {
  await tx.exec(
    `INSERT INTO wallet_transactions (brand, provider, transaction_id, player_id, type, amount, currency,
       original_transaction_id, rolled_back, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    [
      scope.brand,
      scope.provider,
      row.transaction_id,
      row.player_id,
      row.type,
      row.amount,
      row.currency,
      row.original ?? null,
      at.toISOString(),
    ],
  );
}

export async function emulatorMove(
  tx: LedgerTx,
  now: Date,
  scope: Scope,
  type: 'debit' | 'credit',
  body: EmulatorBody,
): Promise<EffectResult> {
  const player = await requirePlayer(tx, scope.brand, body.player_id);
  checkRegion(player.region, scope.region, player.player_id);
  if (await findTransaction(tx, scope, body.transaction_id)) {
    throw new WalletError('DUPLICATE', `transaction ${body.transaction_id} already exists under another key`);
  }
  if (body.amount.currency !== player.currency) {
    throw new WalletError(
      'CURRENCY_MISMATCH',
      `player ${player.player_id} plays in ${player.currency}, not ${body.amount.currency}`,
    );
  }
  const amount = parseWire(body.amount, '/amount/amount').minor;
  const cash = cashAccount(scope.brand, player.player_id);
  const house = houseOf(scope.brand, type === 'debit' ? 'bets' : 'wins');
  try {
    await tx.postTransfers([
      {
        id: transferId(scope, body.transaction_id),
        debit: type === 'debit' ? cash : house,
        credit: type === 'debit' ? house : cash,
        amount,
        currency: player.currency,
        kind: `emulator_${type}`,
        metadata: { bet_id: body.bet_id, round_id: body.round_id },
      },
    ]);
  } catch (error) {
    if (isLedgerError(error, 'INSUFFICIENT_FUNDS')) {
      const b = await balanceOf(tx, scope.brand, player.player_id, player.currency);
      const balance = toWireMoney(b.cash, player.currency);
      throw new WalletError(
        'INSUFFICIENT_FUNDS',
        `cash ${balance.amount} ${player.currency} does not cover the debit`,
        {
          balance,
        },
      );
    }
    throw error;
  }
  await record(tx, scope, { ...body, type, amount, currency: player.currency, rolled_back: 0n }, now);
  const after = await balanceAfter(tx, scope.brand, player.player_id, player.currency);
  return {
    status: 200,
    region: player.region,
    events: [
      {
        type: type === 'debit' ? 'wallet.debit' : 'wallet.credit',
        playerId: player.player_id,
        payload: {
          transaction_id: body.transaction_id,
          amount: toWireMoney(amount, player.currency),
          balance_after: after,
          reason: type === 'debit' ? 'bet' : 'win',
          // No bet_id: emulator moves are not bets, and reconciliation counts bet events by bet_id.
          ...(body.round_id ? { round_id: body.round_id } : {}),
        },
      },
    ],
    body: { transaction_id: body.transaction_id, type, status: 'completed', balance: after.cash },
  };
}

export async function emulatorRollback(
  tx: LedgerTx,
  now: Date,
  scope: Scope,
  body: EmulatorRollbackBody,
): Promise<EffectResult> {
  const original = await findTransaction(tx, scope, body.original_transaction_id);
  if (!original || original.type === 'rollback') {
    throw new WalletError(
      'TRANSACTION_NOT_FOUND',
      `no debit or credit ${body.original_transaction_id} to reverse`,
    );
  }
  // A rollback naming another player than the original's is not about that transaction: from the
  // named player's side it does not exist.
  if (body.player_id !== undefined && body.player_id !== original.player_id) {
    throw new WalletError(
      'TRANSACTION_NOT_FOUND',
      `player ${body.player_id} has no debit or credit ${body.original_transaction_id} to reverse`,
    );
  }
  const player = await requirePlayer(tx, scope.brand, original.player_id);
  checkRegion(player.region, scope.region, player.player_id);
  if (original.rolled_back) {
    throw new WalletError(
      'ALREADY_ROLLED_BACK',
      `transaction ${body.original_transaction_id} was already reversed`,
    );
  }
  if (await findTransaction(tx, scope, body.transaction_id)) {
    throw new WalletError('DUPLICATE', `transaction ${body.transaction_id} already exists under another key`);
  }
  const cash = cashAccount(scope.brand, player.player_id);
  const house = houseOf(scope.brand, original.type === 'debit' ? 'bets' : 'wins');
  try {
    await tx.postTransfers([
      {
        id: transferId(scope, body.transaction_id),
        debit: original.type === 'debit' ? house : cash,
        credit: original.type === 'debit' ? cash : house,
        amount: original.amount,
        currency: original.currency,
        kind: 'emulator_rollback',
      },
    ]);
  } catch (error) {
    // Reversing a credit the player already spent: refuse rather than overdraw.
    if (isLedgerError(error, 'INSUFFICIENT_FUNDS')) {
      const b = await balanceOf(tx, scope.brand, player.player_id, player.currency);
      const balance = toWireMoney(b.cash, player.currency);
      throw new WalletError(
        'INSUFFICIENT_FUNDS',
        `cash ${balance.amount} ${player.currency} cannot cover reversing the credit`,
        {
          balance,
        },
      );
    }
    throw error;
  }
  await tx.exec(
    `UPDATE wallet_transactions SET rolled_back = 1 WHERE brand = ? AND provider = ? AND transaction_id = ?`,
    [scope.brand, scope.provider, original.transaction_id],
  );
  await record(
    tx,
    scope,
    {
      transaction_id: body.transaction_id,
      player_id: player.player_id,
      type: 'rollback',
      amount: original.amount,
      currency: original.currency,
      rolled_back: 0n,
      original: original.transaction_id,
    },
    now,
  );
  const after = await balanceAfter(tx, scope.brand, player.player_id, player.currency);
  return {
    status: 200,
    region: player.region,
    events: [
      {
        type: original.type === 'debit' ? 'wallet.credit' : 'wallet.debit',
        playerId: player.player_id,
        payload: {
          transaction_id: body.transaction_id,
          amount: toWireMoney(original.amount, original.currency),
          balance_after: after,
          reason: original.type === 'debit' ? 'rollback' : 'withdrawal',
        },
      },
    ],
    body: {
      transaction_id: body.transaction_id,
      type: 'rollback',
      status: 'rolled_back',
      balance: after.cash,
    },
  };
}
