import { readFileSync } from 'node:fs';
import { openapiContract } from '@croupier/contracts';
import { type Ledger, type OpenLedgerOptions, openLedger } from '@croupier/ledger';
import { parse as parseYaml } from 'yaml';
import { type AuditEntry, type AuditVerification, auditLog, verifyAuditChain } from './audit.ts';
import { type BackOffice, backOffice } from './back-office.ts';
import { resolveConfig, type WalletConfig } from './config.ts';
import { Recollection, type WalletContext } from './context.ts';
import { MAX_BALANCE_MINOR } from './limits.ts';
import { type ContractOperations, contractOperations, type WalletEmulators } from './operations.ts';
import { type ReconcileReport, reconcile } from './reconcile.ts';
import { walletMigrations } from './schema.ts';

export type { BetLedgerEntry, PlayerRecord, SeedPlayerInput } from './back-office.ts';

export interface CreateWalletOptions {
  ledger: Ledger;
  /** Time source for sessions, RG windows, bonus deadlines and event `occurred_at` (tests inject one). */
  clock?: () => Date;
  config?: WalletConfig;
}

/** What auditors and operators check after the fact: the audit chain and the books. */
export interface AuditAndReconcile {
  verifyAuditChain(): Promise<AuditVerification>;
  auditLog(): Promise<AuditEntry[]>;
  reconcile(): Promise<ReconcileReport>;
}

/**
 * The reference wallet: the contract's operations, the sandbox's emulator, the operator's back office
 * and the after-the-fact checks, over one ledger.
 */
export interface Wallet extends ContractOperations, WalletEmulators, BackOffice, AuditAndReconcile {
  readonly ledger: Ledger;
  readonly version: string;
  readonly context: WalletContext;
}

function contractVersion(): string | undefined {
  try {
    return (parseYaml(readFileSync(openapiContract, 'utf8')) as { info?: { version?: string } }).info
      ?.version;
  } catch {
    return undefined;
  }
}

export async function createWallet(options: CreateWalletOptions): Promise<Wallet> {
  const ledger = options.ledger;
  await ledger.migrate(walletMigrations);
  // The same largest player balance on both stores; see limits.ts.
  ledger.limitBalances(MAX_BALANCE_MINOR);
  const ctx: WalletContext = {
    ledger,
    clock: options.clock ?? (() => new Date()),
    config: resolveConfig(options.config),
    sessionPlayers: new Recollection(),
    betHints: new Recollection(),
  };
  const version = ctx.config.version ?? contractVersion() ?? '0.0.0';
  return {
    ledger,
    version,
    context: ctx,
    ...contractOperations(ctx, version),
    ...backOffice(ctx),
    verifyAuditChain: () => verifyAuditChain(ledger),
    auditLog: () => auditLog(ledger),
    reconcile: () => reconcile(ledger),
  };
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
