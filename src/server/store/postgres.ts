/**
 * The shared ledger for several proxy instances: PostgreSQL, with the same rules as the SQLite store
 * (unique reference, unique idempotency key, one live or successful payment per quote, enforced by the
 * schema) and `FOR UPDATE SKIP LOCKED` so that concurrent reconcilers never claim the same payment.
 * Migrations run once at start-up under an advisory lock, so instances starting together agree.
 */
import pg from 'pg';
import { insertValues, patchValues, toRow, type PaymentRecord } from './rows.js';
import type { InsertResult, PaymentRow, Store, StoredQuote } from './store.js';

const MIGRATIONS = [
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
`,
];

const MIGRATION_LOCK = 4_711_2026;

const LIVE = "state IN ('pending', 'unknown', 'success')";
/** Inserts tried while the row in conflict keeps changing under us (bounded: each try is one round). */
const INSERT_ATTEMPTS = 5;

export function openPostgresStore(url: string, poolSize = 10): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);

  const migrated = (async () => {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS bill_pay_migrations (version INTEGER PRIMARY KEY)');
      const { rows } = await client.query<{ version: number }>('SELECT COALESCE(MAX(version), 0) AS version FROM bill_pay_migrations');
      for (let v = rows[0]!.version; v < MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        await client.query(MIGRATIONS[v]!);
        await client.query('INSERT INTO bill_pay_migrations (version) VALUES ($1)', [v + 1]);
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  })();
  migrated.catch(() => undefined);

  async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
    await migrated;
    return pool.query<R>(sql, params);
  }

  const byKey = async (key: string) =>
    (await query<PaymentRecord>('SELECT * FROM payments WHERE idempotency_key = $1', [key])).rows[0];
  const liveForQuote = async (quoteId: string) =>
    (await query<PaymentRecord>(`SELECT * FROM payments WHERE quote_id = $1 AND ${LIVE}`, [quoteId])).rows[0];

  const unresolvedForAccount = async (service: string, account: string) =>
    (await query<PaymentRecord>("SELECT * FROM payments WHERE service = $1 AND account = $2 AND state IN ('pending', 'unknown')", [service, account]))
      .rows[0];
  const blocking = async (quoteId: string, service: string, account: string | null) => {
    const live = await liveForQuote(quoteId);
    if (live) return { conflict: 'quote' as const, existing: toRow(live) };
    const unresolved = account === null ? undefined : await unresolvedForAccount(service, account);
    if (unresolved) return { conflict: 'account' as const, existing: toRow(unresolved) };
    return null;
  };

  /** Tries to insert the payment; the conflicting row, or null when it was inserted or the conflict is gone. */
  async function tryInsert(row: PaymentRow): Promise<InsertResult | null> {
    // ON CONFLICT DO NOTHING covers every unique index, the partial ones per quote and account included.
    const values = insertValues(row);
    const inserted = await query(
      `INSERT INTO payments (${values.map(([column]) => column).join(', ')})
       VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT DO NOTHING`,
      values.map(([, value]) => value),
    );
    if (inserted.rowCount === 1) return { inserted: true };
    const sameKey = await byKey(row.idempotencyKey);
    if (sameKey) return { inserted: false, conflict: 'key', existing: toRow(sameKey) };
    const blocked = await blocking(row.quoteId, row.service, row.account);
    return blocked && { inserted: false, ...blocked };
  }

  let hitsSincePrune = 0;

  return {
    ready: () => migrated,
    async check() {
      const { rows } = await query<{ version: number }>('SELECT COALESCE(MAX(version), 0) AS version FROM bill_pay_migrations');
      if (rows[0]!.version !== MIGRATIONS.length) throw new Error(`schema at version ${rows[0]!.version} of ${MIGRATIONS.length}`);
    },
    async rateHit(key, windowStart) {
      if (++hitsSincePrune >= 1000) {
        hitsSincePrune = 0;
        await query('DELETE FROM rate_limits WHERE window_start < $1', [windowStart]);
      }
      const { rows } = await query<{ hits: number }>(
        `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
         RETURNING hits`,
        [key, windowStart],
      );
      return rows[0]!.hits;
    },
    async saveQuote(q: StoredQuote) {
      const { id, service, sessionId, charges, createdAt, expiresAt, ...body } = q;
      await query('INSERT INTO quotes VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        service,
        sessionId,
        JSON.stringify(body),
        JSON.stringify(charges),
        createdAt,
        expiresAt,
      ]);
    },
    async getQuote(id) {
      const r = (
        await query<{ id: string; service: string; session_id: string; body: object; charges: Record<string, number>; created_at: string; expires_at: string }>(
          'SELECT * FROM quotes WHERE id = $1',
          [id],
        )
      ).rows[0];
      if (!r) return null;
      return {
        ...(r.body as Omit<StoredQuote, 'id' | 'service' | 'sessionId' | 'charges' | 'createdAt' | 'expiresAt'>),
        id: r.id,
        service: r.service as StoredQuote['service'],
        sessionId: r.session_id,
        charges: r.charges,
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
      };
    },
    async saveCharge(quoteId, amountPaisa, chargePaisa) {
      await query('UPDATE quotes SET charges = charges || jsonb_build_object($1::text, $2::bigint) WHERE id = $3', [
        String(amountPaisa),
        chargePaisa,
        quoteId,
      ]);
    },
    async insertPayment(row): Promise<InsertResult> {
      // The row in conflict may become final (failed) between the insert and the select: then the quote
      // or account is free again, and the insert is simply tried again.
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const result = await tryInsert(row);
        if (result) return result;
      }
      throw new Error(`payment ${row.reference} was neither inserted nor in conflict after ${INSERT_ATTEMPTS} attempts`);
    },
    blockingPayment: blocking,
    async claimLookup(reference, now, checkedBy) {
      const { rowCount } = await query(
        `UPDATE payments SET checked_at = $2
         WHERE reference = $1 AND state IN ('pending', 'unknown') AND (checked_at IS NULL OR checked_at <= $3)`,
        [reference, now, checkedBy],
      );
      return rowCount === 1;
    },
    async pruneQuotes(expiredBy, limit) {
      const { rowCount } = await query(
        `DELETE FROM quotes WHERE id IN (
           SELECT id FROM quotes q
           WHERE expires_at <= $1 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.quote_id = q.id)
           LIMIT $2
         )`,
        [expiredBy, limit],
      );
      return rowCount ?? 0;
    },
    async paymentByKey(key) {
      const r = await byKey(key);
      return r ? toRow(r) : null;
    },
    async paymentByReference(reference) {
      const r = (await query<PaymentRecord>('SELECT * FROM payments WHERE reference = $1', [reference])).rows[0];
      return r ? toRow(r) : null;
    },
    async updatePayment(reference, from, patch, now) {
      const params: unknown[] = [reference, from, now];
      const sets = patchValues(patch).map(([column, value]) => `${column} = $${params.push(value)}`);
      const r = (
        await query<PaymentRecord>(
          `UPDATE payments SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE reference = $1 AND state = ANY($2) RETURNING *`,
          params,
        )
      ).rows[0];
      return r ? toRow(r) : null;
    },
    async listPayments({ subject, states, services, search, limit, offset }) {
      const params: unknown[] = [subject];
      const where = ['subject = $1'];
      if (states?.length) where.push(`state = ANY($${params.push(states)})`);
      if (services?.length) where.push(`service = ANY($${params.push(services)})`);
      if (search) {
        const n = params.push(`%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
        where.push(`(reference ILIKE $${n} OR customer_name ILIKE $${n} OR upstream_id ILIKE $${n})`);
      }
      const clause = where.join(' AND ');
      const total = Number((await query<{ total: string }>(`SELECT COUNT(*) AS total FROM payments WHERE ${clause}`, params)).rows[0]!.total);
      const { rows } = await query<PaymentRecord>(
        `SELECT * FROM payments WHERE ${clause} ORDER BY created_at DESC, reference LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      );
      return { rows: rows.map(toRow), total };
    },
    async claimDue(dueBy, leaseUntil, limit, now) {
      const { rows } = await query<PaymentRecord>(
        `UPDATE payments SET claimed_until = $1
         WHERE reference IN (
           SELECT reference FROM payments
           WHERE state IN ('pending', 'unknown') AND next_check_at <= $2 AND (claimed_until IS NULL OR claimed_until < $4)
           ORDER BY next_check_at LIMIT $3
           FOR UPDATE SKIP LOCKED
         )
         RETURNING *`,
        [leaseUntil, dueBy, limit, now],
      );
      return rows.map(toRow);
    },
    async close() {
      await migrated.catch(() => undefined);
      await pool.end();
    },
  };
}
