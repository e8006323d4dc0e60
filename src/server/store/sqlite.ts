/** The embedded ledger: one SQLite file, zero set-up, the schema and queries of ledger.ts. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql, SqliteAdapter, SqliteDialect } from 'kysely';
import { createLedger, type LedgerDialect } from './ledger.js';
import type { Ledger } from './schema.js';
import type { Store } from './store.js';

/** SQLite's DDL is transactional, so each migration step commits whole or not at all (Kysely assumes otherwise). */
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl() {
    return true;
  }
}
class LedgerSqliteDialect extends SqliteDialect {
  override createAdapter() {
    return new TransactionalDdlAdapter();
  }
}

export const SQLITE: LedgerDialect = {
  bigint: 'integer',
  json: 'text',
  unlogged: false,
  // The hand-written migrations counted their steps (the first five of schema.ts) in user_version.
  legacySteps: async (db) => (await sql<{ user_version: number }>`PRAGMA user_version`.execute(db)).rows[0]!.user_version,
  // One statement under SQLite's single writer's lock: two processes never claim one row.
  lockDue: (query) => query,
  withCharge: (amountKey, chargePaisa) => sql<string>`json_set(charges, '$.' || ${amountKey}, ${chargePaisa})`,
  like: 'like',
};

export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  return createLedger(new Kysely<Ledger>({ dialect: new LedgerSqliteDialect({ database }) }), SQLITE);
}
