import pg from 'pg';
import { describe, it } from 'vitest';
import { openWallet } from '../src/index.ts';
import { POSTGRES_URL, postgres, serviceOrSkip } from '@croupier/test-services';
import { raceBehaviour } from './races.behaviour.ts';

/** A database of its own: `wallet serve` takes a URL, not a schema. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

if (await serviceOrSkip(postgres, 'wallet races on PostgreSQL')) {
  raceBehaviour({
    name: 'PostgreSQL (one database)',
    async prepare() {
      const name = `races_${process.pid}_${Date.now().toString(36)}`;
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      return {
        processOptions: { databaseUrl: url.toString() },
        open: () => openWallet({ url: url.toString(), poolSize: 4 }),
        async dispose() {
          await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
  });
} else {
  describe.skip('races between two wallet processes on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
