/** The proxy's Dreamer Electricity and Dish Home routes over real HTTP against the sandbox. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { assertNoLeaks, startStack, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack({
    DREAMER_SERVICES: 'khamari-khola-electricity:Khamari Khola Electricity, other-hydro:Other Hydro Electricity',
  });
});
after(() => s.close());
beforeEach(() => s.sandbox.reset());

let keys = 0;
const key = () => `svc-key-${++keys}-${Date.now()}`;
const KHAMARI = 'khamari-khola-electricity';

const dreamerLookup = (customer_code: string, service_slug = KHAMARI) =>
  s.call('POST', '/api/dreamer/lookup', { service_slug, customer_code });
const dishhomeLookup = (customer_id: string) => s.call('POST', '/api/dishhome/lookup', { customer_id });
const pay = (service: string, body: Record<string, unknown>, k = key()) =>
  s.call('POST', `/api/${service}/pay`, body, { 'idempotency-key': k });
const callsFor = (step: string, service: string) => s.sandbox.state.calls.filter((c) => c.step === step && c.service === service);

describe('proxy: Dreamer Electricity', () => {
  it('lists the enabled services from the configuration', async () => {
    const { json } = await s.call('GET', '/api/dreamer/services');
    assert.deepEqual(json.data.response.services, [
      { slug: KHAMARI, name: 'Khamari Khola Electricity' },
      { slug: 'other-hydro', name: 'Other Hydro Electricity' },
    ]);
  });

  it('refuses a service that is not enabled before asking the aggregator', async () => {
    const { status, json } = await dreamerLookup('01-1', 'not-enabled');
    assert.deepEqual([status, json.error_code], [422, 'SERVICE_NOT_ENABLED']);
    assert.equal(callsFor('details', 'dreamer').length, 0);
  });

  it('quotes the bills with discount and penalty, payable only in full', async () => {
    const { json } = await dreamerLookup('01-2');
    const q = json.data.response;
    assert.deepEqual([q.service, q.customer_name, q.total_due_paisa, q.min_paisa, q.max_paisa], ['dreamer', '01-2 Maya Tamang', 149700, 149700, 149700]);
    assert.deepEqual(q.bills[0], {
      label: '2081 Shrawan',
      date: null,
      days: 96,
      status: null,
      bill_paisa: 45000,
      discount_paisa: 0,
      penalty_paisa: 4500,
      payable_paisa: 49500,
    });
    assert.deepEqual(q.facts, [
      { key: 'customer_code', value: '01-2' },
      { key: 'address', value: 'Bazaar' },
    ]);
    assert.deepEqual(q.packages, []);
  });

  it('pays the total payable with no service charge and returns the receipt number', async () => {
    const q = (await dreamerLookup('01-1')).json.data.response;
    const wrong = await pay('dreamer', { quote_id: q.quote_id, amount_paisa: 17000 });
    assert.equal(wrong.json.error_code, 'AMOUNT_OUT_OF_RANGE');
    const charge = await s.call('POST', '/api/dreamer/charge', { quote_id: q.quote_id, amount_paisa: 18000 });
    assert.deepEqual(charge.json.data.response, { amount_paisa: 18000, service_charge_paisa: 0, total_paisa: 18000 });
    const paid = await pay('dreamer', { quote_id: q.quote_id, amount_paisa: 18000 });
    assert.equal(paid.status, 200);
    const p = paid.json.data.response;
    assert.equal(p.state, 'success');
    assert.match(p.receipt.find((f: { key: string }) => f.key === 'receipt_no').value, /^\d+$/);
    assert.equal(s.sandbox.state.transactions.get(p.reference)!.amountPaisa, 18000);
    assert.deepEqual(callsFor('commit', 'dreamer').map((c) => c.reference), [p.reference]);
  });

  it('holds a hanging commit as pending and settles it by the status lookup, never re-sent', async () => {
    const q = (await dreamerLookup('09-2')).json.data.response;
    const k = key();
    const paid = await pay('dreamer', { quote_id: q.quote_id, amount_paisa: 30000 }, k);
    assert.equal(paid.json.data.response.state, 'pending');
    const again = await pay('dreamer', { quote_id: q.quote_id, amount_paisa: 30000 }, k);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const status = await s.call('GET', `/api/payments/${paid.json.data.response.reference}`);
    assert.equal(status.json.data.response.state, 'success');
    assert.equal(callsFor('commit', 'dreamer').length, 1);
  });

  it('fails a commit on an expired session (the lookup finds no transaction)', async () => {
    const q = (await dreamerLookup('01-1')).json.data.response;
    await fetch(`${s.sandboxUrl}/_sandbox/sessions/expire`, { method: 'POST' });
    const paid = await pay('dreamer', { quote_id: q.quote_id, amount_paisa: 18000 });
    assert.deepEqual([paid.status, paid.json.error_code, paid.json.reason], [402, 'PAYMENT_REJECTED', 'Session expired']);
  });
});

describe('proxy: Dish Home', () => {
  it('quotes the customer card and the packages', async () => {
    const { json } = await dishhomeLookup('1111');
    const q = json.data.response;
    assert.deepEqual([q.service, q.customer_name, q.bills.length, q.min_paisa, q.max_paisa], ['dishhome', '1111', 0, 40000, 480000]);
    assert.deepEqual(q.facts, [
      { key: 'package', value: 'Basic Package' },
      { key: 'status', value: 'Prepaid On' },
      { key: 'expiry', value: '2037-11-28 11:15' },
      { key: 'zone', value: 'Mid-West | Bheri Zone' },
      { key: 'district', value: 'Surkhet' },
    ]);
    assert.deepEqual(q.packages[1], { id: 2, description: '3 Months', price_paisa: 120000, months: 3, bonus_paisa: 40000, regular: false });
    assert.equal(q.packages.filter((p: { regular: boolean }) => p.regular).length, 5);
  });

  it('refuses a package that is not in the quote, or at another price, without committing', async () => {
    const q = (await dishhomeLookup('1111')).json.data.response;
    const missing = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 40000, package_id: 42 });
    assert.deepEqual([missing.status, missing.json.error_code], [422, 'PACKAGE_NOT_IN_QUOTE']);
    const none = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 40000 });
    assert.equal(none.json.error_code, 'PACKAGE_NOT_IN_QUOTE');
    const cheap = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 100, package_id: 2 });
    assert.equal(cheap.json.error_code, 'AMOUNT_OUT_OF_RANGE');
    assert.equal(callsFor('commit', 'dishhome').length, 0);
  });

  it('recharges a package, records its own reference and the price, and shows the new expiry', async () => {
    const q = (await dishhomeLookup('71909771942')).json.data.response;
    const paid = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 120000, package_id: 2 });
    assert.equal(paid.status, 200);
    const p = paid.json.data.response;
    assert.deepEqual([p.state, p.amount_paisa, p.service_charge_paisa], ['success', 120000, 0]);
    assert.match(p.reference, /^[A-Za-z0-9]{32}$/);
    const row = (await s.proxy.store.paymentByReference(p.reference))!;
    assert.deepEqual([row.state, row.amountPaisa, row.packageId], ['success', 120000, 2]);
    assert.equal(callsFor('commit', 'dishhome')[0]!.reference, undefined, 'the commit carries no reference');
    const expiry = p.receipt.find((f: { key: string }) => f.key === 'new_expiry');
    assert.match(expiry.value, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  });

  it('treats a refused recharge (400 with state Error) as failed, with no status lookup to ask', async () => {
    const q = (await dishhomeLookup('9000000005')).json.data.response;
    const paid = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 40000, package_id: 1 });
    assert.deepEqual([paid.status, paid.json.error_code, paid.json.reason], [402, 'PAYMENT_REJECTED', 'Customer is not eligible']);
    assert.equal(s.sandbox.state.calls.filter((c) => c.step === 'status').length, 0);
  });

  it('keeps a hanging recharge pending (it cannot be looked up) and never re-sends it', async () => {
    const q = (await dishhomeLookup('9000000002')).json.data.response;
    const k = key();
    const paid = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 40000, package_id: 1 }, k);
    assert.deepEqual([paid.status, paid.json.data.response.state], [202, 'pending']);
    const status = await s.call('GET', `/api/payments/${paid.json.data.response.reference}`);
    assert.deepEqual([status.status, status.json.data.response.state], [202, 'pending']);
    await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 40000, package_id: 1 }, k);
    const second = await pay('dishhome', { quote_id: q.quote_id, amount_paisa: 40000, package_id: 1 });
    assert.equal(second.json.error_code, 'QUOTE_ALREADY_PAID');
    assert.equal(callsFor('commit', 'dishhome').length, 1);
    assert.equal(s.sandbox.state.calls.filter((c) => c.step === 'status').length, 0);
  });
});

describe('leaks', () => {
  it('no answer or log line of this file shows the token or credit figures', () => assertNoLeaks());
});
