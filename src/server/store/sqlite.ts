/**
 * The embedded ledger: one SQLite file, zero set-up. The uniqueness rules live in the schema (unique
 * reference, unique idempotency key, one live or successful payment per quote), so they hold even if
 * the code around them is wrong.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { INSERT_COLUMNS, insertValues, patchValues, toRow, type PaymentRecord } from './rows.js';
import type { InsertResult, PaymentRow, Store, StoredQuote } from './store.js';

/** Schema versions, applied in order at start-up; `PRAGMA user_version` says how many ran. */
const MIGRATIONS = [
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
`,
];

export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    MIGRATIONS.slice(applied).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();

  const byKey = db.prepare<[string], PaymentRecord>('SELECT * FROM payments WHERE idempotency_key = ?');
  const byReference = db.prepare<[string], PaymentRecord>('SELECT * FROM payments WHERE reference = ?');
  const liveForQuote = db.prepare<[string], PaymentRecord>(
    "SELECT * FROM payments WHERE quote_id = ? AND state IN ('pending', 'unknown', 'success')",
  );
  const unresolvedForAccount = db.prepare<[string, string], PaymentRecord>(
    "SELECT * FROM payments WHERE service = ? AND account = ? AND state IN ('pending', 'unknown')",
  );
  const blocking = (quoteId: string, service: string, account: string | null) => {
    const live = liveForQuote.get(quoteId);
    if (live) return { conflict: 'quote' as const, existing: toRow(live) };
    const unresolved = account === null ? undefined : unresolvedForAccount.get(service, account);
    if (unresolved) return { conflict: 'account' as const, existing: toRow(unresolved) };
    return null;
  };
  const claimLookup = db.prepare<{ reference: string; now: number; checkedBy: number }>(`
    UPDATE payments SET checked_at = @now
    WHERE reference = @reference AND state IN ('pending', 'unknown') AND (checked_at IS NULL OR checked_at <= @checkedBy)`);
  const pruneQuotes = db.prepare<{ expiredBy: number; limit: number }>(`
    DELETE FROM quotes WHERE id IN (
      SELECT id FROM quotes q
      WHERE expires_at <= @expiredBy AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.quote_id = q.id)
      LIMIT @limit
    )`);
  const columns = INSERT_COLUMNS.map(([column]) => column);
  const insert = db.prepare(`INSERT INTO payments (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const claim = db.prepare<{ leaseUntil: number; dueBy: number; limit: number; now: number }, PaymentRecord>(`
    UPDATE payments SET claimed_until = @leaseUntil
    WHERE reference IN (
      SELECT reference FROM payments
      WHERE state IN ('pending', 'unknown') AND next_check_at <= @dueBy AND (claimed_until IS NULL OR claimed_until < @now)
      ORDER BY next_check_at LIMIT @limit
    )
    RETURNING *`);

  // better-sqlite3 runs a transaction synchronously on one connection, so check-then-insert is atomic
  // here; across processes the unique indexes still refuse the second row.
  const insertPayment = db.transaction((row: PaymentRow): InsertResult => {
    const sameKey = byKey.get(row.idempotencyKey);
    if (sameKey) return { inserted: false, conflict: 'key', existing: toRow(sameKey) };
    const blocked = blocking(row.quoteId, row.service, row.account);
    if (blocked) return { inserted: false, ...blocked };
    insert.run(Object.fromEntries(insertValues(row)));
    return { inserted: true };
  });

  const hit = db.prepare<[string, number], { hits: number }>(`
    INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1
    RETURNING hits`);
  const prune = db.prepare('DELETE FROM rate_limits WHERE window_start < ?');
  let hitsSincePrune = 0;

  return {
    async ready() {},
    async check() {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== MIGRATIONS.length) throw new Error(`schema at version ${version} of ${MIGRATIONS.length}`);
    },
    async rateHit(key, windowStart) {
      if (++hitsSincePrune >= 1000) {
        hitsSincePrune = 0;
        prune.run(windowStart);
      }
      return hit.get(key, windowStart)!.hits;
    },
    async saveQuote(q: StoredQuote) {
      const { id, service, sessionId, charges, createdAt, expiresAt, ...body } = q;
      db.prepare('INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        id,
        service,
        sessionId,
        JSON.stringify(body),
        JSON.stringify(charges),
        createdAt,
        expiresAt,
      );
    },
    async getQuote(id) {
      const r = db.prepare('SELECT * FROM quotes WHERE id = ?').get(id) as
        | { id: string; service: string; session_id: string; body: string; charges: string; created_at: number; expires_at: number }
        | undefined;
      if (!r) return null;
      return {
        ...(JSON.parse(r.body) as Omit<StoredQuote, 'id' | 'service' | 'sessionId' | 'charges' | 'createdAt' | 'expiresAt'>),
        id: r.id,
        service: r.service as StoredQuote['service'],
        sessionId: r.session_id,
        charges: JSON.parse(r.charges) as Record<string, number>,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      };
    },
    async saveCharge(quoteId, amountPaisa, chargePaisa) {
      db.prepare("UPDATE quotes SET charges = json_set(charges, '$.' || ?, ?) WHERE id = ?").run(
        String(amountPaisa),
        chargePaisa,
        quoteId,
      );
    },
    async insertPayment(row) {
      try {
        return insertPayment(row);
      } catch (error) {
        // Another process won the race between our check and our insert: report what it wrote.
        if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
          const sameKey = byKey.get(row.idempotencyKey);
          if (sameKey) return { inserted: false, conflict: 'key', existing: toRow(sameKey) };
          const blocked = blocking(row.quoteId, row.service, row.account);
          if (blocked) return { inserted: false, ...blocked };
        }
        throw error;
      }
    },
    async blockingPayment(quoteId, service, account) {
      return blocking(quoteId, service, account);
    },
    async claimLookup(reference, now, checkedBy) {
      return claimLookup.run({ reference, now, checkedBy }).changes === 1;
    },
    async pruneQuotes(expiredBy, limit) {
      return pruneQuotes.run({ expiredBy, limit }).changes;
    },
    async paymentByKey(key) {
      const r = byKey.get(key);
      return r ? toRow(r) : null;
    },
    async paymentByReference(reference) {
      const r = byReference.get(reference);
      return r ? toRow(r) : null;
    },
    async updatePayment(reference, from, patch, now) {
      const values = patchValues(patch);
      const sets = values.map(([column]) => `${column} = @${column}`).concat('updated_at = @now');
      const states = from.map((_, i) => `@from${i}`).join(', ');
      const params: Record<string, unknown> = { reference, now, ...Object.fromEntries(values) };
      from.forEach((s, i) => (params[`from${i}`] = s));
      const changed = db
        .prepare(`UPDATE payments SET ${sets.join(', ')} WHERE reference = @reference AND state IN (${states})`)
        .run(params);
      if (changed.changes === 0) return null;
      return toRow(byReference.get(reference)!);
    },
    async listPayments({ subject, states, services, search, limit, offset }) {
      const where = ['subject = @subject'];
      const params: Record<string, unknown> = { subject, limit, offset };
      if (states?.length) where.push(`state IN (${states.map((x, i) => ((params[`s${i}`] = x), `@s${i}`)).join(', ')})`);
      if (services?.length) where.push(`service IN (${services.map((x, i) => ((params[`v${i}`] = x), `@v${i}`)).join(', ')})`);
      if (search) {
        params.search = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        where.push("(reference LIKE @search ESCAPE '\\' OR customer_name LIKE @search ESCAPE '\\' OR upstream_id LIKE @search ESCAPE '\\')");
      }
      const clause = where.join(' AND ');
      const { total } = db.prepare(`SELECT COUNT(*) AS total FROM payments WHERE ${clause}`).get(params) as { total: number };
      const rows = db
        .prepare(`SELECT * FROM payments WHERE ${clause} ORDER BY created_at DESC, reference LIMIT @limit OFFSET @offset`)
        .all(params) as PaymentRecord[];
      return { rows: rows.map(toRow), total };
    },
    async claimDue(dueBy, leaseUntil, limit, now) {
      // One statement: SQLite runs it under its write lock, so two processes never claim one row.
      return claim.all({ leaseUntil, dueBy, limit, now }).map(toRow);
    },
    async close() {
      db.close();
    },
  };
}
