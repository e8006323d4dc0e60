/**
 * The SQLite ledger's group commit (store/sqlite.ts ledgerDatabase): WAL with synchronous=NORMAL, and a
 * payment write's call resolves only after an fsync of the WAL that started after the write; one fsync
 * serves the writes made while the previous one ran; quote and rate-limit writes never wait. Each SQL
 * text is prepared once. Watched on a real better-sqlite3 connection, with the WAL sync held by the test.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { createLedger } from '../../src/server/store/ledger.js';
import type { Ledger } from '../../src/server/store/schema.js';
import { LedgerSqliteDialect, ledgerDatabase, openSqliteStore, QUOTE_BATCH, SQLITE, WAL_CHECKPOINT_PAGES } from '../../src/server/store/sqlite.js';
import type { StoredQuote } from '../../src/server/store/store.js';
import { paymentRow } from './harness.js';

const NORMAL = 1;

/** A ledger whose WAL syncs wait for the test to `release()` them. */
function heldLedger() {
  const file = join(mkdtempSync(join(tmpdir(), 'durability-')), 'ledger.sqlite');
  const opened = new Sqlite(file);
  opened.pragma('journal_mode = WAL');
  const prepared: string[] = [];
  let commits = 0;
  const prepare = opened.prepare.bind(opened);
  opened.prepare = ((source: string) => {
    prepared.push(source);
    const stmt = prepare(source);
    if (source !== 'COMMIT') return stmt;
    const run = stmt.run.bind(stmt);
    return Object.assign(stmt, { run: (...args: unknown[]) => (commits++, run(...args)) });
  }) as typeof opened.prepare;
  let syncs = 0;
  let held: (() => void)[] = [];
  const { database, synced } = ledgerDatabase(opened, () => {
    syncs++;
    return new Promise<void>((resolve) => held.push(resolve));
  });
  const store = createLedger(new Kysely<Ledger>({ dialect: new LedgerSqliteDialect({ database }) }), { ...SQLITE, synced });
  return {
    store,
    prepared,
    file,
    get commits() {
      return commits;
    },
    synchronous: () => opened.pragma('synchronous', { simple: true }),
    autocheckpoint: () => opened.pragma('wal_autocheckpoint', { simple: true }),
    get syncs() {
      return syncs;
    },
    release() {
      const now = held;
      held = [];
      now.forEach((resolve) => resolve());
      return now.length;
    },
  };
}

const quote = (id: string): StoredQuote => ({
  id,
  service: 'dishhome',
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

/** Whether `promise` has settled after the event loop has run what was ready. */
async function settled(promise: Promise<unknown>) {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('SQLite ledger group commit', () => {
  it('a payment write resolves only after a WAL sync that started after it; quotes and rate limits never wait', async () => {
    const ledger = heldLedger();
    const { store } = ledger;
    await store.ready();
    assert.equal(ledger.synchronous(), NORMAL);
    assert.equal(ledger.autocheckpoint(), WAL_CHECKPOINT_PAGES, 'the commit that checkpoints (two fsyncs on the event loop) comes every 10,000 WAL pages');
    // Migrations wrote; their sync is released here so the counts below start clean.
    await store.paymentByKey('none');
    ledger.release();

    const syncsBefore = ledger.syncs;
    await store.saveQuote(quote('q-1'));
    await store.saveCharge('q-1', 40000, 0);
    await store.rateHit('ip:1', 0);
    assert.equal(ledger.syncs, syncsBefore, 'no sync for quotes and rate limits');

    const row = paymentRow({ quoteId: 'q-1' });
    const inserting = store.insertPayment(row);
    assert.equal(await settled(inserting), false, 'the reservation waits for its sync');
    assert.equal(ledger.release(), 1);
    assert.deepEqual(await inserting, { inserted: true });

    // While one sync runs, further writes wait for the next one: a sync that began before them is not enough.
    const first = store.updatePayment(row.reference, ['pending'], { state: 'unknown' }, 5);
    assert.equal(await settled(first), false);
    const second = store.claimLookup(row.reference, 6, 0);
    assert.equal(await settled(second), false);
    assert.equal(ledger.release(), 1, 'one sync was running');
    assert.equal((await first)?.state, 'unknown');
    assert.equal(await settled(second), false, 'the claim was written after that sync began');
    assert.equal(ledger.release(), 1);
    assert.equal(await second, true);

    // Eight reservations written together share the syncs, and the commits: one transaction per sync.
    const before = ledger.syncs;
    const commitsBefore = ledger.commits;
    const eight = Array.from({ length: 8 }, (_, i) => store.insertPayment(paymentRow({ quoteId: `q-${10 + i}` })));
    while (!(await settled(Promise.all(eight)))) ledger.release();
    assert.ok(ledger.syncs - before <= 2, `${ledger.syncs - before} syncs for 8 payments`);
    assert.ok(ledger.commits - commitsBefore <= ledger.syncs - before, `${ledger.commits - commitsBefore} commits for 8 payments`);
    assert.equal(ledger.prepared.filter((sql) => sql.startsWith('insert into "payments"')).length, 1, 'the insert was prepared once');
    await store.close();
  });

  it('writes made in the turn a sync is asked for join it: the waiters of one sync, woken together, share the next', async () => {
    const ledger = heldLedger();
    const { store } = ledger;
    await store.ready();
    await store.paymentByKey('none');
    ledger.release();
    // Eight reservations asked for in one turn: one commit, one sync (not the first alone, then the seven).
    const rows = Array.from({ length: 8 }, (_, i) => paymentRow({ quoteId: `q-turn-${i}` }));
    const [syncs, commits] = [ledger.syncs, ledger.commits];
    const updated: Promise<unknown>[] = [];
    const reserved = rows.map((row) =>
      store.insertPayment(row).then(() => {
        // Each, once durable, writes its next step at once: the eight are woken in one turn.
        updated.push(store.updatePayment(row.reference, ['pending'], { state: 'unknown' }, 5));
      }),
    );
    assert.equal(await settled(Promise.all(reserved)), false, 'waiting for their sync');
    assert.equal(ledger.syncs - syncs, 1, 'one sync for the eight reservations');
    assert.equal(ledger.commits - commits, 1, 'one commit for the eight reservations');
    assert.equal(ledger.release(), 1);
    await Promise.all(reserved);
    assert.equal(updated.length, 8);
    assert.equal(await settled(Promise.all(updated)), false, 'the next steps wait for a sync of their own');
    assert.equal(ledger.syncs - syncs, 2, 'one sync for the eight next steps');
    assert.equal(ledger.commits - commits, 2, 'one commit for the eight next steps');
    assert.equal(ledger.release(), 1);
    for (const row of await Promise.all(updated)) assert.equal((row as { state: string }).state, 'unknown');
    await store.close();
  });

  it('commits a write nobody waits for within the turn, and a group before its sync: another connection sees them', async () => {
    const ledger = heldLedger();
    const { store } = ledger;
    await store.ready();
    await store.paymentByKey('none');
    ledger.release();
    const other = new Sqlite(ledger.file, { readonly: true });
    const seen = (reference: string) => other.prepare('SELECT state FROM payments WHERE reference = ?').get(reference) as { state: string } | undefined;
    const row = paymentRow({ quoteId: 'q-seen' });
    const inserting = store.insertPayment(row);
    assert.equal(await settled(inserting), false, 'waiting for its sync');
    assert.equal(seen(row.reference)?.state, 'pending', 'committed before the sync was asked for');
    ledger.release();
    await inserting;
    // A funding write waits for no sync: its transaction is committed at the end of the event loop's turn.
    const commits = ledger.commits;
    await store.insertFunding({ reference: row.reference, method: 'host', state: 'initiated', ids: {}, nextStep: null, totalPaisa: 1, paidPaisa: null, expiresAt: 1, nextCheckAt: 1, attempts: 0, refundReason: null, refundedAt: null, createdAt: 1, updatedAt: 1 });
    await new Promise((r) => setImmediate(r));
    assert.equal(ledger.commits, commits + 1);
    assert.ok(other.prepare('SELECT 1 FROM fundings WHERE reference = ?').get(row.reference));
    other.close();
    await store.close();
  });

  it('on a real file, the store syncs the WAL (the -wal file is there and payments are recorded)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'durability-')), 'ledger.sqlite');
    const store = openSqliteStore(file);
    await store.saveQuote(quote('q-1'));
    const row = paymentRow({ quoteId: 'q-1' });
    assert.deepEqual(await store.insertPayment(row), { inserted: true });
    assert.ok(existsSync(`${file}-wal`));
    assert.equal((await store.paymentByReference(row.reference))?.state, 'pending');
    await store.close();
    const reopened = openSqliteStore(file);
    assert.equal((await reopened.paymentByReference(row.reference))?.state, 'pending');
    await reopened.close();
  });
});

describe('SQLite quotes written behind the answer', () => {
  it('serves a quote at once, writes the window\'s quotes in one insert, and writes pending ones before a charge, a payment or closing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'behind-')), 'ledger.sqlite');
    // The window's end, in the test's hands (QUOTE_WINDOW_MS in production).
    const windows: (() => void)[] = [];
    const store = openSqliteStore(file, { scheduleQuotes: (write) => (windows.push(write), () => windows.splice(windows.indexOf(write), 1)) });
    await store.ready();
    const inDatabase = async (id: string) => {
      const raw = new Sqlite(file, { readonly: true });
      try {
        return raw.prepare('SELECT charges FROM quotes WHERE id = ?').get(id) as { charges: string } | undefined;
      } finally {
        raw.close();
      }
    };
    await Promise.all(['a', 'b', 'c'].map((id) => store.saveQuote(quote(`q-${id}`))));
    assert.equal((await store.getQuote('q-a'))?.customerName, '1111', 'served before it is written');
    assert.equal(windows.length, 1, 'one window for the three');
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(await inDatabase('q-a'), undefined, 'not written before the window ends');
    windows.shift()!();
    for (let i = 0; i < 20 && !(await inDatabase('q-c')); i++) await new Promise((r) => setImmediate(r));
    assert.ok(await inDatabase('q-a'), 'written when the window ends, without anyone asking');
    assert.ok(await inDatabase('q-c'));

    await Promise.all(Array.from({ length: QUOTE_BATCH }, (_, i) => store.saveQuote(quote(`q-full-${i}`))));
    for (let i = 0; i < 20 && !(await inDatabase(`q-full-${QUOTE_BATCH - 1}`)); i++) await new Promise((r) => setImmediate(r));
    assert.ok(await inDatabase(`q-full-${QUOTE_BATCH - 1}`), 'a full batch is written without waiting for the window');
    assert.ok(await inDatabase('q-full-0'));

    await store.saveQuote(quote('q-charged'));
    await store.saveCharge('q-charged', 40000, 500);
    assert.deepEqual(JSON.parse((await inDatabase('q-charged'))!.charges), { '40000': 500 });
    assert.deepEqual((await store.getQuote('q-charged'))?.charges, { '40000': 500 });

    await store.saveQuote(quote('q-paid'));
    assert.deepEqual(await store.insertPayment(paymentRow({ quoteId: 'q-paid' })), { inserted: true });
    assert.ok(await inDatabase('q-paid'), 'the quote is in the ledger before its payment');

    await store.saveQuote(quote('q-last'));
    await store.close();
    assert.ok(await inDatabase('q-last'), 'closing writes what is pending');
  });

  it('saves many quotes in one call (the batch insert)', async () => {
    const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'behind-')), 'ledger.sqlite'));
    await store.saveQuotes(Array.from({ length: 1200 }, (_, i) => quote(`q-${i}`)));
    assert.equal((await store.getQuote('q-1199'))?.id, 'q-1199');
    await store.close();
  });
});
