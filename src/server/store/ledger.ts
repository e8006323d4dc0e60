/**
 * The one query layer behind both ledgers (SQLite and PostgreSQL). The uniqueness rules live in the
 * schema (unique reference, unique idempotency key, one live or successful payment per quote, one
 * unresolved payment per account and service), so they hold even if the code around them is wrong.
 * What really differs between the two databases is in `LedgerDialect`, small and named.
 */
import { sql, type Expression, type Kysely, type SelectQueryBuilder } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, Migrator } from 'kysely';
import type { LedgerState } from '../providers/upstream.js';
import { fundingPatchRecord, patchRecord, toFunding, toFundingRecord, toRecord, toRow } from './rows.js';
import { FUNDING_OPEN_STATES, migrations, STEP_NAMES, type Ledger, type SchemaDialect } from './schema.js';
import type { InsertResult, PaymentRow, Store, StoredQuote } from './store.js';

/** The query that picks the payments a reconciler claims. */
export type DueQuery = SelectQueryBuilder<Ledger, 'payments', { reference: string }>;

export interface LedgerDialect extends SchemaDialect {
  /**
   * Claiming due rows: PostgreSQL locks the rows it picks and skips those another reconciler has
   * locked (`FOR UPDATE SKIP LOCKED`); SQLite runs the whole claim under its single writer's lock.
   */
  lockDue(query: DueQuery): DueQuery;
  /** The quote's charges with one more amount's charge: the JSON functions differ. */
  withCharge(amountKey: string, chargePaisa: number): Expression<string>;
  /** Case-insensitive LIKE: PostgreSQL's ILIKE; SQLite's LIKE already is (for ASCII). */
  like: 'like' | 'ilike';
  /**
   * Resolves once every payment write made so far is on disk: SQLite's group commit (sqlite.ts). Without
   * it (PostgreSQL) each commit is durable when it returns.
   */
  synced?(): Promise<void>;
}

const OPEN: LedgerState[] = ['pending', 'unknown'];
const LIVE: LedgerState[] = ['pending', 'unknown', 'success'];
/** Inserts tried while the row in conflict keeps changing under us (bounded: each try is one round). */
const INSERT_ATTEMPTS = 5;
/** Quotes per multi-row insert: 7 parameters each, well under SQLite's 32,766 and PostgreSQL's 65,535. */
const QUOTES_PER_INSERT = 500;

type QuoteBody = Omit<StoredQuote, 'id' | 'service' | 'sessionId' | 'charges' | 'createdAt' | 'expiresAt'>;
const json = <T>(v: string | T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** A Store over a Kysely database; migrates it first (every query waits for that). */
export function createLedger(database: Kysely<Ledger>, d: LedgerDialect): Store {
  const migrator = new Migrator({ db: database, provider: { getMigrations: async () => migrations(d) } });
  const migrated = migrator.migrateToLatest().then(({ error }) => {
    if (error) throw error;
  });
  migrated.catch(() => undefined);
  const db = async () => (await migrated, database);
  /** A payment write's result, once the write is durable. */
  const durable = async <T>(result: T): Promise<T> => (await d.synced?.(), result);

  const payments = async () => (await db()).selectFrom('payments').selectAll();
  const byKey = async (key: string) => (await payments()).where('idempotency_key', '=', key).executeTakeFirst();
  const byReference = async (reference: string) => (await payments()).where('reference', '=', reference).executeTakeFirst();

  const blocking = async (quoteId: string, service: string, account: string | null) => {
    // Both asked at once (on PostgreSQL, over two connections: one round trip of the pay's few); the quote's wins.
    const [live, unresolved] = await Promise.all([
      (await payments()).where('quote_id', '=', quoteId).where('state', 'in', LIVE).executeTakeFirst(),
      account === null
        ? undefined
        : (await payments()).where('service', '=', service).where('account', '=', account).where('state', 'in', OPEN).executeTakeFirst(),
    ]);
    if (live) return { conflict: 'quote' as const, existing: toRow(live) };
    if (unresolved) return { conflict: 'account' as const, existing: toRow(unresolved) };
    return null;
  };

  /** Tries to insert the payment; the conflicting row, or null when it was inserted or the conflict is gone. */
  async function tryInsert(row: PaymentRow): Promise<InsertResult | null> {
    // ON CONFLICT DO NOTHING covers every unique index, the partial ones per quote and account included.
    const inserted = await (await db())
      .insertInto('payments')
      .values(toRecord(row))
      .onConflict((c) => c.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 1n) return { inserted: true };
    const sameKey = await byKey(row.idempotencyKey);
    if (sameKey) return { inserted: false, conflict: 'key', existing: toRow(sameKey) };
    const blocked = await blocking(row.quoteId, row.service, row.account);
    return blocked && { inserted: false, ...blocked };
  }

  let hitsSincePrune = 0;

  return {
    ready: () => migrated,
    async check() {
      // One small query (the migrator's own listing introspects every table): fit for a probe every few seconds.
      const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(await db());
      const applied = STEP_NAMES.filter((name) => rows.some((r) => r.name === name)).length;
      if (applied !== STEP_NAMES.length) throw new Error(`schema at version ${applied} of ${STEP_NAMES.length}`);
    },
    async rateHit(key, windowStart) {
      if (++hitsSincePrune >= 1000) {
        hitsSincePrune = 0;
        await (await db()).deleteFrom('rate_limits').where('window_start', '<', windowStart).execute();
      }
      const { hits } = await (await db())
        .insertInto('rate_limits')
        .values({ key, window_start: windowStart, hits: 1 })
        .onConflict((c) => c.columns(['key', 'window_start']).doUpdateSet({ hits: sql<number>`rate_limits.hits + 1` }))
        .returning('hits')
        .executeTakeFirstOrThrow();
      return hits;
    },
    saveQuote(q: StoredQuote) {
      return this.saveQuotes([q]);
    },
    async saveQuotes(quotes) {
      for (let i = 0; i < quotes.length; i += QUOTES_PER_INSERT) {
        const values = quotes.slice(i, i + QUOTES_PER_INSERT).map(({ id, service, sessionId, charges, createdAt, expiresAt, ...body }) => ({
          id,
          service,
          session_id: sessionId,
          body: JSON.stringify(body),
          charges: JSON.stringify(charges),
          created_at: createdAt,
          expires_at: expiresAt,
        }));
        await (await db()).insertInto('quotes').values(values).execute();
      }
    },
    async getQuote(id) {
      const r = await (await db()).selectFrom('quotes').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return {
        ...json<QuoteBody>(r.body as string | QuoteBody),
        id: r.id,
        service: r.service as StoredQuote['service'],
        sessionId: r.session_id,
        charges: json(r.charges),
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
      };
    },
    async saveCharge(quoteId, amountPaisa, chargePaisa) {
      await (await db())
        .updateTable('quotes')
        .set({ charges: d.withCharge(String(amountPaisa), chargePaisa) })
        .where('id', '=', quoteId)
        .execute();
    },
    async insertPayment(row): Promise<InsertResult> {
      // The row in conflict may become final (failed) between the insert and the select: then the quote
      // or account is free again, and the insert is simply tried again.
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const result = await tryInsert(row);
        if (result) return durable(result);
      }
      throw new Error(`payment ${row.reference} was neither inserted nor in conflict after ${INSERT_ATTEMPTS} attempts`);
    },
    blockingPayment: blocking,
    async claimLookup(reference, now, checkedBy) {
      const { numUpdatedRows } = await (await db())
        .updateTable('payments')
        .set({ checked_at: now })
        .where('reference', '=', reference)
        .where('state', 'in', OPEN)
        .where((eb) => eb.or([eb('checked_at', 'is', null), eb('checked_at', '<=', checkedBy)]))
        .executeTakeFirst();
      return durable(numUpdatedRows === 1n);
    },
    async pruneQuotes(expiredBy, limit) {
      const { numDeletedRows } = await (await db())
        .deleteFrom('quotes')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('quotes as q')
            .select('q.id')
            .where('q.expires_at', '<=', expiredBy)
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('payments as p').select('p.reference').whereRef('p.quote_id', '=', 'q.id'))))
            .limit(limit),
        )
        .executeTakeFirst();
      return Number(numDeletedRows);
    },
    async paymentByKey(key) {
      const r = await byKey(key);
      return r ? toRow(r) : null;
    },
    async paymentByReference(reference) {
      const r = await byReference(reference);
      return r ? toRow(r) : null;
    },
    async updatePayment(reference, from, patch, now) {
      if (from.length === 0) return null;
      const r = await (await db())
        .updateTable('payments')
        .set({ ...patchRecord(patch), updated_at: now })
        .where('reference', '=', reference)
        .where('state', 'in', from)
        .returningAll()
        .executeTakeFirst();
      return durable(r ? toRow(r) : null);
    },
    async listPayments({ subject, states, services, search, limit, offset }) {
      let query = (await db()).selectFrom('payments').where('subject', '=', subject);
      if (states?.length) query = query.where('state', 'in', states);
      if (services?.length) query = query.where('service', 'in', services);
      if (search) {
        const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        const like = (column: 'reference' | 'customer_name' | 'upstream_id') => sql<boolean>`${sql.ref(column)} ${sql.raw(d.like)} ${pattern} ESCAPE '\\'`;
        query = query.where((eb) => eb.or([like('reference'), like('customer_name'), like('upstream_id')]));
      }
      const { total } = await query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('reference').limit(limit).offset(offset).execute();
      return { rows: rows.map(toRow), total: Number(total) };
    },
    async insertFunding(row) {
      const inserted = await (await db())
        .insertInto('fundings')
        .values(toFundingRecord(row))
        .onConflict((c) => c.doNothing())
        .executeTakeFirst();
      return inserted.numInsertedOrUpdatedRows === 1n;
    },
    async fundingByReference(reference) {
      const r = await (await db()).selectFrom('fundings').selectAll().where('reference', '=', reference).executeTakeFirst();
      return r ? toFunding(r) : null;
    },
    async updateFunding(reference, from, patch, now) {
      if (from.length === 0) return null;
      const r = await (await db())
        .updateTable('fundings')
        .set({ ...fundingPatchRecord(patch), updated_at: now })
        .where('reference', '=', reference)
        .where('state', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
      return r ? toFunding(r) : null;
    },
    async claimDueFundings(dueBy, leaseUntil, limit, now) {
      const database = await db();
      let due = database
        .selectFrom('fundings')
        .select('reference')
        .where('state', 'in', [...FUNDING_OPEN_STATES])
        .where('next_check_at', '<=', dueBy)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('next_check_at')
        .limit(limit);
      // Same locking as the payments' claim (FOR UPDATE SKIP LOCKED on PostgreSQL).
      due = d.lockDue(due as unknown as DueQuery) as unknown as typeof due;
      const rows = await database.updateTable('fundings').set({ claimed_until: leaseUntil }).where('reference', 'in', due).returningAll().execute();
      return rows.map(toFunding);
    },
    async claimDue(dueBy, leaseUntil, limit, now) {
      const database = await db();
      const due = database
        .selectFrom('payments')
        .select('reference')
        .where('state', 'in', OPEN)
        .where('next_check_at', '<=', dueBy)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('next_check_at')
        .limit(limit);
      const rows = await database.updateTable('payments').set({ claimed_until: leaseUntil }).where('reference', 'in', d.lockDue(due)).returningAll().execute();
      return durable(rows.map(toRow));
    },
    async counts(dueBy) {
      // Both read indexes (payments_state, payments_due): cheap enough for every scrape.
      const database = await db();
      const [states, due] = await Promise.all([
        database.selectFrom('payments').select((eb) => ['state', eb.fn.countAll().as('n')]).groupBy('state').execute(),
        database
          .selectFrom('payments')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('state', 'in', OPEN)
          .where('next_check_at', '<=', dueBy)
          .executeTakeFirstOrThrow(),
      ]);
      return { byState: Object.fromEntries(states.map((r) => [r.state, Number(r.n)])), due: Number(due.n) };
    },
    async close() {
      await migrated.catch(() => undefined);
      await database.destroy();
    },
  };
}
