/**
 * Benchmark helpers: a PostgreSQL database of a benchmark's own, created fresh and dropped after, so a
 * wallet benchmark never meets another run's players, bets or idempotency keys.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Creates database `bench_<random>` on the server of `adminUrl`, runs `use(url)`, then drops it. */
export async function withScratchDatabase<T>(adminUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      return await use(url.href);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** True when PostgreSQL at `adminUrl` accepts a connection within `timeoutMs`. */
export async function postgresReachable(adminUrl: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
