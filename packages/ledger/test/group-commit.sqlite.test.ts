import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../src/storage/sqlite.ts';

// Group commit: transactions queued together share one COMMIT, each in a savepoint of its own.
describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  const open = (windowMs?: number) => new SqliteDriver({ file, groupCommit: { windowMs } });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'croupier-group-'));
    file = path.join(dir, 'ledger.sqlite');
    const setup = open();
    await setup.transaction(async (s) => {
      await s.script(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
        CREATE TABLE item (id TEXT PRIMARY KEY, parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
      await s.exec(`INSERT INTO parent (id) VALUES (1)`);
    });
    await setup.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ids = () => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT id FROM item ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
  };

  it('a failing transaction of a group rolls back alone; the others commit', async () => {
    const driver = open();
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((id) =>
        driver.transaction(async (s) => {
          await s.exec(`INSERT INTO item (id, parent) VALUES (?, 1)`, [id]);
          if (id === 'b') throw new Error('refused b');
          await s.exec(`INSERT INTO item (id, parent) VALUES (?, 1)`, [`${id}2`]);
          return id;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    await driver.close();
    expect(ids()).toEqual(['a', 'a2', 'c', 'c2', 'd', 'd2']);
  });

  it('no transaction of a group hears success before the shared commit, and none does when it fails', async () => {
    const driver = open();
    const settled: string[] = [];
    // A deferred foreign key fails at COMMIT, after every savepoint of the group was released.
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) =>
        driver
          .transaction(async (s) => {
            await s.exec(`INSERT INTO item (id, parent) VALUES (?, ?)`, [id, id === 'b' ? 99 : 1]);
            return id;
          })
          .finally(() => settled.push(id)),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(settled).toHaveLength(3);
    await driver.close();
    expect(ids()).toEqual([]);
  });

  it('what one transaction of a group wrote, the next one of the group reads', async () => {
    const driver = open();
    const [, seen] = await Promise.all([
      driver.transaction((s) => s.exec(`INSERT INTO item (id, parent) VALUES ('x', 1)`)),
      driver.transaction((s) => s.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM item`)),
    ]);
    expect(seen[0]?.n).toBe(1n);
    await driver.close();
  });

  it('with a window of 0 and one of 2 ms, a burst of 500 transactions all commit', async () => {
    for (const windowMs of [0, 2]) {
      const driver = open(windowMs);
      const tag = `w${windowMs}_`;
      await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          driver.transaction((s) =>
            s.exec(`INSERT INTO item (id, parent) VALUES (?, 1)`, [`${tag}${String(i).padStart(3, '0')}`]),
          ),
        ),
      );
      await driver.close();
      expect(ids().filter((id) => id.startsWith(tag))).toHaveLength(500);
    }
  });

  it('close waits for queued transactions', async () => {
    const driver = open();
    const writes = Array.from({ length: 20 }, (_, i) =>
      driver.transaction((s) => s.exec(`INSERT INTO item (id, parent) VALUES (?, 1)`, [`q${i}`])),
    );
    await driver.close();
    await Promise.all(writes);
    expect(ids()).toHaveLength(20);
  });
});
