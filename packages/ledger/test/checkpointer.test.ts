import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../src/storage/checkpointer.ts';
import { SqliteDriver } from '../src/storage/sqlite.ts';

// Checkpoints off the request thread: the owner never checkpoints (wal_autocheckpoint = 0), a worker does.
describe('SQLite background checkpointer', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'croupier-checkpoint-'));
    file = path.join(dir, 'ledger.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, body TEXT)');
    return db;
  };
  const commitRows = (db: Database.Database, count: number, after: () => void) => {
    const insert = db.prepare('INSERT INTO item (body) VALUES (?)');
    for (let i = 0; i < count; i++) {
      db.prepare('BEGIN IMMEDIATE').run();
      insert.run('x'.repeat(2000));
      db.prepare('COMMIT').run();
      after();
    }
  };
  const until = async (done: () => boolean, deadlineMs = 10_000) => {
    const started = Date.now();
    while (!done()) {
      if (Date.now() - started > deadlineMs) throw new Error('deadline passed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('once the WAL grows, a worker copies it into the database file while the owner only commits', async () => {
    const db = open();
    const checkpointer = startCheckpointer({ file, startBytes: 64 * 1024, intervalMs: 10 });
    const before = statSync(file).size;
    let inline = 0;
    commitRows(db, 600, () => {
      if (checkpointer.committed()) inline += 1;
    });
    // Nothing reached the database file yet: the owner never checkpoints.
    expect(statSync(file).size).toBe(before);
    await until(() => statSync(file).size > before + 600 * 2000);
    expect(inline).toBe(0);
    await checkpointer.close();
    db.close();
    const reopened = new Database(file, { readonly: true });
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM item').get() as { n: number }).n).toBe(600);
    reopened.close();
  });

  it('a WAL past the inline limit has the owner checkpoint itself, as SQLite would', () => {
    const db = open();
    const checkpointer = startCheckpointer({ file, startBytes: Number.MAX_SAFE_INTEGER, inlineBytes: 1 });
    const answers: boolean[] = [];
    commitRows(db, 256, () => answers.push(checkpointer.committed()));
    expect(answers.slice(0, 255).every((a) => !a)).toBe(true);
    expect(answers[255]).toBe(true);
    db.close();
  });

  it('a store that stays small never starts a thread, and the driver closes cleanly either way', async () => {
    const driver = new SqliteDriver({ file });
    await driver.transaction(async (s) => {
      await s.script('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      await s.exec('INSERT INTO t (id) VALUES (1)');
    });
    await driver.close();
    const reopened = new Database(file, { readonly: true });
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(1);
    reopened.close();
  });
});
