/**
 * @croupier/wallet — the reference wallet: sessions, bet lifecycle, idempotency, RG, bonus and
 * jackpot on `@croupier/ledger`, served through the generated `@croupier/server` plugin.
 */
export type { AuditEntry, AuditVerification } from './audit.ts';
export type { AuthorizeBody, RollbackBody, SettleBody } from './bets.ts';
export { type BonusRow, type IssueBonusInput, splitWin } from './bonus.ts';
export { DEFAULT_WAGERING_CONTRIBUTION, type GameType, type WalletConfig } from './config.ts';
export type { RequestScope, WireBalance, WireMoney } from './context.ts';
export { type ErrorBody, type ErrorCode, isWalletError, WalletError } from './errors.ts';
export { type EventEnvelope, subjectOf, type WalletEvent } from './events.ts';
export type { WireResponse } from './idempotency.ts';
export { MAX_AMOUNT_MINOR, MAX_BALANCE_MINOR } from './limits.ts';
export type { Mismatch, MismatchCheck, ReconcileReport } from './reconcile.ts';
export type { RgProfile, RgReason } from './rg.ts';
export { walletMigrations } from './schema.ts';
export {
  SANDBOX_BRAND,
  SANDBOX_PLAYERS,
  SANDBOX_PROVIDER,
  SANDBOX_REGION,
  type SandboxPlayer,
  seedSandboxPlayers,
} from './seed.ts';
export { type ExistingStoreOptions, missingWalletStore } from './store-check.ts';
export { createWalletServer, walletHandlers, type WalletServerOptions } from './server.ts';
export { startWalletProcess, type WalletProcess, type WalletProcessOptions } from './process.ts';
export { type ServeOptions, serveWallet, type ServingWallet } from './serve.ts';
export {
  type BetLedgerEntry,
  type CreateWalletOptions,
  createWallet,
  type OpenWalletOptions,
  openWallet,
  type SeedPlayerInput,
  type Wallet,
} from './wallet.ts';
export { postgresReachable, withScratchDatabase } from './bench.ts';
