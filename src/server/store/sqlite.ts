/** The embedded ledger: one SQLite file, zero set-up, the schema and queries of ledger.ts. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { Kysely, sql, SqliteAdapter, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
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
export class LedgerSqliteDialect extends SqliteDialect {
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

/**
 * Writes that are cheap to lose: a quote (the customer looks the account up again) and a rate-limit
 * count. Everything else, the payment ledger above all, is synced before the answer.
 */
const RELAXED = /^(insert into|update|delete from) "(quotes|rate_limits)"/;
/** Distinct SQL texts kept prepared (the ledger's queries are a few dozen; lists of states vary a little). */
const STATEMENT_CACHE = 256;

/**
 * The ledger's database as Kysely drives it, with two changes to better-sqlite3's defaults:
 * - each SQL text is prepared once and reused (Kysely prepares every query anew);
 * - durability by statement, in WAL mode: payment writes commit with `synchronous = FULL` (the WAL is
 *   fsynced before the statement returns: a recorded payment survives a power cut), quote and
 *   rate-limit writes with `NORMAL` (written to the WAL, so they survive the process crashing, but synced
 *   only by the next FULL commit or checkpoint: a power cut may lose the last quotes, never a payment).
 *   better-sqlite3 runs statements synchronously, so no other statement runs between the switches.
 */
export function ledgerDatabase(opened: Database.Database): SqliteDatabase {
  opened.pragma('synchronous = FULL');
  const normal = opened.prepare('PRAGMA synchronous = NORMAL');
  const full = opened.prepare('PRAGMA synchronous = FULL');
  const relaxedly = <T>(run: () => T): T => {
    normal.run();
    try {
      return run();
    } finally {
      full.run();
    }
  };
  const statements = new Map<string, SqliteStatement>();
  const prepare = (source: string): SqliteStatement => {
    const stmt = opened.prepare(source);
    if (!RELAXED.test(source)) return stmt;
    return {
      reader: stmt.reader,
      all: (parameters) => relaxedly(() => stmt.all(parameters as unknown[])),
      run: (parameters) => relaxedly(() => stmt.run(parameters as unknown[])),
      iterate: (parameters) => stmt.iterate(parameters as unknown[]),
    };
  };
  return {
    close: () => opened.close(),
    prepare(source) {
      let stmt = statements.get(source);
      if (!stmt) {
        if (statements.size >= STATEMENT_CACHE) statements.clear();
        stmt = prepare(source);
        statements.set(source, stmt);
      }
      return stmt;
    },
  };
}

export function openSqliteStore(file: string): Store {
  // The driver (an optional peer, built natively) is loaded on the first query: `store.ready()` reports it missing.
  const database = async (): Promise<SqliteDatabase> => {
    const { default: Sqlite } = await import('better-sqlite3').catch(missingPeer('better-sqlite3', `DATABASE_URL=sqlite:${file}`));
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const opened = new Sqlite(file);
    opened.pragma('journal_mode = WAL');
    opened.pragma('busy_timeout = 5000');
    return ledgerDatabase(opened);
  };
  return createLedger(new Kysely<Ledger>({ dialect: new LedgerSqliteDialect({ database }) }), SQLITE);
}
