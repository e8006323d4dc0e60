/**
 * The SQLite ledger's durability by statement (store/sqlite.ts ledgerDatabase): every payment write runs
 * with `synchronous = FULL` (synced before it returns), quote and rate-limit writes with `NORMAL`; each SQL
 * text is prepared once. Watched through the statements the real better-sqlite3 connection runs, and the
 * connection's `synchronous` setting read while each runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { createLedger } from '../../src/server/store/ledger.js';
import type { Ledger } from '../../src/server/store/schema.js';
import { LedgerSqliteDialect, ledgerDatabase, SQLITE } from '../../src/server/store/sqlite.js';
import { paymentRow } from './harness.js';

const FULL = 2;
const NORMAL = 1;

function watchedLedger() {
  const opened = new Sqlite(join(mkdtempSync(join(tmpdir(), 'durability-')), 'ledger.sqlite'));
  opened.pragma('journal_mode = WAL');
  const prepared: string[] = [];
  /** Each write as it runs: its SQL and the connection's synchronous setting at that moment. */
  const writes: { sql: string; synchronous: number }[] = [];
  const prepare = opened.prepare.bind(opened);
  const mode = prepare('PRAGMA synchronous');
  opened.prepare = ((source: string) => {
    prepared.push(source);
    const stmt = prepare(source);
    if (!/^(insert|update|delete)/i.test(source)) return stmt;
    const synchronous = () => mode.pluck().get() as number;
    return new Proxy(stmt, {
      get(target, key) {
        if (key === 'run' || key === 'all') {
          return (...args: unknown[]) => {
            writes.push({ sql: source, synchronous: synchronous() });
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }) as typeof opened.prepare;
  const store = createLedger(new Kysely<Ledger>({ dialect: new LedgerSqliteDialect({ database: ledgerDatabase(opened) }) }), SQLITE);
  return { store, prepared, writes, synchronous: () => mode.pluck().get() as number };
}

const quote = (id: string) => ({
  id,
  service: 'dishhome' as const,
  subject: null,
  sessionId: '77',
  customerName: '1111',
  facts: [],
  bills: [],
  packages: [],
  totalDuePaisa: 0,
  minPaisa: 40000,
  maxPaisa: 480000,
  charges: {},
  createdAt: 1,
  expiresAt: 2,
});

describe('SQLite ledger durability', () => {
  it('syncs payment writes (FULL), not quote or rate-limit writes (NORMAL), and prepares each query once', async () => {
    const { store, prepared, writes, synchronous } = watchedLedger();
    await store.ready();
    writes.length = 0;
    await store.saveQuote(quote('q-1'));
    await store.saveQuote(quote('q-2'));
    await store.saveCharge('q-1', 40000, 0);
    await store.rateHit('ip:1', 0);
    const row = paymentRow({ quoteId: 'q-1' });
    assert.deepEqual(await store.insertPayment(row), { inserted: true });
    await store.updatePayment(row.reference, ['pending'], { state: 'success' }, 5);
    await store.claimLookup(row.reference, 6, 0);

    const by = (table: string) => writes.filter((w) => w.sql.includes(`"${table}"`)).map((w) => w.synchronous);
    assert.deepEqual(by('quotes'), [NORMAL, NORMAL, NORMAL]);
    assert.deepEqual(by('rate_limits'), [NORMAL]);
    assert.deepEqual(by('payments'), [FULL, FULL, FULL]);
    assert.equal(synchronous(), FULL, 'the connection is left synced');
    const quoteInserts = prepared.filter((sql) => sql.startsWith('insert into "quotes"'));
    assert.equal(quoteInserts.length, 1, 'the quote insert was prepared once for two quotes');
    await store.close();
  });
});
