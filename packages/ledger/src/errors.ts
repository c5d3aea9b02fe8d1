/**
 * Every refusal of the ledger is a LedgerError with a machine-matchable code.
 * The wallet maps these codes onto the wire error catalogue (e.g. INSUFFICIENT_FUNDS → 402).
 */
export type LedgerErrorCode =
  /** A debit would take an account that may not go negative below zero. `details.balance` is the balance before the attempt. */
  | 'INSUFFICIENT_FUNDS'
  /** A transfer id (or pending id) was already used: ids are processed at most once. */
  | 'DUPLICATE_TRANSFER'
  /** An outbox event_id was already enqueued. */
  | 'DUPLICATE_EVENT'
  /** No pending transfer has this id. */
  | 'PENDING_NOT_FOUND'
  /** The pending transfer was already finally posted. */
  | 'PENDING_ALREADY_POSTED'
  /** The pending transfer was already voided. */
  | 'PENDING_ALREADY_VOIDED'
  /** A post asked for more than what is still held. */
  | 'AMOUNT_EXCEEDS_PENDING'
  /** An amount is negative, not a bigint, or too large for the store. */
  | 'INVALID_AMOUNT'
  /** A transfer set would take an account that may not go negative past the largest balance. */
  | 'BALANCE_LIMIT'
  /** A transfer names the same account on both sides, or a malformed account. */
  | 'INVALID_TRANSFER'
  /** The database refused to change append-only rows. */
  | 'APPEND_ONLY'
  /** PostgreSQL kept failing with serialization/deadlock errors after every retry. */
  | 'CONFLICT_RETRIES_EXHAUSTED';

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: LedgerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
    this.details = details;
  }
}

export function isLedgerError(error: unknown, code?: LedgerErrorCode): error is LedgerError {
  return error instanceof LedgerError && (code === undefined || error.code === code);
}
