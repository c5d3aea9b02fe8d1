/**
 * Ledger tables, one migration per store. Money columns are INTEGER (64-bit) on SQLite and
 * NUMERIC(39,0) on PostgreSQL; both come back as bigint.
 * Entries and transfers are append-only: the database itself refuses UPDATE and DELETE.
 * `ledger_balances` holds a row only for accounts that may not go negative (players): those rows
 * are locked and checked on every debit. House accounts have no row; their balance is the sum of
 * their entries, so concurrent bets never queue behind one hot house row.
 */
export interface Migration {
  /** Unique and stable: applied once, recorded in `ledger_migrations`. Prefix with your package, e.g. `wallet/001-sessions`. */
  id: string;
  sqlite: string;
  postgres: string;
}

const sqliteCore = `
CREATE TABLE ledger_accounts (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL,
  currency TEXT NOT NULL,
  may_go_negative INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (owner, kind, currency)
);
CREATE TABLE ledger_balances (
  account_id INTEGER PRIMARY KEY REFERENCES ledger_accounts(id),
  balance INTEGER NOT NULL
);
CREATE TABLE ledger_transfers (
  id TEXT PRIMARY KEY,
  debit_account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  credit_account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  amount INTEGER NOT NULL CHECK (amount >= 0),
  currency TEXT NOT NULL,
  kind TEXT NOT NULL,
  pending_id TEXT,
  metadata TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE ledger_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transfer_id TEXT NOT NULL REFERENCES ledger_transfers(id),
  account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries(account_id);
CREATE TABLE ledger_pending (
  id TEXT PRIMARY KEY,
  source_account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  held_account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  destination_account_id INTEGER REFERENCES ledger_accounts(id),
  currency TEXT NOT NULL,
  amount INTEGER NOT NULL,
  posted INTEGER NOT NULL,
  voided INTEGER NOT NULL,
  posts INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
  metadata TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE ledger_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  headers TEXT NOT NULL,
  created_at TEXT NOT NULL,
  published_at TEXT
);
CREATE INDEX ledger_outbox_unpublished ON ledger_outbox(partition_key, seq) WHERE published_at IS NULL;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY: ledger_entries are append-only; post a correcting transfer instead'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY: ledger_entries are append-only; post a correcting transfer instead'); END;
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
  BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY: ledger_transfers are append-only; post a correcting transfer instead'); END;
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
  BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY: ledger_transfers are append-only; post a correcting transfer instead'); END;
`;

const postgresCore = `
CREATE TABLE ledger_accounts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL,
  currency TEXT NOT NULL,
  may_go_negative BOOLEAN NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (owner, kind, currency)
);
CREATE TABLE ledger_balances (
  account_id BIGINT PRIMARY KEY REFERENCES ledger_accounts(id),
  balance NUMERIC(39,0) NOT NULL
);
CREATE TABLE ledger_transfers (
  id TEXT PRIMARY KEY,
  debit_account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
  credit_account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
  amount NUMERIC(39,0) NOT NULL CHECK (amount >= 0),
  currency TEXT NOT NULL,
  kind TEXT NOT NULL,
  pending_id TEXT,
  metadata TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE ledger_entries (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_id TEXT NOT NULL REFERENCES ledger_transfers(id),
  account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
  amount NUMERIC(39,0) NOT NULL,
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries(account_id);
CREATE TABLE ledger_pending (
  id TEXT PRIMARY KEY,
  source_account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
  held_account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
  destination_account_id BIGINT REFERENCES ledger_accounts(id),
  currency TEXT NOT NULL,
  amount NUMERIC(39,0) NOT NULL,
  posted NUMERIC(39,0) NOT NULL,
  voided NUMERIC(39,0) NOT NULL,
  posts BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
  metadata TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE ledger_outbox (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  headers TEXT NOT NULL,
  created_at TEXT NOT NULL,
  published_at TEXT
);
CREATE INDEX ledger_outbox_unpublished ON ledger_outbox(partition_key, seq) WHERE published_at IS NULL;
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'APPEND_ONLY: % is append-only; post a correcting transfer instead', TG_TABLE_NAME
    USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
`;

/**
 * The relay claims the oldest unpublished rows in seq order. Without an index on exactly that, SQLite
 * walked the whole table in rowid order past every published row, and PostgreSQL grouped every
 * unpublished row by partition: a claim cost grew with the table or the backlog, not the batch.
 */
const outboxPending = `CREATE INDEX ledger_outbox_pending ON ledger_outbox(seq) WHERE published_at IS NULL`;

export const ledgerMigrations: Migration[] = [
  { id: 'ledger/001-core', sqlite: sqliteCore, postgres: postgresCore },
  { id: 'ledger/002-outbox-pending', sqlite: outboxPending, postgres: outboxPending },
];

export const migrationsTable = `CREATE TABLE IF NOT EXISTS ledger_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`;
