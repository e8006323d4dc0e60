/** The embedded ledger: one SQLite file, zero set-up, the schema and queries of ledger.ts. */
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { Kysely, sql, SqliteAdapter, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { missingPeer } from '../peer.js';
import { createLedger, type LedgerDialect } from './ledger.js';
import type { Ledger } from './schema.js';
import type { Store, StoredQuote } from './store.js';

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
 * count. Every other write (the payment ledger) is on disk before the store's call resolves.
 */
const RELAXED = /^(insert into|update|delete from) "(quotes|rate_limits)"/;
const WRITE = /^(insert|update|delete|create|alter|drop)\b/i;
const DML = /^(insert|update|delete)\b/i;
const TRANSACTION = /^(begin|commit|end|rollback|savepoint|release)\b/i;
/** Distinct SQL texts kept prepared (the ledger's queries are a few dozen; lists of states vary a little). */
const STATEMENT_CACHE = 256;

/**
 * WAL pages after which a commit checkpoints them into the database file (SQLite's default is 1,000). The
 * checkpoint runs in that commit, on the event loop, and with NORMAL it fsyncs the WAL and the database
 * file: 5-10 ms during which no request moves, whatever the number of pages, since a pay writes some 27
 * WAL pages, every 37 pays at 1,000. At 10,000 it comes ten times less often, each copying more pages
 * (a page written many times is copied once): in 9,000 pays (`bench-ledger.ts`, commits over 2 ms timed)
 * they held the event loop 0.3-0.5 s instead of 1.0-1.8 s. The WAL file grows to about 40 MB (it is reused,
 * not truncated, after a checkpoint). Checkpoints in a worker thread's connection do not do: under steady
 * writes a passive checkpoint never catches up with the WAL's end, so SQLite never restarts it (346 MB
 * after 9,000 pays).
 */
export const WAL_CHECKPOINT_PAGES = 10_000;

/** Makes the WAL's contents so far durable (fdatasync of the `-wal` file, off the event loop). */
export type SyncWal = () => Promise<void>;

/**
 * The ledger's database as Kysely drives it, and its group commit:
 * - each SQL text is prepared once and reused (Kysely prepares every query anew);
 * - WAL with `synchronous = NORMAL`: a commit is written to the WAL (it survives the process crashing)
 *   but not synced; `synced()` resolves once every ledger write made before the call is fsynced, one
 *   fdatasync of the WAL serving every write made while the previous one ran, or in the turn of the event
 *   loop the sync was asked for in (it starts at the end of that turn). The store awaits it after
 *   each payment write, so a reserved payment is on disk before its commit leaves and a recorded
 *   outcome before it is answered: the guarantee of `synchronous = FULL` (which fsyncs the WAL at each
 *   commit, on the event loop), at a fraction of the syncs. Quote and rate-limit writes do not wait:
 *   a power cut may lose the last few, never a payment;
 * - the ledger writes made between two syncs share one transaction (begun by the first, committed just
 *   before the next sync starts; writes no one waits for at the end of the event loop's turn, or, while a
 *   sync runs, of the turn it ends in): one commit writes each page they touched once, instead of one
 *   commit per statement or per turn (each a few page writes and six lock calls). Other connections see
 *   them at that commit, and wait (busy_timeout) to write while a group is open, at most one fdatasync. Should SQLite roll such a
 *   transaction back (disk full, an I/O error), the writes of several requests are gone: every later
 *   write and wait for durability then fails, until the proxy restarts (it never reports them durable).
 */
export function ledgerDatabase(opened: Database.Database, syncWal: SyncWal) {
  // Outside WAL (an in-memory database, a file system without shared memory) each commit syncs itself.
  const wal = opened.pragma('journal_mode', { simple: true }) === 'wal';
  opened.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
  if (wal) opened.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  if (!wal) syncWal = async () => undefined;
  let written = 0;
  let durable = 0;
  let syncing: Promise<void> | null = null;
  // The group's own transaction: the ledger writes made between two syncs share one commit.
  const begin = opened.prepare('BEGIN');
  const end = opened.prepare('COMMIT');
  let open = false;
  let lost: Error | null = null;
  const lose = (error: unknown) => {
    lost ??= new Error(`the ledger lost a group of writes (${(error as Error).message}); payments are refused until the proxy restarts`);
  };
  /** Commits the group's transaction, if one is open. */
  const commit = () => {
    if (!open) return;
    open = false;
    try {
      end.run();
    } catch (error) {
      lose(error);
      if (opened.inTransaction) opened.prepare('ROLLBACK').run();
      throw lost;
    }
  };
  /** Commits the group unless a sync is running: the writes made meanwhile wait for the sync after it. */
  const commitIdle = () => {
    if (syncing) return;
    try {
      commit();
    } catch {
      // recorded in `lost`: the next synced() or write reports it
    }
  };
  /** Begins the group's transaction unless one is open (the group's, or Kysely's own). */
  const join = () => {
    if (open || opened.inTransaction) return;
    begin.run();
    open = true;
    // Writes that nobody waits for (the reconciler's, say) are committed at the end of this turn, or,
    // while a sync runs, by the next sync (someone waits) or at the end of the turn that sync ends in.
    setImmediate(commitIdle);
  };
  /**
   * Runs `statements` (synchronous) all or nothing: in the group's transaction, as a savepoint of it
   * (nothing else runs between them, so no commit splits them either).
   */
  const atomically = <T>(statements: () => T): T => {
    if (lost) throw lost;
    join();
    return opened.transaction(statements)();
  };
  const counted = (stmt: SqliteStatement, dml: boolean): SqliteStatement => {
    const write = <T>(run: () => T): T => {
      if (lost) throw lost;
      written++;
      if (dml) join();
      try {
        return run();
      } catch (error) {
        // An error that rolled the whole transaction back (disk full, I/O) took other requests' writes with it.
        if (open && !opened.inTransaction) {
          open = false;
          lose(error);
        }
        throw error;
      }
    };
    return {
      reader: stmt.reader,
      all: (parameters) => write(() => stmt.all(parameters as unknown[])),
      run: (parameters) => write(() => stmt.run(parameters as unknown[])),
      iterate: (parameters) => stmt.iterate(parameters as unknown[]),
    };
  };
  // A transaction of Kysely's own (the migrations) first commits the group's.
  const explicit = (stmt: SqliteStatement): SqliteStatement => ({
    reader: stmt.reader,
    all: (parameters) => (commit(), stmt.all(parameters as unknown[])),
    run: (parameters) => (commit(), stmt.run(parameters as unknown[])),
    iterate: (parameters) => (commit(), stmt.iterate(parameters as unknown[])),
  });
  const statements = new Map<string, SqliteStatement>();
  const database: SqliteDatabase = {
    close: () => {
      try {
        commit();
      } finally {
        opened.close();
      }
    },
    prepare(source) {
      let stmt = statements.get(source);
      if (!stmt) {
        if (statements.size >= STATEMENT_CACHE) statements.clear();
        const prepared = opened.prepare(source);
        if (TRANSACTION.test(source)) stmt = explicit(prepared);
        else stmt = WRITE.test(source) && !RELAXED.test(source) ? counted(prepared, DML.test(source)) : prepared;
        statements.set(source, stmt);
      }
      return stmt;
    },
  };
  async function synced() {
    if (lost) throw lost;
    const target = written;
    while (durable < target) {
      syncing ??= (async () => {
        // The sync starts at the end of this turn of the event loop: the writes of every request that runs
        // in it join one commit and one fdatasync. The waiters of the sync that just ended are woken in one
        // turn and each writes its next step: started at once, the first one's write would be synced alone
        // and the others' would wait for the sync after it (bench-ledger.ts: twice the fdatasyncs).
        await new Promise((resolve) => setImmediate(resolve));
        const upTo = written;
        try {
          commit();
          await syncWal();
          durable = Math.max(durable, upTo);
        } finally {
          syncing = null;
          // Writes made during the sync that nobody waits for: committed at the end of this turn, unless a
          // waiter's sync (started before then) commits them first.
          if (open) setImmediate(commitIdle);
        }
      })();
      await syncing;
    }
  }
  return { database, synced, atomically };
}

/** fdatasync of the database's WAL file, through a handle opened on first use and kept until `close`. */
function walSync(file: string): { sync: SyncWal; close: () => Promise<void> } {
  let handle: Promise<FileHandle> | null = null;
  return {
    async sync() {
      handle ??= open(`${file}-wal`, 'r');
      await (await handle).datasync();
    },
    async close() {
      const opened = handle;
      handle = null;
      await (await opened?.catch(() => null))?.close();
    },
  };
}

export interface SqliteStoreOptions {
  /** When the pending quotes are written (default: QUOTE_WINDOW_MS after the first, or at once past QUOTE_BATCH). */
  scheduleQuotes?: ScheduleWrite;
}

export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  // The driver (an optional peer, built natively) is loaded on the first query: `store.ready()` reports it missing.
  let durability: ReturnType<typeof ledgerDatabase> | undefined;
  const database = async (): Promise<SqliteDatabase> => {
    const { default: Sqlite } = await import('better-sqlite3').catch(missingPeer('better-sqlite3', `DATABASE_URL=sqlite:${file}`));
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const opened = new Sqlite(file);
    opened.pragma('journal_mode = WAL');
    opened.pragma('busy_timeout = 5000');
    const wal = walSync(file);
    durability = ledgerDatabase(opened, wal.sync);
    const { close } = durability.database;
    return {
      ...durability.database,
      close: () => {
        close();
        // Not left to the garbage collector (Node warns, and will refuse).
        void wal.close();
      },
    };
  };
  // Every ledger call waits for the migrations, which open the database: `durability` is set by then.
  const synced = () => durability?.synced() ?? Promise.resolve();
  // The ledger's hot statements run on the same connection and statement cache as Kysely's (as its driver does).
  const execute = (source: string, parameters: readonly unknown[]) => {
    const stmt = durability!.database.prepare(source);
    if (stmt.reader) return { rows: stmt.all(parameters) };
    const { changes } = stmt.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes) };
  };
  const atomically = <T>(statements: () => T) => durability!.atomically(statements);
  return quotesWrittenBehind(
    createLedger(new Kysely<Ledger>({ dialect: new LedgerSqliteDialect({ database }) }), { ...SQLITE, synced, execute, atomically }),
    options.scheduleQuotes,
  );
}

/**
 * How long a quote may wait in memory for the next batch: a lookup's quote costs about 55 us to insert
 * 16 to a statement, 20 us 100 to a statement and 10 us 500 to a statement (this machine).
 */
export const QUOTE_WINDOW_MS = 100;
/** Pending quotes that are written at once, without waiting for the window. */
export const QUOTE_BATCH = 500;
/** Calls `write` once, later; returns a function that cancels it. */
export type ScheduleWrite = (write: () => void) => () => void;
const afterWindow: ScheduleWrite = (write) => {
  const timer = setTimeout(write, QUOTE_WINDOW_MS);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Quotes written behind the answer, many to a statement: a lookup's answer does not wait for its quote's
 * write, and the quotes of the lookups of a window (QUOTE_WINDOW_MS, or QUOTE_BATCH of them) share one
 * insert. Until written, a quote is served from memory (an SQLite ledger has one proxy instance: no one
 * else reads its quotes); whatever uses a quote in the database (a charge, a payment, closing) writes
 * the pending ones first. A crash may lose the quotes of the last window: the customer looks the account
 * up again.
 */
export function quotesWrittenBehind(store: Store, schedule: ScheduleWrite = afterWindow): Store {
  const pending = new Map<string, StoredQuote>();
  let writing: Promise<void> | null = null;
  let cancel: (() => void) | null = null;
  const write = () =>
    (writing ??= (async () => {
      cancel?.();
      cancel = null;
      await new Promise((resolve) => setImmediate(resolve));
      const batch = [...pending.values()];
      try {
        await store.saveQuotes(batch);
        for (const q of batch) if (pending.get(q.id) === q) pending.delete(q.id);
      } finally {
        writing = null;
        // Quotes saved while this batch was written (or left by a failed write) wait for the next window.
        if (pending.size > 0) cancel ??= schedule(later);
      }
    })());
  const later = () => {
    cancel = null;
    // A failed write leaves the quotes pending: the next write, or whatever needs them, tries again.
    write().catch(() => undefined);
  };
  /** Resolves once every quote saved before the call is in the database. */
  const written = async () => {
    while (pending.size > 0) await write();
  };
  return {
    ...store,
    async saveQuote(quote) {
      pending.set(quote.id, quote);
      if (pending.size >= QUOTE_BATCH) later();
      else cancel ??= schedule(later);
    },
    async saveQuotes(quotes) {
      await written();
      await store.saveQuotes(quotes);
    },
    async getQuote(id) {
      const quote = pending.get(id);
      return quote ? { ...quote, charges: { ...quote.charges } } : store.getQuote(id);
    },
    async saveCharge(quoteId, amountPaisa, chargePaisa) {
      await written();
      return store.saveCharge(quoteId, amountPaisa, chargePaisa);
    },
    async insertPayment(row, funding) {
      await written();
      return store.insertPayment(row, funding);
    },
    async close() {
      await written().catch(() => undefined);
      cancel?.();
      return store.close();
    },
  };
}
