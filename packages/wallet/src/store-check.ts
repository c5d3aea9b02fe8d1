import { existsSync } from 'node:fs';
import pg from 'pg';

export interface ExistingStoreOptions {
  /** PostgreSQL URL; when absent, the SQLite `file`. */
  url?: string;
  file: string;
}

/**
 * Why the wallet store named by `options` cannot be inspected, or undefined when it can. Audit
 * verification and reconciliation read an existing wallet: opening a missing one would create an
 * empty database and report it clean, which hides a wrong path.
 */
export async function missingWalletStore(options: ExistingStoreOptions): Promise<string | undefined> {
  if (!options.url) {
    if (options.file === ':memory:' || !existsSync(options.file)) {
      return `no wallet database at ${options.file}; pass --file with the wallet's SQLite file or --database-url`;
    }
    return undefined;
  }
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const found = await client.query<{ table: string | null }>(
      `SELECT to_regclass('wallet_bets')::text AS table`,
    );
    return found.rows[0]?.table
      ? undefined
      : `the database at ${redactUrl(options.url)} holds no wallet (no wallet_bets table); check --database-url`;
  } catch (error) {
    return `cannot reach the wallet database at ${redactUrl(options.url)}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
