/**
 * The one query layer behind both ledgers (SQLite and PostgreSQL). The uniqueness rules live in the
 * schema (unique reference, unique idempotency key, one live or successful payment per quote, one
 * unresolved payment per account and service), so they hold even if the code around them is wrong.
 * What really differs between the two databases is in `LedgerDialect`, small and named.
 */
import { CompiledQuery, sql, type Compilable, type Expression, type Kysely, type QueryCreator, type QueryResult, type SelectQueryBuilder } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, Migrator } from 'kysely';
import type { LedgerState } from '../providers/upstream.js';
import { fundingPatchRecord, patchRecord, toFunding, toFundingRecord, toRecord, toRow, type PaymentRecord } from './rows.js';
import { FUNDING_OPEN_STATES, LIVE_CONDITION, migrations, OPEN_CONDITION, STEP_NAMES, type Ledger, type SchemaDialect } from './schema.js';
import type { Change, FundingRow, InsertResult, PaymentRow, RowOf, Store, StoredQuote } from './store.js';

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
   * Runs a compiled statement at once, bypassing Kysely's driver (SQLite: better-sqlite3 is synchronous;
   * the driver's connection lock and promises cost more than a small statement). Without it, Kysely runs it.
   */
  execute?(sql: string, parameters: readonly unknown[]): QueryResult<unknown>;
  /** With `execute`: runs synchronous statements all or nothing, with nothing between them (SQLite: a savepoint). */
  atomically?<T>(statements: () => T): T;
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
function compiledOnce(database: Kysely<Ledger>, execute?: LedgerDialect['execute']) {
  const cache = new Map<string, { sql: string; slots: readonly unknown[] }>();
  const compile = <R>(shape: string, values: Values, build: Build<R>) => {
    let statement = cache.get(shape);
    if (!statement) {
      const compiled = build((name) => new Slot(name)).compile();
      statement = { sql: compiled.sql, slots: compiled.parameters };
      cache.set(shape, statement);
    }
    return { sql: statement.sql, parameters: statement.slots.map((p) => (p instanceof Slot ? values[p.name] : p)) };
  };
  const run = <R>(shape: string, values: Values, build: Build<R>): Promise<QueryResult<R>> => {
    const { sql, parameters } = compile(shape, values, build);
    if (execute) return Promise.resolve(execute(sql, parameters) as QueryResult<R>);
    return database.executeQuery<R>(CompiledQuery.raw(sql, parameters));
  };
  /** At once, where the database runs statements synchronously (`execute`). */
  const now = execute && (<R>(shape: string, values: Values, build: Build<R>) => {
    const { sql, parameters } = compile(shape, values, build);
    return execute(sql, parameters) as QueryResult<R>;
  });
  return Object.assign(run, { now });
}
/** A record's columns as slots of the same names, and the shape they give a statement. */
const slotsOf = (record: Values, v: (name: string) => unknown) => Object.fromEntries(Object.keys(record).map((k) => [k, v(k)]));
/** `from` as slots `from0`, `from1`... and the values they stand for. */
const listSlots = (from: readonly unknown[], v: (name: string) => unknown) => from.map((_, i) => v(`from${i}`));
const listValues = (from: readonly unknown[]) => Object.fromEntries(from.map((x, i) => [`from${i}`, x]));
const prefixed = (values: Values, prefix: string) => Object.fromEntries(Object.entries(values).map(([k, x]) => [prefix + k, x]));

/** A change's columns (`patchRecord`, `fundingPatchRecord`) and when it was made. */
const setOf = (c: Change, now: number): Values => ({ ...(c.table === 'payments' ? patchRecord(c.patch) : fundingPatchRecord(c.patch)), updated_at: now });
/** What a change's UPDATE statement depends on: its table, the columns it sets, how many states it may start from. */
const shapeOf = (c: Change, set: Values) => `update ${c.table} ${Object.keys(set).join()} from ${c.from.length}`;
/** A change's values, by its slots' names (`prefix` tells two changes of one statement apart). */
const changeValues = (c: Change, set: Values, reference: string, prefix = '') => prefixed({ ...set, reference_: reference, ...listValues(c.from) }, prefix);
/** A change's UPDATE ... RETURNING *, with slots for its values. */
const updateOf = (db: QueryCreator<Ledger>, c: Change, set: Values, v: (name: string) => unknown, prefix = '') =>
  // Both tables have `reference`, `state` and `updated_at`: typed as payments' for the builder.
  db
    .updateTable(c.table as 'payments')
    .set(slotsOf(set, (k) => v(prefix + k)))
    .where('reference', '=', v(`${prefix}reference_`) as string)
    .where('state', 'in', listSlots(c.from, (k) => v(prefix + k)) as LedgerState[]);
/** A row of either table as the database answered it, or as PostgreSQL's row_to_json gave it. */
const rowOf = (c: Change, r: unknown) => (r ? (c.table === 'payments' ? toRow(r as PaymentRecord) : toFunding(r as Parameters<typeof toFunding>[0])) : null);

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
  const onDb = compiledOnce(database, d.execute);
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

  /** The payment's INSERT, doing nothing on a conflict, with slots for its values. */
  const insertPaymentOf = (db: QueryCreator<Ledger>, record: ReturnType<typeof toRecord>, v: (name: string) => unknown) =>
    db
      .insertInto('payments')
      .values(slotsOf(record, v) as typeof record)
      .onConflict((c) => c.doNothing());
  const insertFundingOf = (record: ReturnType<typeof toFundingRecord>) => (v: (name: string) => unknown) =>
    database
      .insertInto('fundings')
      .values(slotsOf(record, v) as typeof record)
      .onConflict((c) => c.doNothing());
  const insertFunding = async (row: FundingRow) => {
    const record = toFundingRecord(row);
    return (await run('insert funding', record, insertFundingOf(record))).numAffectedRows === 1n;
  };

  /** Tries to insert the payment (and its funding); the conflicting row, or null when it was inserted or the conflict is gone. */
  async function tryInsert(row: PaymentRow, funding?: FundingRow): Promise<InsertResult | null> {
    // ON CONFLICT DO NOTHING covers every unique index, the partial ones per quote and account included.
    const record = toRecord(row);
    let inserted: boolean;
    if (funding && d.writableCte) {
      // One statement: the funding is inserted only if the payment was (its row from JSON, typed by the table).
      const result = await run('insert payment and funding', { ...record, funding_: { ...toFundingRecord(funding), ids: funding.ids, next_step: funding.nextStep } }, (v) =>
        database
          .with('p', (db) => insertPaymentOf(db, record, v).returning('reference'))
          .insertInto('fundings')
          .expression(sql`SELECT * FROM json_populate_record(NULL::fundings, ${v('funding_')}::json) WHERE EXISTS (SELECT 1 FROM p)`),
      );
      inserted = result.numAffectedRows === 1n;
    } else if (funding && d.atomically && onDb.now) {
      // SQLite: both at once, all or nothing, in the group transaction the sync below makes durable.
      const [now, fundingRecord] = [onDb.now, toFundingRecord(funding)];
      await migrated;
      inserted = d.atomically(() => {
        const done = now('insert payment', record, (v) => insertPaymentOf(database, record, v)).numAffectedRows === 1n;
        if (done) now('insert funding', fundingRecord, insertFundingOf(fundingRecord));
        return done;
      });
    } else {
      inserted = (await run('insert payment', record, (v) => insertPaymentOf(database, record, v))).numAffectedRows === 1n;
      if (inserted && funding) await insertFunding(funding);
    }
    if (inserted) return { inserted: true };
    const sameKey = await byKey(row.idempotencyKey);
    if (sameKey) return { inserted: false, conflict: 'key', existing: toRow(sameKey) };
    const blocked = await blocking(row.quoteId, row.service, row.account);
    return blocked && { inserted: false, ...blocked };
  }

  /**
   * One change (not yet durable on SQLite). A funding `captured` is a capture already made (lost, the
   * reconciler captures again, which the funding modules allow): through the relaxed connections.
   */
  const change = async (reference: string, c: Change, now: number) => {
    if (c.from.length === 0) return null;
    const relaxedWrite = c.table === 'fundings' && c.patch.state === 'captured';
    const { rows } = await run(...changeStatement(reference, c, now), relaxedWrite);
    return rowOf(c, rows[0]);
  };
  /** A change's UPDATE ... RETURNING *: its shape, values and builder. */
  function changeStatement(reference: string, c: Change, now: number): [string, Values, Build<PaymentRecord>] {
    const set = setOf(c, now);
    return [shapeOf(c, set), changeValues(c, set, reference), (v) => updateOf(database, c, set, v).returningAll()];
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
    async insertPayment(row, funding): Promise<InsertResult> {
      // The row in conflict may become final (failed) between the insert and the select: then the quote
      // or account is free again, and the insert is simply tried again.
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const result = await tryInsert(row, funding);
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
      return durable((await change(reference, { table: 'payments', from, patch }, now)) as PaymentRow | null);
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
    insertFunding,
    async fundingByReference(reference) {
      const r = (await run('funding by reference', { reference }, (v) => database.selectFrom('fundings').selectAll().where('reference', '=', v('reference') as string))).rows[0];
      return r ? toFunding(r) : null;
    },
    async updateFunding(reference, from, patch, now) {
      return (await change(reference, { table: 'fundings', from, patch }, now)) as FundingRow | null;
    },
    async updateTogether<A extends Change, B extends Change>(reference: string, first: A, then: B, now: number) {
      type Result = { first: RowOf<A> | null; then: RowOf<B> | null };
      if (first.from.length === 0) return { first: null, then: null } as Result;
      if (!d.writableCte) {
        const [atomically, at] = [d.atomically, onDb.now];
        if (!atomically || !at) throw new Error('updateTogether needs writable CTEs or synchronous statements');
        await migrated;
        // SQLite: both at once, all or nothing, in the group transaction the sync makes durable.
        const changed = atomically(() => {
          const a = rowOf(first, at(...changeStatement(reference, first, now)).rows[0]);
          return { first: a, then: a && then.from.length ? rowOf(then, at(...changeStatement(reference, then, now)).rows[0]) : null };
        });
        return durable(changed as Result);
      }
      const [setA, setB] = [setOf(first, now), setOf(then, now)];
      const values = { ...changeValues(first, setA, reference, 'a_'), ...changeValues(then, setB, reference, 'b_') };
      const { rows } = await run(`together ${shapeOf(first, setA)}; ${shapeOf(then, setB)}`, values, (v) =>
        database
          .with('a', (db) => updateOf(db, first, setA, v, 'a_').returningAll())
          .with('b', (db) => updateOf(db, then, setB, v, 'b_').where(sql<boolean>`EXISTS (SELECT 1 FROM a)`).returningAll())
          .selectNoFrom([sql<unknown>`(SELECT row_to_json(a) FROM a)`.as('first'), sql<unknown>`(SELECT row_to_json(b) FROM b)`.as('second')]),
      );
      return { first: rowOf(first, rows[0]?.first), then: rowOf(then, rows[0]?.second) } as Result;
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
