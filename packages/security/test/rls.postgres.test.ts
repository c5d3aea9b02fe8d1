import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_URL, postgres, serviceOrSkip } from '@croupier/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantIsolationMigration, withTenant } from '../src/index.ts';

describe('tenantIsolationMigration', () => {
  it('enables and forces RLS with a tenant_isolation policy per table, quoting names', () => {
    const sql = tenantIsolationMigration(['ledger.bets', 'players']);
    expect(sql).toContain('ALTER TABLE "ledger"."bets" ENABLE ROW LEVEL SECURITY;');
    expect(sql).toContain('ALTER TABLE "players" FORCE ROW LEVEL SECURITY;');
    expect(sql).toContain(
      `CREATE POLICY tenant_isolation ON "players" USING ("tenant_id" = current_setting('croupier.tenant_id', true))`,
    );
    expect(() => tenantIsolationMigration(['bets; DROP TABLE x'])).toThrow(/RLS_TABLE_NAME_INVALID/);
  });
});

if (await serviceOrSkip(postgres, 'row-level security on PostgreSQL')) {
  describe('row-level security on PostgreSQL', () => {
    const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const schema = `rls_${suffix}`;
    const role = `croupier_app_${suffix}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    const app = new pg.Client({ connectionString: POSTGRES_URL });
    const tables = [`${schema}.players`, `${schema}.bets`, `${schema}.events`];

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.query(
        `CREATE TABLE ${schema}.players (tenant_id text NOT NULL, player_id text NOT NULL, PRIMARY KEY (tenant_id, player_id))`,
      );
      await admin.query(
        `CREATE TABLE ${schema}.bets (tenant_id text NOT NULL, bet_id text NOT NULL, amount text NOT NULL)`,
      );
      await admin.query(`CREATE TABLE ${schema}.events (tenant_id text NOT NULL, event_id text NOT NULL)`);
      await admin.query(
        `INSERT INTO ${schema}.players VALUES ('brand-7', 'p_a1'), ('brand-7', 'p_a2'), ('brand-8', 'p_b1');
         INSERT INTO ${schema}.bets VALUES ('brand-7', 'b_001', '2.00'), ('brand-8', 'b_900', '50.00');
         INSERT INTO ${schema}.events VALUES ('brand-7', 'e_1'), ('brand-8', 'e_2')`,
      );
      // root is a superuser and superusers bypass RLS: the application runs as a plain role.
      await admin.query(`CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS`);
      await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
      // An owner skips RLS unless it is FORCEd: make the app own one table to prove FORCE holds.
      await admin.query(`ALTER TABLE ${schema}.events OWNER TO ${role}`);
      await admin.query(tenantIsolationMigration(tables));
      await app.connect();
      await app.query(`SET ROLE ${role}`);
    });

    afterAll(async () => {
      await app.end().catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    });

    it("brand A's session reads only brand A's players, bets and events", async () => {
      const seen = await withTenant(app, 'brand-7', async (c) => {
        const players = (await c.query(
          `SELECT tenant_id, player_id FROM ${schema}.players ORDER BY player_id`,
        )) as pg.QueryResult;
        const bets = (await c.query(`SELECT tenant_id FROM ${schema}.bets`)) as pg.QueryResult;
        const events = (await c.query(`SELECT tenant_id FROM ${schema}.events`)) as pg.QueryResult;
        return { players: players.rows, bets: bets.rows, events: events.rows };
      });
      expect(seen.players).toEqual([
        { tenant_id: 'brand-7', player_id: 'p_a1' },
        { tenant_id: 'brand-7', player_id: 'p_a2' },
      ]);
      expect(seen.bets).toEqual([{ tenant_id: 'brand-7' }]);
      expect(seen.events).toEqual([{ tenant_id: 'brand-7' }]);
    });

    it("brand A cannot read brand B's rows even by asking for them, nor change them", async () => {
      await withTenant(app, 'brand-7', async (c) => {
        const byId = (await c.query(`SELECT * FROM ${schema}.bets WHERE bet_id = 'b_900'`)) as pg.QueryResult;
        expect(byId.rowCount).toBe(0);
        const updated = (await c.query(
          `UPDATE ${schema}.bets SET amount = '0.00' WHERE tenant_id = 'brand-8'`,
        )) as pg.QueryResult;
        expect(updated.rowCount).toBe(0);
        const deleted = (await c.query(
          `DELETE FROM ${schema}.players WHERE tenant_id = 'brand-8'`,
        )) as pg.QueryResult;
        expect(deleted.rowCount).toBe(0);
      });
      const untouched = await admin.query(`SELECT amount FROM ${schema}.bets WHERE bet_id = 'b_900'`);
      expect(untouched.rows).toEqual([{ amount: '50.00' }]);
    });

    it("brand A cannot write a row in brand B's name", async () => {
      await expect(
        withTenant(app, 'brand-7', (c) =>
          c.query(`INSERT INTO ${schema}.bets VALUES ('brand-8', 'b_evil', '1.00')`),
        ),
      ).rejects.toThrow(/row-level security/);
      const rows = await admin.query(`SELECT 1 FROM ${schema}.bets WHERE bet_id = 'b_evil'`);
      expect(rows.rowCount).toBe(0);
    });

    it('sees nothing without a tenant, and the tenant does not outlive its transaction', async () => {
      await withTenant(app, 'brand-8', async () => undefined);
      const none = await app.query(`SELECT * FROM ${schema}.players`);
      expect(none.rowCount).toBe(0);
      const setting = await app.query(
        `SELECT coalesce(current_setting('croupier.tenant_id', true), '') AS tenant`,
      );
      expect(setting.rows[0].tenant).toBe('');
    });

    it('brand B sees only its own rows in the same tables', async () => {
      const rows = await withTenant(
        app,
        'brand-8',
        async (c) => ((await c.query(`SELECT player_id FROM ${schema}.players`)) as pg.QueryResult).rows,
      );
      expect(rows).toEqual([{ player_id: 'p_b1' }]);
    });
  });
} else {
  describe.skip('row-level security on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
