/**
 * @croupier/ledger — double-entry accounts in bigint minor units, two-phase holds and a
 * transactional outbox, on SQLite (embedded default) or PostgreSQL. It knows nothing of bets or HTTP.
 */
export {
  type AccountRef,
  accountLabel,
  type CurrencyAccountRef,
  HOUSE_OWNER,
  houseAccount,
  houseMayGoNegative,
  playerAccount,
} from './accounts.ts';
export { isLedgerError, LedgerError, type LedgerErrorCode } from './errors.ts';
export { LEDGER_MAX_MINOR, Ledger, type OpenLedgerOptions, openLedger } from './ledger.ts';
export type { GroupCommitOptions } from './storage/sqlite.ts';
export { type ClaimResult, Outbox, type PublishRows } from './outbox.ts';
export { ledgerMigrations, type Migration } from './schema.ts';
export type { Dialect, Row, SqlValue } from './storage/driver.ts';
export { LedgerTx } from './transaction.ts';
export type {
  AccountBalance,
  CreatePendingInput,
  OutboxEvent,
  OutboxRow,
  PendingState,
  PendingTransfer,
  PostPendingInput,
  TotalsReport,
  Transfer,
  TransferInput,
  VoidPendingInput,
} from './types.ts';
