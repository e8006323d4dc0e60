/**
 * The one query layer behind both ledgers (SQLite and PostgreSQL). The uniqueness rules live in the
 * schema (unique reference, unique idempotency key, one live or successful payment per quote, one
 * unresolved payment per account and service), so they hold even if the code around them is wrong.
 * What really differs between the two databases is in `LedgerDialect`, small and named.
 */
import { CompiledQuery, sql, type Compilable, type Expression, type Kysely, type QueryResult, type SelectQueryBuilder } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, Migrator } from 'kysely';
import type { LedgerState } from '../providers/upstream.js';
import { fundingPatchRecord, patchRecord, toFunding, toFundingRecord, toRecord, toRow } from './rows.js';
import { FUNDING_OPEN_STATES, LIVE_CONDITION, migrations, OPEN_CONDITION, STEP_NAMES, type Ledger, type SchemaDialect } from './schema.js';
import type { FundingState, InsertResult, PaymentRow, Store, StoredQuote } from './store.js';

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

/** A value's place in a statement compiled once (see `compiledOnce`). */
class Slot {
  constructor(readonly name: string) {}
}
type Values = Record<string, unknown>;
/** Builds a statement with `v(name)` in place of each value. */
type Build<R> = (v: (name: string) => unknown) => Compilable<R>;

/**
 * The hot statements, compiled by Kysely once per shape and then run with new values: building and
 * compiling a query cost more than SQLite takes to run it. `build` gets a slot in place of each value; the
 * compiled statement's parameters are mapped back to the values by name at each run. `shape` must name
 * everything the SQL text depends on (the columns set, the length of a list of states).
 */
function compiledOnce(database: Kysely<Ledger>) {
  const cache = new Map<string, { sql: string; slots: readonly unknown[] }>();
  return <R>(shape: string, values: Values, build: Build<R>): Promise<QueryResult<R>> => {
    let statement = cache.get(shape);
    if (!statement) {
      const compiled = build((name) => new Slot(name)).compile();
      statement = { sql: compiled.sql, slots: compiled.parameters };
      cache.set(shape, statement);
    }
    const parameters = statement.slots.map((p) => (p instanceof Slot ? values[p.name] : p));
    return database.executeQuery<R>(CompiledQuery.raw(statement.sql, parameters));
  };
}
/** A record's columns as slots of the same names, and the shape they give a statement. */
const slotsOf = (record: Values, v: (name: string) => unknown) => Object.fromEntries(Object.keys(record).map((k) => [k, v(k)]));
/** `from` as slots `from0`, `from1`... and the values they stand for. */
const listSlots = (from: readonly unknown[], v: (name: string) => unknown) => from.map((_, i) => v(`from${i}`));
const listValues = (from: readonly unknown[]) => Object.fromEntries(from.map((x, i) => [`from${i}`, x]));

/**
 * A Store over a Kysely database; migrates it first (every query waits for that). `relaxed`, when given,
 * is the same database through connections whose commits do not wait for durability (postgres.ts): the
 * writes cheap to lose, or made durable by the payment write that follows them, go through it.
 */
export function createLedger(database: Kysely<Ledger>, d: LedgerDialect, relaxed: Kysely<Ledger> = database): Store {
  const migrator = new Migrator({ db: database, provider: { getMigrations: async () => migrations(d) } });
  const migrated = migrator.migrateToLatest().then(({ error }) => {
    if (error) throw error;
  });
  migrated.catch(() => undefined);
  const db = async () => (await migrated, database);
  const relaxedDb = async () => (await migrated, relaxed);
  const onDb = compiledOnce(database);
  const onRelaxed = relaxed === database ? onDb : compiledOnce(relaxed);
  /** A hot statement on the ledger (`relaxed`: through the relaxed connections), compiled once per shape. */
  const run = async <R>(shape: string, values: Values, build: Build<R>, viaRelaxed = false) => {
    await migrated;
    return (viaRelaxed ? onRelaxed : onDb)(shape, values, build);
  };
  /** A payment write's result, once the write is durable. */
  const durable = async <T>(result: T): Promise<T> => (await d.synced?.(), result);

  const paymentBy = async (column: 'idempotency_key' | 'reference', value: string) =>
    (await run(`payment by ${column}`, { value }, (v) => database.selectFrom('payments').selectAll().where(column, '=', v('value') as string))).rows[0];
  const byKey = (key: string) => paymentBy('idempotency_key', key);
  const byReference = (reference: string) => paymentBy('reference', reference);

  const blocking = async (quoteId: string, service: string, account: string | null) => {
    // One statement for both rules, each in its partial index's own words (one live payment per quote,
    // one unresolved per account): an index search each, however long the ledger. The quote's wins.
    const { rows } = await run(`blocking ${account === null}`, { quoteId, service, account }, (v) =>
      database
        .selectFrom('payments')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('quote_id', '=', v('quoteId') as string), sql<boolean>`${sql.raw(LIVE_CONDITION)}`]),
            ...(account === null
              ? []
              : [eb.and([eb('service', '=', v('service') as string), eb('account', '=', v('account') as string), sql<boolean>`${sql.raw(OPEN_CONDITION)}`])]),
          ]),
        ),
    );
    const live = rows.find((r) => r.quote_id === quoteId && LIVE.includes(r.state as LedgerState));
    if (live) return { conflict: 'quote' as const, existing: toRow(live) };
    const unresolved = rows.find((r) => r.service === service && r.account === account && OPEN.includes(r.state as LedgerState));
    if (unresolved) return { conflict: 'account' as const, existing: toRow(unresolved) };
    return null;
  };

  /** Tries to insert the payment; the conflicting row, or null when it was inserted or the conflict is gone. */
  async function tryInsert(row: PaymentRow): Promise<InsertResult | null> {
    // ON CONFLICT DO NOTHING covers every unique index, the partial ones per quote and account included.
    const record = toRecord(row);
    const inserted = await run('insert payment', record, (v) =>
      database
        .insertInto('payments')
        .values(slotsOf(record, v) as typeof record)
        .onConflict((c) => c.doNothing()),
    );
    if (inserted.numAffectedRows === 1n) return { inserted: true };
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
        await (await relaxedDb()).deleteFrom('rate_limits').where('window_start', '<', windowStart).execute();
      }
      const { hits } = await (await relaxedDb())
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
        await (await relaxedDb()).insertInto('quotes').values(values).execute();
      }
    },
    async getQuote(id) {
      const r = (await run('quote by id', { id }, (v) => database.selectFrom('quotes').selectAll().where('id', '=', v('id') as string))).rows[0];
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
      const set = { ...patchRecord(patch), updated_at: now };
      const { rows } = await run(`update payment ${Object.keys(set).join()} from ${from.length}`, { ...set, reference_: reference, ...listValues(from) }, (v) =>
        database
          .updateTable('payments')
          .set(slotsOf(set, v))
          .where('reference', '=', v('reference_') as string)
          .where('state', 'in', listSlots(from, v) as LedgerState[])
          .returningAll(),
      );
      return durable(rows[0] ? toRow(rows[0]) : null);
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
      const record = toFundingRecord(row);
      const inserted = await run('insert funding', record, (v) =>
        database
          .insertInto('fundings')
          .values(slotsOf(record, v) as typeof record)
          .onConflict((c) => c.doNothing()),
      );
      return inserted.numAffectedRows === 1n;
    },
    async fundingByReference(reference) {
      const r = (await run('funding by reference', { reference }, (v) => database.selectFrom('fundings').selectAll().where('reference', '=', v('reference') as string))).rows[0];
      return r ? toFunding(r) : null;
    },
    async updateFunding(reference, from, patch, now) {
      if (from.length === 0) return null;
      // A funding becoming `secured` is always followed by its payment's write (the commit's intent, or the
      // refusal before a release) before anything leaves: that write's flush makes it durable.
      const set = { ...fundingPatchRecord(patch), updated_at: now };
      const { rows } = await run(
        `update funding ${Object.keys(set).join()} from ${from.length}`,
        { ...set, reference_: reference, ...listValues(from) },
        (v) =>
          database
            .updateTable('fundings')
            .set(slotsOf(set, v))
            .where('reference', '=', v('reference_') as string)
            .where('state', 'in', listSlots(from, v) as FundingState[])
            .returningAll(),
        patch.state === 'secured',
      );
      return rows[0] ? toFunding(rows[0]) : null;
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
      if (relaxed !== database) await relaxed.destroy();
    },
  };
}
