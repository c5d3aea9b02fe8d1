import pg from 'pg';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Whether PostgreSQL answers; under CI=true a missing server fails instead of skipping. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required under CI at ${POSTGRES_URL}: ${error}`);
    console.warn(
      `SKIP PostgreSQL wallet tests: no server at ${POSTGRES_URL} (${error}); start it to run them`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema of its own per run, so parallel runs on one database never collide. */
export const freshSchemaName = () =>
  `w_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
