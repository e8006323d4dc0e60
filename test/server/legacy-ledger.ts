/**
 * The ledger as the hand-written stores made it before the one schema (commit 22de324), copied here as
 * fixtures: their migration SQL and their bookkeeping (SQLite's user_version, PostgreSQL's
 * bill_pay_migrations), so that a test can make an old ledger and open it with today's code.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

/** src/server/store/sqlite.ts's MIGRATIONS at 22de324. */
export const LEGACY_SQLITE = [
  `
CREATE TABLE quotes (
  id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  session_id TEXT NOT NULL,
  body TEXT NOT NULL,
  charges TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE payments (
  reference TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  quote_id TEXT NOT NULL,
  service TEXT NOT NULL,
  session_id TEXT NOT NULL,
  customer_name TEXT NOT NULL,
  amount_paisa INTEGER NOT NULL CHECK (amount_paisa > 0),
  service_charge_paisa INTEGER NOT NULL CHECK (service_charge_paisa >= 0),
  package_id INTEGER,
  state TEXT NOT NULL CHECK (state IN ('pending', 'success', 'failed', 'unknown')),
  upstream_id TEXT,
  upstream_state TEXT,
  error_code TEXT,
  reason TEXT,
  receipt TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  checked_at INTEGER
);
CREATE UNIQUE INDEX payments_one_live_per_quote
  ON payments (quote_id) WHERE state IN ('pending', 'unknown', 'success');
CREATE INDEX payments_state ON payments (state, updated_at);
`,
  `
ALTER TABLE payments ADD COLUMN next_check_at INTEGER;
ALTER TABLE payments ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN claimed_until INTEGER;
CREATE INDEX payments_due ON payments (next_check_at) WHERE state IN ('pending', 'unknown');
`,
  `
CREATE TABLE rate_limits (
  key TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
`,
  `
ALTER TABLE payments ADD COLUMN subject TEXT;
CREATE INDEX payments_subject ON payments (subject, created_at);
`,
  // Kept in step with postgres.ts: the account paid, the reconciler's "no such reference" run, manual settlement.
  `
ALTER TABLE payments ADD COLUMN account TEXT;
ALTER TABLE payments ADD COLUMN not_found_since INTEGER;
ALTER TABLE payments ADD COLUMN settled_by TEXT;
ALTER TABLE payments ADD COLUMN settled_at INTEGER;
ALTER TABLE payments ADD COLUMN note TEXT;
CREATE UNIQUE INDEX payments_one_unresolved_per_account
  ON payments (service, account) WHERE state IN ('pending', 'unknown') AND account IS NOT NULL;
CREATE INDEX payments_quote ON payments (quote_id);
CREATE INDEX quotes_expiry ON quotes (expires_at);
`,];

/** src/server/store/postgres.ts's MIGRATIONS at 22de324. */
export const LEGACY_POSTGRES = [
  `
CREATE TABLE quotes (
  id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  session_id TEXT NOT NULL,
  body JSONB NOT NULL,
  charges JSONB NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE payments (
  reference TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  quote_id TEXT NOT NULL,
  service TEXT NOT NULL,
  session_id TEXT NOT NULL,
  customer_name TEXT NOT NULL,
  amount_paisa BIGINT NOT NULL CHECK (amount_paisa > 0),
  service_charge_paisa BIGINT NOT NULL CHECK (service_charge_paisa >= 0),
  package_id INTEGER,
  state TEXT NOT NULL CHECK (state IN ('pending', 'success', 'failed', 'unknown')),
  upstream_id TEXT,
  upstream_state TEXT,
  error_code TEXT,
  reason TEXT,
  receipt JSONB NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  checked_at BIGINT,
  next_check_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_until BIGINT
);
CREATE UNIQUE INDEX payments_one_live_per_quote ON payments (quote_id) WHERE state IN ('pending', 'unknown', 'success');
CREATE INDEX payments_due ON payments (next_check_at) WHERE state IN ('pending', 'unknown');
`,
  `
CREATE UNLOGGED TABLE rate_limits (
  key TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
`,
  `
ALTER TABLE payments ADD COLUMN subject TEXT;
CREATE INDEX payments_subject ON payments (subject, created_at);
`,
  // Kept in step with sqlite.ts: the account paid, the reconciler's "no such reference" run, manual settlement.
  `
ALTER TABLE payments ADD COLUMN account TEXT;
ALTER TABLE payments ADD COLUMN not_found_since BIGINT;
ALTER TABLE payments ADD COLUMN settled_by TEXT;
ALTER TABLE payments ADD COLUMN settled_at BIGINT;
ALTER TABLE payments ADD COLUMN note TEXT;
CREATE UNIQUE INDEX payments_one_unresolved_per_account
  ON payments (service, account) WHERE state IN ('pending', 'unknown') AND account IS NOT NULL;
CREATE INDEX payments_quote ON payments (quote_id);
CREATE INDEX quotes_expiry ON quotes (expires_at);
`,];

/** An SQLite ledger as the old code left it after `steps` of its migrations. */
export function legacySqlite(file: string, steps = LEGACY_SQLITE.length, seed: string[] = []) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    LEGACY_SQLITE.slice(0, steps).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${steps}`);
    seed.forEach((sql) => db.exec(sql));
  })();
  db.close();
}

/** A PostgreSQL ledger as the old code left it after `steps` of its migrations. */
export async function legacyPostgres(url: string, steps = LEGACY_POSTGRES.length, seed: string[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS bill_pay_migrations (version INTEGER PRIMARY KEY)');
    for (let v = 0; v < steps; v++) {
      await client.query(LEGACY_POSTGRES[v]!);
      await client.query('INSERT INTO bill_pay_migrations (version) VALUES ($1)', [v + 1]);
    }
    for (const sql of seed) await client.query(sql);
  } finally {
    await client.end();
  }
}
