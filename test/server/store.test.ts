/** One suite for every ledger store: SQLite and PostgreSQL keep the same rules. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPostgresStore } from '../../src/server/store/postgres.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import type { Change, FundingRow, Store } from '../../src/server/store/store.js';
import { paymentRow as row, tempPostgres } from './harness.js';

function storeSuite(name: string, open: () => Store | Promise<Store>) {
  describe(`${name} ledger`, () => {
    let store: Store;
    it('opens and migrates (twice is harmless)', async () => {
      store = await open();
      await store.ready();
      const again = await open();
      await again.ready();
      await again.close();
    });

    it('keeps quotes with their charges', async () => {
      await store.saveQuote({
        id: 'q-1',
        service: 'dishhome',
        subject: 'consumer-7',
        sessionId: '77',
        customerName: '1111',
        facts: [{ key: 'package', value: 'Basic' }],
        bills: [],
        packages: [{ id: 2, description: '3 Months', price_paisa: 120000, months: 3, bonus_paisa: 40000, regular: false }],
        totalDuePaisa: 0,
        minPaisa: 40000,
        maxPaisa: 480000,
        charges: {},
        createdAt: 1,
        expiresAt: 2,
      });
      await store.saveCharge('q-1', 120000, 0);
      await store.saveCharge('q-1', 40000, 500);
      const q = (await store.getQuote('q-1'))!;
      assert.deepEqual(q.charges, { '120000': 0, '40000': 500 });
      assert.deepEqual(q.packages[0]!.price_paisa, 120000);
      assert.equal(q.sessionId, '77');
      assert.equal(q.subject, 'consumer-7');
      assert.equal(await store.getQuote('nope'), null);
    });

    it('refuses a second payment with the same key, and a second live one per quote', async () => {
      const first = row();
      assert.deepEqual(await store.insertPayment(first), { inserted: true });
      const sameKey = await store.insertPayment(row({ idempotencyKey: first.idempotencyKey }));
      assert.equal(sameKey.inserted, false);
      assert.equal(!sameKey.inserted && sameKey.conflict, 'key');
      const sameQuote = await store.insertPayment(row({ quoteId: first.quoteId }));
      assert.equal(!sameQuote.inserted && sameQuote.conflict, 'quote');
      assert.equal(!sameQuote.inserted && sameQuote.existing.reference, first.reference);
      await store.updatePayment(first.reference, ['pending'], { state: 'failed' }, 2000);
      assert.deepEqual(await store.insertPayment(row({ quoteId: first.quoteId })), { inserted: true }, 'a failed payment frees the quote');
    });

    it('holds the uniqueness rules under concurrent inserts', async () => {
      const quoteId = 'race-quote';
      const results = await Promise.all(Array.from({ length: 12 }, () => store.insertPayment(row({ quoteId }))));
      assert.equal(results.filter((r) => r.inserted).length, 1);
    });

    it('changes a payment only from the expected states, and keeps every field', async () => {
      const p = row({ packageId: 2 });
      await store.insertPayment(p);
      const done = await store.updatePayment(
        p.reference,
        ['pending'],
        { state: 'success', upstreamId: '61892', receipt: [{ key: 'receipt_no', value: '7' }], nextCheckAt: null },
        3000,
      );
      assert.deepEqual(
        [done!.state, done!.upstreamId, done!.receipt, done!.updatedAt, done!.packageId, done!.amountPaisa, done!.nextCheckAt],
        ['success', '61892', [{ key: 'receipt_no', value: '7' }], 3000, 2, 45000, null],
      );
      assert.equal(await store.updatePayment(p.reference, ['pending', 'unknown'], { state: 'failed' }, 4000), null, 'final stays final');
      assert.equal((await store.paymentByKey(p.idempotencyKey))!.state, 'success');
    });

    it('records a payment and its funding together, and no funding for a refused payment', async () => {
      const p = row();
      const f = funding(p.reference);
      assert.deepEqual(await store.insertPayment(p, f), { inserted: true });
      assert.deepEqual(await store.fundingByReference(p.reference), f);
      assert.equal((await store.paymentByReference(p.reference))!.state, 'pending');
      const again = row({ idempotencyKey: p.idempotencyKey });
      const refused = await store.insertPayment(again, funding(again.reference));
      assert.equal(refused.inserted ? 'inserted' : refused.conflict, 'key');
      assert.equal(await store.fundingByReference(again.reference), null, 'the refused payment left no funding');
      const sameQuote = row({ quoteId: p.quoteId });
      assert.equal((await store.insertPayment(sameQuote, funding(sameQuote.reference))).inserted, false);
      assert.equal(await store.fundingByReference(sameQuote.reference), null);
    });

    it('secures a funding and writes the intent together, the second change only after the first', async () => {
      const p = row({ nextCheckAt: 50 });
      await store.insertPayment(p, funding(p.reference));
      const secure = { table: 'fundings', from: ['initiated'], patch: { state: 'secured', ids: { hold_id: 'h-1' }, paidPaisa: 45500, nextCheckAt: null } } as const;
      const intent = { table: 'payments', from: ['pending'], patch: { nextCheckAt: 900 } } as const;
      const both = await store.updateTogether(p.reference, secure, intent, 700);
      assert.deepEqual(
        [both.first?.state, both.first?.ids, both.first?.paidPaisa, both.first?.nextCheckAt, both.first?.updatedAt, both.first?.totalPaisa],
        ['secured', { hold_id: 'h-1' }, 45500, null, 700, 45500],
      );
      assert.deepEqual([both.then?.state, both.then?.nextCheckAt, both.then?.updatedAt, both.then?.amountPaisa, both.then?.receipt], ['pending', 900, 700, 45000, []]);
      // Secured already: neither change is made (a second resume never writes a second intent).
      const twice = await store.updateTogether(p.reference, secure, { ...intent, patch: { nextCheckAt: 1 } }, 800);
      assert.deepEqual(twice, { first: null, then: null });
      assert.equal((await store.paymentByReference(p.reference))!.nextCheckAt, 900);
      // The outcome and the capture's intent: the first made, the second only from its state.
      const outcome: Extract<Change, { table: 'payments' }> = {
        table: 'payments',
        from: ['pending', 'unknown'],
        patch: { state: 'success', upstreamId: '77', receipt: [{ key: 'receipt_no', value: '9' }], nextCheckAt: null },
      };
      const capturing = { table: 'fundings', from: ['secured'], patch: { state: 'capturing', nextCheckAt: 1000 } } as const;
      const done = await store.updateTogether(p.reference, outcome, capturing, 900);
      assert.deepEqual([done.first?.state, done.first?.upstreamId, done.first?.receipt, done.first?.nextCheckAt], ['success', '77', [{ key: 'receipt_no', value: '9' }], null]);
      assert.deepEqual([done.then?.state, done.then?.ids, done.then?.nextCheckAt], ['capturing', { hold_id: 'h-1' }, 1000]);
      const q = row();
      await store.insertPayment(q, funding(q.reference));
      const onlyFirst = await store.updateTogether(q.reference, outcome, capturing, 900);
      assert.equal(onlyFirst.first?.state, 'success');
      assert.equal(onlyFirst.then, null, 'an initiated funding is not moved from `secured`');
      assert.equal((await store.fundingByReference(q.reference))!.state, 'initiated');
    });

    it('makes two changes together or neither', async () => {
      const p = row();
      await store.insertPayment(p, funding(p.reference));
      const intent = { table: 'payments', from: ['pending'], patch: { nextCheckAt: 4242 } } as const;
      // The ledger's CHECK refuses this state: the statement fails, and the first change with it.
      const refused = { table: 'fundings', from: ['initiated'], patch: { state: 'bogus' as 'secured' } } as const;
      await assert.rejects(store.updateTogether(p.reference, intent, refused, 700));
      assert.equal((await store.paymentByReference(p.reference))!.nextCheckAt, p.nextCheckAt);
      assert.equal((await store.fundingByReference(p.reference))!.state, 'initiated');
      // The ledger goes on (SQLite: the group's transaction is intact).
      assert.equal((await store.updateTogether(p.reference, intent, { ...refused, patch: { state: 'secured' } }, 800)).then?.state, 'secured');
      assert.equal((await store.paymentByReference(p.reference))!.nextCheckAt, 4242);
    });

    it('lets one claimer at a time hold a due payment', async () => {
      const due = [row({ state: 'unknown', nextCheckAt: 10 }), row({ state: 'pending', nextCheckAt: 20 }), row({ state: 'unknown', nextCheckAt: 99_999 })];
      for (const p of due) await store.insertPayment(p);
      const [a, b] = await Promise.all([store.claimDue(100, 60_100, 10, 100), store.claimDue(100, 60_100, 10, 100)]);
      const claimed = [...a, ...b].map((p) => p.reference).filter((r) => due.some((d) => d.reference === r));
      assert.deepEqual(claimed.sort(), [due[0]!.reference, due[1]!.reference].sort(), 'each due row once, the future one not at all');
      assert.deepEqual(
        (await store.claimDue(100, 60_100, 10, 100)).filter((p) => due.some((d) => d.reference === p.reference)),
        [],
        'held until the lease ends',
      );
      const later = await store.claimDue(100, 200_000, 10, 70_000);
      assert.ok(later.some((p) => p.reference === due[0]!.reference), 'claimable again after the lease');
    });

    it('allows one unresolved payment per account and service, also concurrently', async () => {
      const account = `nea:account-${row().reference}`;
      const results = await Promise.all(Array.from({ length: 8 }, () => store.insertPayment(row({ account, state: 'unknown' }))));
      assert.equal(results.filter((r) => r.inserted).length, 1);
      assert.ok(results.every((r) => r.inserted || r.conflict === 'account'));
      const open = results.find((r) => !r.inserted)!;
      const blocked = await store.blockingPayment('another-quote', 'nea', account);
      assert.equal(blocked?.conflict, 'account');
      assert.equal(await store.blockingPayment('another-quote', 'dishhome', account), null, 'another service is another account');
      assert.equal(await store.blockingPayment('another-quote', 'nea', null), null);
      const existing = !open.inserted ? open.existing : null;
      await store.updatePayment(existing!.reference, ['unknown'], { state: 'success', settledBy: 'bill-pay-settle', settledAt: 7000, note: 'checked' }, 7000);
      const settled = (await store.paymentByReference(existing!.reference))!;
      assert.deepEqual([settled.settledBy, settled.settledAt, settled.note, settled.account], ['bill-pay-settle', 7000, 'checked', account]);
      assert.deepEqual(await store.insertPayment(row({ account, state: 'pending' })), { inserted: true }, 'a settled payment frees the account');
    });

    it('lets one asker at a time claim a status lookup per recheck interval', async () => {
      const p = row({ state: 'unknown' });
      await store.insertPayment(p);
      const wins = await Promise.all(Array.from({ length: 10 }, () => store.claimLookup(p.reference, 10_000, 10_000 - 3000)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.equal(await store.claimLookup(p.reference, 12_000, 12_000 - 3000), false, 'within the interval');
      assert.equal(await store.claimLookup(p.reference, 13_000, 13_000 - 3000), true, 'after it');
      await store.updatePayment(p.reference, ['unknown'], { state: 'success' }, 14_000);
      assert.equal(await store.claimLookup(p.reference, 99_000, 99_000), false, 'a final payment is not looked up');
    });

    it('prunes expired quotes that no payment refers to, a batch at a time', async () => {
      const base = { service: 'nea' as const, subject: null, sessionId: '1', customerName: 'X', facts: [], bills: [], packages: [], totalDuePaisa: 0, minPaisa: 0, maxPaisa: 0, charges: {}, createdAt: 1 };
      const ids = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'].map((id) => `${id}-${row().reference}`);
      for (const [i, id] of ids.entries()) await store.saveQuote({ ...base, id, expiresAt: i === 4 ? 9_000_000 : 500 });
      await store.insertPayment(row({ quoteId: ids[0]!, state: 'failed' }));
      let pruned = 0;
      for (let pass = 0; pass < 5; pass++) pruned += await store.pruneQuotes(1000, 2);
      assert.ok(pruned >= 3);
      const left = (await Promise.all(ids.map((id) => store.getQuote(id)))).map((q) => q !== null);
      assert.deepEqual(left, [true, false, false, false, true], 'the paid quote and the unexpired one stay');
    });

    it('counts rate-limit hits per key and window, also concurrently', async () => {
      const counts = await Promise.all(Array.from({ length: 10 }, () => store.rateHit('ip:1.2.3.4', 60_000)));
      assert.deepEqual([...counts].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(await store.rateHit('ip:1.2.3.4', 120_000), 1, 'a new window starts at one');
      assert.equal(await store.rateHit('ip:5.6.7.8', 60_000), 1, 'keys count apart');
    });

    it("lists a user's payments newest first, filtered, searched and paged", async () => {
      const mine = 'user-history';
      const made = [
        row({ subject: mine, createdAt: 10, customerName: 'Michael Jackson', state: 'success', upstreamId: '61892' }),
        row({ subject: mine, createdAt: 20, customerName: 'Sita Sharma', state: 'failed' }),
        row({ subject: mine, createdAt: 30, customerName: 'Gita 100%_Adhikari', state: 'unknown' }),
        row({ subject: 'someone-else', createdAt: 40, state: 'success' }),
      ];
      for (const p of made) await store.insertPayment(p);
      const all = await store.listPayments({ subject: mine, limit: 10, offset: 0 });
      assert.equal(all.total, 3);
      assert.deepEqual(all.rows.map((r) => r.createdAt), [30, 20, 10]);
      const page2 = await store.listPayments({ subject: mine, limit: 2, offset: 2 });
      assert.deepEqual([page2.total, page2.rows.map((r) => r.createdAt)], [3, [10]]);
      const open = await store.listPayments({ subject: mine, states: ['pending', 'unknown'], limit: 10, offset: 0 });
      assert.deepEqual(open.rows.map((r) => r.customerName), ['Gita 100%_Adhikari']);
      assert.equal((await store.listPayments({ subject: mine, search: 'sita', limit: 10, offset: 0 })).total, 1);
      assert.equal((await store.listPayments({ subject: mine, search: '618', limit: 10, offset: 0 })).total, 1, 'by transaction id');
      assert.equal((await store.listPayments({ subject: mine, search: '%_', limit: 10, offset: 0 })).total, 1, 'wildcards are literal');
      assert.equal((await store.listPayments({ subject: mine, services: ['dreamer'], limit: 10, offset: 0 })).total, 0);
    });

    after(() => store?.close());
  });
}

/** A new funding of a payment, as `Payments.pay` records it. */
function funding(reference: string): FundingRow {
  return {
    reference,
    method: 'host',
    state: 'initiated',
    ids: {},
    nextStep: null,
    totalPaisa: 45500,
    paidPaisa: null,
    expiresAt: 5000,
    nextCheckAt: 5000,
    attempts: 0,
    refundReason: null,
    refundedAt: null,
    createdAt: 600,
    updatedAt: 600,
  };
}

storeSuite('SQLite', () => openSqliteStore(join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.sqlite')));

const pg = await tempPostgres();
if ('skip' in pg) {
  describe('PostgreSQL ledger', { skip: pg.skip }, () => undefined);
} else {
  storeSuite('PostgreSQL', () => openPostgresStore(pg.url, 4));
  after(() => pg.drop());
}
