import type { Migration } from '@croupier/ledger';

/**
 * The wallet's own tables, registered as ledger migrations so they live in the ledger's database
 * and every write shares the ledger's transaction. Money columns are minor units (INTEGER on
 * SQLite, NUMERIC(39,0) on PostgreSQL; both read back as bigint). Times are ISO-8601 TEXT.
 */
const tables = (money: string, serial: string) => `
CREATE TABLE wallet_players (
  brand TEXT NOT NULL,
  player_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  region TEXT,
  kyc_status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (brand, player_id)
);
CREATE TABLE wallet_rg_limits (
  brand TEXT NOT NULL,
  player_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (brand, player_id)
);
CREATE TABLE wallet_sessions (
  brand TEXT NOT NULL,
  session_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  player_id TEXT NOT NULL,
  game_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  locale TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT,
  end_reason TEXT,
  reality_checked_at TEXT NOT NULL,
  wagered ${money} NOT NULL,
  won ${money} NOT NULL,
  PRIMARY KEY (brand, session_id)
);
CREATE TABLE wallet_bets (
  brand TEXT NOT NULL,
  provider TEXT NOT NULL,
  bet_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  session_id TEXT,
  round_id TEXT NOT NULL,
  game_id TEXT,
  game_type TEXT,
  currency TEXT,
  amount ${money} NOT NULL,
  cash_part ${money} NOT NULL,
  bonus_part ${money} NOT NULL,
  bonus_id TEXT,
  hold_id TEXT NOT NULL,
  jackpot_contribution ${money} NOT NULL,
  won ${money} NOT NULL,
  parts INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('authorized', 'partially_settled', 'settled', 'rolled_back')),
  tombstone INTEGER NOT NULL,
  win_only INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (brand, provider, bet_id)
);
CREATE INDEX wallet_bets_player ON wallet_bets (brand, player_id, created_at);
CREATE TABLE wallet_idempotency (
  brand TEXT NOT NULL,
  provider TEXT NOT NULL,
  operation TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (brand, provider, operation, idempotency_key)
);
CREATE INDEX wallet_idempotency_age ON wallet_idempotency (created_at);
CREATE TABLE wallet_bonuses (
  bonus_id TEXT PRIMARY KEY,
  brand TEXT NOT NULL,
  player_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  bonus_type TEXT NOT NULL,
  amount ${money} NOT NULL,
  wagering_required ${money} NOT NULL,
  wagered ${money} NOT NULL,
  max_bet ${money},
  expires_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'expired', 'forfeited', 'used_up')),
  created_at TEXT NOT NULL
);
CREATE INDEX wallet_bonuses_player ON wallet_bonuses (brand, player_id, state);
CREATE TABLE wallet_jackpot_config (
  brand TEXT NOT NULL,
  game_id TEXT NOT NULL,
  basis_points INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (brand, game_id)
);
CREATE TABLE wallet_rtp_profiles (
  brand TEXT NOT NULL,
  game_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (brand, game_id)
);
CREATE TABLE wallet_switches (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE wallet_transactions (
  brand TEXT NOT NULL,
  provider TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  type TEXT NOT NULL,
  amount ${money} NOT NULL,
  currency TEXT NOT NULL,
  original_transaction_id TEXT,
  rolled_back INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (brand, provider, transaction_id)
);
CREATE TABLE wallet_audit (
  seq ${serial},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
`;

const sqliteAppendOnly = `
CREATE TRIGGER wallet_audit_no_update BEFORE UPDATE ON wallet_audit
  BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY: wallet_audit is append-only'); END;
CREATE TRIGGER wallet_audit_no_delete BEFORE DELETE ON wallet_audit
  BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY: wallet_audit is append-only'); END;
`;

const postgresAppendOnly = `
CREATE FUNCTION wallet_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'APPEND_ONLY: wallet_audit is append-only' USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER wallet_audit_append_only BEFORE UPDATE OR DELETE ON wallet_audit
  FOR EACH ROW EXECUTE FUNCTION wallet_audit_refuse_change();
`;

export const walletMigrations: Migration[] = [
  {
    id: 'wallet/001-core',
    sqlite: tables('INTEGER', 'INTEGER PRIMARY KEY AUTOINCREMENT') + sqliteAppendOnly,
    postgres: tables('NUMERIC(39,0)', 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY') + postgresAppendOnly,
  },
];
