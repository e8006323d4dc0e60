/**
 * One ledger schema: SQLite and PostgreSQL end up with the same tables, columns, indexes and
 * constraints; and ledgers made by the old hand-written stores open with today's code, rows intact,
 * their steps adopted rather than re-run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore } from '../../src/server/store/postgres.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import type { Store } from '../../src/server/store/store.js';
import { paymentRow as row, tempPostgres } from './harness.js';
import { LEGACY_POSTGRES, LEGACY_SQLITE, legacyPostgres, legacySqlite } from './legacy-ledger.js';

interface Column {
  type: 'integer' | 'text';
  nullable: boolean;
  default: string | null;
}
interface Index {
  columns: string[];
  unique: boolean;
  where: string | null;
}
interface Table {
  columns: Record<string, Column>;
  primaryKey: string[];
  unique: string[][];
  checks: string[];
  indexes: Record<string, Index>;
}
type Schema = Record<string, Table>;

/** Types compared by kind: SQLite's INTEGER is PostgreSQL's integer or bigint; its TEXT is text, varchar or jsonb. */
function typeKind(type: string): Column['type'] {
  if (/int/i.test(type)) return 'integer';
  if (/text|char|json/i.test(type)) return 'text';
  throw new Error(`no kind for column type ${type}`);
}
const defaultValue = (v: string | null) => (v === null ? null : v.replace(/::[a-z ]+/gi, '').replace(/^\((.*)\)$/, '$1'));
/** A predicate or check as what it says: the column, the comparison, the literals; PostgreSQL's `= ANY (ARRAY[...])` is IN. */
function condition(text: string): string {
  const t = text.toLowerCase().replace(/::[a-z ]+/g, '');
  const column = /([a-z_]+)\s*(=|>=|<=|>|<|in\b|is\b)/.exec(t);
  const op = /=\s*any|\bin\b/.test(t) ? 'in' : (/>=|<=|>|</.exec(t)?.[0] ?? '?');
  const strings = [...t.matchAll(/'([^']*)'/g)].map((m) => m[1]!).sort();
  const literals = strings.length ? strings : [...t.matchAll(/\b\d+\b/g)].map((m) => m[0]);
  const notNull = [...t.matchAll(/([a-z_]+) is not null/g)].map((m) => ` and ${m[1]} is not null`).join('');
  return `${column?.[1]} ${op} (${literals.join(', ')})${notNull}`;
}
/** The text inside each `CHECK (...)` of a CREATE TABLE. */
function checksOf(createSql: string): string[] {
  const found: string[] = [];
  for (const m of createSql.matchAll(/check\s*\(/gi)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; depth > 0; i++) depth += createSql[i] === '(' ? 1 : createSql[i] === ')' ? -1 : 0;
    found.push(createSql.slice(start, i - 1));
  }
  return found;
}

function sqliteSchema(file: string): Schema {
  const db = new Database(file, { readonly: true });
  try {
    const schema: Schema = {};
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string; sql: string }[];
    for (const { name, sql } of tables) {
      const info = db.pragma(`table_info(${name})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
      const indexList = db.pragma(`index_list(${name})`) as { name: string; unique: number; origin: string; partial: number }[];
      const columnsOf = (index: string) => (db.pragma(`index_info(${index})`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      const indexes: Record<string, Index> = {};
      for (const index of indexList.filter((i) => i.origin === 'c')) {
        const text = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(index.name) as { sql: string }).sql;
        const where = /\bwhere\b([\s\S]*)$/i.exec(text)?.[1];
        indexes[index.name] = { columns: columnsOf(index.name), unique: index.unique === 1, where: where ? condition(where) : null };
      }
      schema[name] = {
        // SQLite lets a TEXT PRIMARY KEY be NULL unless NOT NULL is written (old ledgers did not write it); PostgreSQL never does.
        columns: Object.fromEntries(info.map((c) => [c.name, { type: typeKind(c.type), nullable: c.notnull === 0 && c.pk === 0, default: defaultValue(c.dflt_value) }])),
        primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        unique: indexList.filter((i) => i.origin === 'u').map((i) => columnsOf(i.name)).sort(),
        checks: checksOf(sql).map(condition).sort(),
        indexes,
      };
    }
    return schema;
  } finally {
    db.close();
  }
}

async function postgresSchema(url: string): Promise<Schema> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await client.query<R>(text, values)).rows;
    const schema: Schema = {};
    const tables = await q<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'");
    for (const { name } of tables) {
      const columns = await q<{ name: string; type: string; nullable: string; default: string | null }>(
        `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS default
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [name],
      );
      const constraints = await q<{ type: string; columns: string[]; def: string; index: string | null }>(
        `SELECT c.contype AS type, pg_get_constraintdef(c.oid) AS def, c.conindid::regclass::text AS index,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns
         FROM pg_constraint c WHERE c.conrelid = $1::regclass`,
        [name],
      );
      const backing = new Set(constraints.map((c) => c.index));
      const indexes: Record<string, Index> = {};
      for (const index of await q<{ name: string; def: string }>("SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1", [name])) {
        if (backing.has(index.name)) continue;
        const m = /^CREATE (UNIQUE )?INDEX .* USING \w+ \(([^)]*)\)(?: WHERE (.*))?$/.exec(index.def)!;
        indexes[index.name] = { columns: m[2]!.split(', '), unique: Boolean(m[1]), where: m[3] ? condition(m[3]) : null };
      }
      schema[name] = {
        columns: Object.fromEntries(columns.map((c) => [c.name, { type: typeKind(c.type), nullable: c.nullable === 'YES', default: defaultValue(c.default) }])),
        primaryKey: constraints.find((c) => c.type === 'p')?.columns ?? [],
        unique: constraints.filter((c) => c.type === 'u').map((c) => c.columns).sort(),
        checks: constraints.filter((c) => c.type === 'c').map((c) => condition(c.def.replace(/^CHECK /, ''))).sort(),
        indexes,
      };
    }
    return schema;
  } finally {
    await client.end();
  }
}

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'ledger-schema-')), 'ledger.sqlite');
async function opened(store: Store) {
  await store.ready();
  await store.check();
  return store;
}

/** The legacy rows every old ledger gets: a live payment (so its quote is taken), a final one, a quote with charges, a rate-limit window. */
const SEED = [
  `INSERT INTO quotes (id, service, session_id, body, charges, created_at, expires_at)
   VALUES ('old-quote', 'nea', '41', '{"customerName":"Ram Bahadur","facts":[],"bills":[],"packages":[],"totalDuePaisa":120000,"minPaisa":100,"maxPaisa":120000,"subject":null}', '{"120000":1500}', 1000, 2000)`,
  `INSERT INTO payments (reference, idempotency_key, request_hash, quote_id, service, session_id, customer_name, amount_paisa, service_charge_paisa, state, receipt, created_at, updated_at)
   VALUES ('old-live', 'old-key-1', 'h1', 'old-quote', 'nea', '41', 'Ram Bahadur', 120000, 1500, 'unknown', '[{"key":"receipt_no","value":"9"}]', 1000, 1100)`,
  `INSERT INTO payments (reference, idempotency_key, request_hash, quote_id, service, session_id, customer_name, amount_paisa, service_charge_paisa, state, created_at, updated_at)
   VALUES ('old-failed', 'old-key-2', 'h2', 'old-quote', 'nea', '41', 'Ram Bahadur', 5000, 0, 'failed', 900, 950)`,
];
const RATE_SEED = "INSERT INTO rate_limits (key, window_start, hits) VALUES ('ip:9.9.9.9', 60000, 4)";

/** What an old ledger must still hold and refuse after the upgrade. */
async function assertOldRowsKept(store: Store, withRateLimits: boolean) {
  const live = (await store.paymentByReference('old-live'))!;
  assert.deepEqual(
    [live.state, live.amountPaisa, live.serviceChargePaisa, live.receipt, live.createdAt, live.account, live.attempts, live.nextCheckAt],
    ['unknown', 120000, 1500, [{ key: 'receipt_no', value: '9' }], 1000, null, 0, null],
  );
  assert.equal((await store.paymentByKey('old-key-2'))!.state, 'failed');
  const quote = (await store.getQuote('old-quote'))!;
  assert.deepEqual([quote.customerName, quote.charges, quote.expiresAt], ['Ram Bahadur', { '120000': 1500 }, 2000]);
  const again = await store.insertPayment(row({ quoteId: 'old-quote' }));
  assert.equal(!again.inserted && again.conflict, 'quote', 'the old live payment still holds its quote');
  if (withRateLimits) assert.equal(await store.rateHit('ip:9.9.9.9', 60000), 5, 'the old window keeps counting');
  assert.equal((await store.claimDue(Number.MAX_SAFE_INTEGER, 10, 10, 0)).length, 0, 'an old open payment is not scheduled');
}

const pgAvailable = await tempPostgres();
const postgres = async () => {
  const made = await tempPostgres();
  if ('skip' in made) throw new Error(made.skip);
  after(() => made.drop());
  return made.url;
};
const skip = 'skip' in pgAvailable ? pgAvailable.skip : false;
if (!('skip' in pgAvailable)) after(() => pgAvailable.drop());

describe('one ledger schema', () => {
  it('SQLite and PostgreSQL end up with the same tables, columns, indexes and constraints', { skip }, async () => {
    const file = tempFile();
    await (await opened(openSqliteStore(file))).close();
    const url = await postgres();
    await (await opened(openPostgresStore(url, 2))).close();
    const [lite, post] = [sqliteSchema(file), await postgresSchema(url)];
    assert.deepEqual(Object.keys(lite).sort(), ['fundings', 'kysely_migration', 'kysely_migration_lock', 'payments', 'quotes', 'rate_limits']);
    assert.deepEqual(lite, post);
    // The comparison sees what matters: the partial unique indexes and the checks.
    assert.deepEqual(lite.payments!.indexes.payments_one_unresolved_per_account, {
      columns: ['service', 'account'],
      unique: true,
      where: "state in (pending, unknown) and account is not null",
    });
    assert.ok(lite.payments!.checks.includes('state in (failed, pending, success, unknown)'));
  });

  it('keeps SQLite durable as before (WAL journal), and check() names a missing step', async () => {
    const file = tempFile();
    const store = await opened(openSqliteStore(file));
    try {
      const db = new Database(file);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      db.prepare("DELETE FROM kysely_migration WHERE name = '0006_payments_state'").run();
      db.close();
      await assert.rejects(store.check(), /schema at version 6 of 7/);
    } finally {
      await store.close();
    }
  });

  for (const steps of [LEGACY_SQLITE.length, 3]) {
    it(`opens an SQLite ledger made by the old code (user_version ${steps}) without losing rows or re-running steps`, async () => {
      const file = tempFile();
      legacySqlite(file, steps, steps >= 3 ? [...SEED, RATE_SEED] : SEED);
      const store = await opened(openSqliteStore(file));
      try {
        await assertOldRowsKept(store, steps >= 3);
      } finally {
        await store.close();
      }
      const fresh = tempFile();
      await (await opened(openSqliteStore(fresh))).close();
      assert.deepEqual(sqliteSchema(file), sqliteSchema(fresh), 'the upgraded ledger has the schema of a new one');
      const reopened = await opened(openSqliteStore(file));
      await reopened.close();
    });
  }

  for (const steps of [LEGACY_POSTGRES.length, 2]) {
    it(`opens a PostgreSQL ledger made by the old code (${steps} steps in bill_pay_migrations) without losing rows or re-running steps`, { skip }, async () => {
      const url = await postgres();
      await legacyPostgres(url, steps, steps >= 2 ? [...SEED, RATE_SEED] : SEED);
      // Two instances start together on the old ledger: the migration lock lets one adopt it.
      const [store, other] = await Promise.all([opened(openPostgresStore(url, 2)), opened(openPostgresStore(url, 2))]);
      try {
        await assertOldRowsKept(store, steps >= 2);
      } finally {
        await Promise.all([store.close(), other.close()]);
      }
      const fresh = await postgres();
      await (await opened(openPostgresStore(fresh, 2))).close();
      const upgraded = await postgresSchema(url);
      assert.ok(upgraded.bill_pay_migrations, 'the old bookkeeping is left in place');
      delete upgraded.bill_pay_migrations;
      assert.deepEqual(upgraded, await postgresSchema(fresh), 'the upgraded ledger has the schema of a new one (payments_state included)');
    });
  }
});
