import { SecurityConfigError } from './errors.ts';

/** The setting each transaction names its tenant in; policies read it. */
export const TENANT_SETTING = 'croupier.tenant_id';

function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => {
      if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(part)) {
        throw new SecurityConfigError(
          'RLS_TABLE_NAME_INVALID',
          `"${name}" is not a plain (schema.)table name`,
        );
      }
      return `"${part}"`;
    })
    .join('.');
}

/**
 * SQL that makes PostgreSQL itself keep brands apart: every row of each table is visible and
 * writable only when `tenant_id` equals the transaction's `croupier.tenant_id`. FORCE applies the
 * policy to the table owner too; only superusers and BYPASSRLS roles still see everything, so the
 * application must not connect as one. Idempotent.
 */
export function tenantIsolationMigration(tables: string[], options: { column?: string } = {}): string {
  const column = quoteIdentifier(options.column ?? 'tenant_id');
  const predicate = `${column} = current_setting('${TENANT_SETTING}', true)`;
  return tables
    .map((table) => {
      const name = quoteIdentifier(table);
      return [
        `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`,
        `ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`,
        `DROP POLICY IF EXISTS tenant_isolation ON ${name};`,
        `CREATE POLICY tenant_isolation ON ${name} USING (${predicate}) WITH CHECK (${predicate});`,
      ].join('\n');
    })
    .join('\n');
}

/** The part of a `pg` client this needs. */
export interface QueryableClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/**
 * Runs `fn` in a transaction scoped to one tenant. `set_config(…, true)` is `SET LOCAL` with a bind
 * parameter: the setting ends with the transaction, so a pooled connection never carries a tenant
 * into the next checkout.
 */
export async function withTenant<T>(
  client: QueryableClient,
  tenantId: string,
  fn: (client: QueryableClient) => Promise<T>,
): Promise<T> {
  if (!tenantId) throw new SecurityConfigError('TENANT_MISSING', 'withTenant needs a tenant id');
  await client.query('BEGIN');
  try {
    await client.query('SELECT set_config($1, $2, true)', [TENANT_SETTING, tenantId]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
