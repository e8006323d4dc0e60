/**
 * The ledger's one schema: its tables as Kysely sees them and the one migration list both databases
 * run. What differs between SQLite and PostgreSQL is named in `LedgerDialect` (ledger.ts) and kept small:
 * two column types, PostgreSQL's unlogged scratch table, and how the old code counted its steps.
 */
import { sql, type ColumnType, type Kysely, type SqlBool } from 'kysely';
import type { Migration } from 'kysely';
import { FUNDING_STATES, type Fact } from '../../api.js';

/** SQLite answers numbers; PostgreSQL answers BIGINT as strings. Written as numbers. */
type Big = ColumnType<number | string, number, number>;
type BigNull = ColumnType<number | string | null, number | null, number | null>;
/** SQLite keeps JSON as text, PostgreSQL as JSONB (answered parsed); both are written as JSON text. */
type Json<T> = ColumnType<string | T, string, string>;

export interface QuotesTable {
  id: string;
  service: string;
  session_id: string;
  body: Json<object>;
  charges: Json<Record<string, number>>;
  created_at: Big;
  expires_at: Big;
}

export interface PaymentsTable {
  reference: string;
  idempotency_key: string;
  request_hash: string;
  quote_id: string;
  service: string;
  session_id: string;
  customer_name: string;
  amount_paisa: Big;
  service_charge_paisa: Big;
  package_id: number | null;
  state: string;
  upstream_id: string | null;
  upstream_state: string | null;
  error_code: string | null;
  reason: string | null;
  receipt: Json<Fact[]>;
  created_at: Big;
  updated_at: Big;
  checked_at: BigNull;
  next_check_at: BigNull;
  attempts: number;
  claimed_until: BigNull;
  subject: string | null;
  account: string | null;
  not_found_since: BigNull;
  settled_by: string | null;
  settled_at: BigNull;
  note: string | null;
}

export interface FundingsTable {
  reference: string;
  method: string;
  state: string;
  ids: Json<Record<string, string>>;
  next_step: Json<object> | null;
  total_paisa: Big;
  paid_paisa: BigNull;
  expires_at: Big;
  next_check_at: BigNull;
  claimed_until: BigNull;
  attempts: number;
  refund_reason: string | null;
  refunded_at: BigNull;
  created_at: Big;
  updated_at: Big;
}

export interface RateLimitsTable {
  key: string;
  window_start: Big;
  hits: number;
}

export interface Ledger {
  quotes: QuotesTable;
  payments: PaymentsTable;
  fundings: FundingsTable;
  rate_limits: RateLimitsTable;
}

/** What the schema needs to know about the database it is written in. */
export interface SchemaDialect {
  /** A 64-bit integer column: SQLite's INTEGER, PostgreSQL's BIGINT. */
  bigint: 'integer' | 'bigint';
  /** A JSON column: SQLite's TEXT, PostgreSQL's JSONB. */
  json: 'text' | 'jsonb';
  /** Rate-limit windows are scratch data: PostgreSQL keeps them out of its write-ahead log. */
  unlogged: boolean;
  /** Data-modifying statements in WITH (PostgreSQL): two writes of one step in one statement, one round trip. */
  writableCte?: boolean;
  /**
   * How many steps of MIGRATIONS a ledger made by the hand-written migrations (before Kysely) already
   * has: SQLite's `user_version`, PostgreSQL's `bill_pay_migrations`. Those steps are adopted, not re-run.
   */
  legacySteps(db: Kysely<unknown>): Promise<number>;
}

const OPEN = "state IN ('pending', 'unknown')";
/** The partial indexes' own conditions: a query that repeats them word for word may use those indexes (SQLite never can with bound states). */
export const OPEN_CONDITION = OPEN;
/** Fundings the reconciler may still have to act on (see FUNDING_STATES in store.ts). */
export const FUNDING_OPEN_STATES = ['initiated', 'secured', 'capturing', 'refunding'] as const;
export { FUNDING_STATES } from '../../api.js';
const LIVE = "state IN ('pending', 'unknown', 'success')";
export const LIVE_CONDITION = LIVE;

/**
 * The steps, in order, named so that Kysely's migrator keeps them in order. Steps 1-5 are the SQLite
 * ledger's old user_version steps; step 6 adds the index that only the SQLite ledger had.
 */
const STEPS: [name: string, up: (db: Kysely<unknown>, d: SchemaDialect) => Promise<void>][] = [
  [
    '0001_quotes_and_payments',
    async (db, d) => {
      await db.schema
        .createTable('quotes')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('body', d.json, (c) => c.notNull())
        .addColumn('charges', d.json, (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', d.bigint, (c) => c.notNull())
        .addColumn('expires_at', d.bigint, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('payments')
        .addColumn('reference', 'text', (c) => c.primaryKey().notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('quote_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('amount_paisa', d.bigint, (c) => c.notNull().check(sql`amount_paisa > 0`))
        .addColumn('service_charge_paisa', d.bigint, (c) => c.notNull().check(sql`service_charge_paisa >= 0`))
        .addColumn('package_id', 'integer')
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('pending', 'success', 'failed', 'unknown')`))
        .addColumn('upstream_id', 'text')
        .addColumn('upstream_state', 'text')
        .addColumn('error_code', 'text')
        .addColumn('reason', 'text')
        .addColumn('receipt', d.json, (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', d.bigint, (c) => c.notNull())
        .addColumn('updated_at', d.bigint, (c) => c.notNull())
        .addColumn('checked_at', d.bigint)
        .execute();
      await db.schema.createIndex('payments_one_live_per_quote').unique().on('payments').column('quote_id').where(sql.raw<SqlBool>(LIVE)).execute();
    },
  ],
  [
    '0002_reconciler',
    async (db, d) => {
      await db.schema.alterTable('payments').addColumn('next_check_at', d.bigint).execute();
      await db.schema.alterTable('payments').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('payments').addColumn('claimed_until', d.bigint).execute();
      await db.schema.createIndex('payments_due').on('payments').column('next_check_at').where(sql.raw<SqlBool>(OPEN)).execute();
    },
  ],
  [
    '0003_rate_limits',
    async (db, d) => {
      let table = db.schema.createTable('rate_limits');
      if (d.unlogged) table = table.modifyFront(sql`unlogged`);
      await table
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', d.bigint, (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_limits_pkey', ['key', 'window_start'])
        .execute();
    },
  ],
  [
    '0004_subject',
    async (db) => {
      await db.schema.alterTable('payments').addColumn('subject', 'text').execute();
      await db.schema.createIndex('payments_subject').on('payments').columns(['subject', 'created_at']).execute();
    },
  ],
  [
    '0005_account_and_settlement',
    async (db, d) => {
      // The account paid, the reconciler's "no such reference" run, manual settlement.
      await db.schema.alterTable('payments').addColumn('account', 'text').execute();
      await db.schema.alterTable('payments').addColumn('not_found_since', d.bigint).execute();
      await db.schema.alterTable('payments').addColumn('settled_by', 'text').execute();
      await db.schema.alterTable('payments').addColumn('settled_at', d.bigint).execute();
      await db.schema.alterTable('payments').addColumn('note', 'text').execute();
      await db.schema
        .createIndex('payments_one_unresolved_per_account')
        .unique()
        .on('payments')
        .columns(['service', 'account'])
        .where(sql.raw<SqlBool>(`${OPEN} AND account IS NOT NULL`))
        .execute();
      await db.schema.createIndex('payments_quote').on('payments').column('quote_id').execute();
      await db.schema.createIndex('quotes_expiry').on('quotes').column('expires_at').execute();
    },
  ],
  [
    '0006_payments_state',
    // Old SQLite ledgers have it from their first step; old PostgreSQL ones never got it.
    async (db) => {
      await db.schema.createIndex('payments_state').ifNotExists().on('payments').columns(['state', 'updated_at']).execute();
    },
  ],
  [
    '0007_fundings',
    // The customer's money beside each payment: one row per payment reference, written before each action it guards.
    async (db, d) => {
      const states = FUNDING_STATES.map((st) => `'${st}'`).join(', ');
      await db.schema
        .createTable('fundings')
        .addColumn('reference', 'text', (c) => c.primaryKey().notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql.raw(`state IN (${states})`)))
        .addColumn('ids', d.json, (c) => c.notNull().defaultTo('{}'))
        .addColumn('next_step', d.json)
        .addColumn('total_paisa', d.bigint, (c) => c.notNull().check(sql`total_paisa >= 0`))
        .addColumn('paid_paisa', d.bigint)
        .addColumn('expires_at', d.bigint, (c) => c.notNull())
        .addColumn('next_check_at', d.bigint)
        .addColumn('claimed_until', d.bigint)
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('refund_reason', 'text')
        .addColumn('refunded_at', d.bigint)
        .addColumn('created_at', d.bigint, (c) => c.notNull())
        .addColumn('updated_at', d.bigint, (c) => c.notNull())
        .execute();
      const open = FUNDING_OPEN_STATES.map((st) => `'${st}'`).join(', ');
      await db.schema.createIndex('fundings_due').on('fundings').column('next_check_at').where(sql.raw<SqlBool>(`state IN (${open})`)).execute();
    },
  ],
];

/** The steps' names: `check()` wants every one applied. */
export const STEP_NAMES = STEPS.map(([name]) => name);

/** The migrations for Kysely's migrator; a step the old bookkeeping already counts is recorded without running. */
export const migrations = (d: SchemaDialect): Record<string, Migration> =>
  Object.fromEntries(
    STEPS.map(([name, up], i) => [
      name,
      {
        async up(db: Kysely<unknown>) {
          if (i < (await d.legacySteps(db))) return;
          await up(db, d);
        },
      },
    ]),
  );
