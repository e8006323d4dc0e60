/** The embedded ledger: one SQLite file, zero set-up, the schema and queries of ledger.ts. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { Kysely, sql, SqliteAdapter, SqliteDialect } from 'kysely';
import { missingPeer } from '../peer.js';
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
  // The driver (an optional peer, built natively) is loaded on the first query: `store.ready()` reports it missing.
  const database = async (): Promise<Database.Database> => {
    const { default: Sqlite } = await import('better-sqlite3').catch(missingPeer('better-sqlite3', `DATABASE_URL=sqlite:${file}`));
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const opened = new Sqlite(file);
    opened.pragma('journal_mode = WAL');
    opened.pragma('busy_timeout = 5000');
    return opened;
  };
  return createLedger(new Kysely<Ledger>({ dialect: new LedgerSqliteDialect({ database }) }), SQLITE);
}
