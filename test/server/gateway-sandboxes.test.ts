/** The embedded gateway sandboxes answer as Khalti KPG-2 and eSewa ePay v2 document, over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createEsewaSandbox, esewaAmount, esewaSignature, ESEWA_UAT_PRODUCT_CODE, ESEWA_UAT_SECRET } from '../../src/sandbox/esewa.js';
import { createKhaltiSandbox, DEFAULT_KHALTI_SANDBOX_KEY } from '../../src/sandbox/khalti.js';
import { assertScriptFree, readForm, submit } from './gateway-browser.js';
import { listen } from './harness.js';

const START = Date.UTC(2026, 0, 15, 6, 0, 0);
let clock = START;
const khalti = createKhaltiSandbox({ now: () => clock, limits: { payments: 3, retentionMs: 60_000 } });
const esewa = createEsewaSandbox({ now: () => clock });
let khaltiUrl = '';
let esewaUrl = '';
const closers: (() => Promise<void>)[] = [];
const RETURN = 'http://shop.test/pay/return?step=back';

before(async () => {
  const k = await listen(khalti.fetch);
  const e = await listen(esewa.fetch);
  khaltiUrl = k.url;
  esewaUrl = e.url;
  closers.push(k.close, e.close);
});
after(() => Promise.all(closers.map((close) => close())));
beforeEach(() => {
  khalti.reset();
  esewa.reset();
  clock = START;
});

async function khaltiPost(path: string, body: unknown, key: string | null = DEFAULT_KHALTI_SANDBOX_KEY) {
  const response = await fetch(`${khaltiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Key ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

const initiate = (extra: Record<string, unknown> = {}) =>
  khaltiPost('/api/v2/epayment/initiate/', {
    return_url: RETURN,
    website_url: 'http://shop.test/',
    amount: 45000,
    purchase_order_id: 'ref-k-1',
    purchase_order_name: 'NEA bill 024.12.512',
    ...extra,
  });

/** Opens the payment page as a browser would and presses a button; answers the redirect's query. */
async function payAtKhalti(paymentUrl: string, action: string, changes: Record<string, string> = {}) {
  const page = await fetch(paymentUrl);
  const html = await page.text();
  assert.equal(page.status, 200);
  assertScriptFree(page, html);
  const response = await submit(readForm(paymentUrl, html), action, changes);
  assert.equal(response.status, 302, await response.clone().text());
  const location = new URL(response.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, 'http://shop.test/pay/return');
  assert.equal(location.searchParams.get('step'), 'back', 'the return URL keeps its own query');
  return location.searchParams;
}

const lookup = (pidx: string) => khaltiPost('/api/v2/epayment/lookup/', { pidx });

describe('Khalti sandbox (KPG-2)', () => {
  it('initiates with the documented answer and refuses what Khalti refuses', async () => {
    const { status, json } = await initiate();
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json), ['pidx', 'payment_url', 'expires_at', 'expires_in']);
    assert.equal(json.expires_in, 1800);
    assert.equal(json.expires_at, '2026-01-15T12:15:00.000+05:45');
    assert.equal(json.payment_url, `${khaltiUrl}/pay/?pidx=${json.pidx}`);

    assert.deepEqual((await initiate({ amount: 999 })).json, {
      amount: ['Amount should be greater than Rs. 10, that is 1000 paisa.'],
      error_key: 'validation_error',
    });
    const missing = await initiate({ return_url: undefined, purchase_order_id: '' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json.return_url, ['This field is required.']);
    assert.deepEqual(missing.json.purchase_order_id, ['This field is required.']);
    const anonymous = await khaltiPost('/api/v2/epayment/initiate/', {}, null);
    assert.equal(anonymous.status, 401);
    assert.equal((await khaltiPost('/api/v2/epayment/initiate/', {}, 'live_secret_key_wrong')).status, 401);
  });

  it('paid: the return carries the documented parameters and lookup says Completed', async () => {
    const { json } = await initiate();
    const back = await payAtKhalti(json.payment_url, 'pay', { mobile: '9800000003' });
    assert.deepEqual([...back.keys()].sort(), [
      'amount', 'mobile', 'pidx', 'purchase_order_id', 'purchase_order_name', 'status', 'step', 'tidx', 'total_amount', 'transaction_id', 'txnId',
    ]);
    assert.equal(back.get('status'), 'Completed');
    assert.equal(back.get('pidx'), json.pidx);
    assert.equal(back.get('total_amount'), '45000');
    assert.equal(back.get('purchase_order_id'), 'ref-k-1');
    assert.equal(back.get('mobile'), '98XXXXX003');
    const found = await lookup(json.pidx);
    assert.deepEqual(found.json, {
      pidx: json.pidx,
      total_amount: 45000,
      status: 'Completed',
      transaction_id: back.get('transaction_id'),
      fee: 0,
      refunded: false,
    });
  });

  it('cancelled, left pending then paid, another amount, a wrong MPIN', async () => {
    const cancelled = (await initiate()).json;
    assert.equal((await payAtKhalti(cancelled.payment_url, 'cancel')).get('status'), 'User canceled');
    assert.equal((await lookup(cancelled.pidx)).json.status, 'User canceled');

    const pending = (await initiate()).json;
    assert.equal((await payAtKhalti(pending.payment_url, 'pending')).get('status'), 'Pending');
    assert.equal((await lookup(pending.pidx)).json.status, 'Pending');
    assert.equal((await lookup(pending.pidx)).json.transaction_id, null);
    const settled = await fetch(`${khaltiUrl}/_sandbox/payments/${pending.pidx}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"Completed"}' });
    assert.equal(settled.status, 200);
    assert.equal((await lookup(pending.pidx)).json.status, 'Completed');

    const other = (await initiate()).json;
    const back = await payAtKhalti(other.payment_url, 'other', { other_amount: '200' });
    assert.equal(back.get('total_amount'), '20000');
    assert.equal((await lookup(other.pidx)).json.total_amount, 20000);

    const wrong = (await initiate()).json;
    const page = await fetch(wrong.payment_url);
    const response = await submit(readForm(wrong.payment_url, await page.text()), 'pay', { mpin: '0000' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Wrong MPIN/);
    assert.equal((await lookup(wrong.pidx)).json.status, 'Initiated');
  });

  it('expires an unpaid payment after 30 minutes (injected clock)', async () => {
    const { json } = await initiate();
    clock += 30 * 60_000 - 1;
    assert.equal((await lookup(json.pidx)).json.status, 'Initiated');
    clock += 1;
    assert.equal((await lookup(json.pidx)).json.status, 'Expired');
    assert.match(await (await fetch(json.payment_url)).text(), /This payment is Expired/);
  });

  it('refunds a completed payment in full or in part, once; refusals and lookup faults on demand', async () => {
    const { json } = await initiate();
    const transaction = (await payAtKhalti(json.payment_url, 'pay')).get('transaction_id')!;
    const refund = (body: unknown) => khaltiPost(`/api/merchant-transaction/${transaction}/refund/`, body);
    const arm = (step: string, kind: string) =>
      fetch(`${khaltiUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ step, kind }) });

    assert.equal((await arm('refund', 'refuse')).status, 200);
    assert.equal((await refund({})).status, 400);
    assert.equal((await lookup(json.pidx)).json.refunded, false);

    assert.deepEqual((await refund({ amount: 5000 })).json, { detail: 'Transaction refund successful.' });
    assert.equal((await lookup(json.pidx)).json.status, 'Partially Refunded');
    assert.deepEqual((await refund({})).json, { detail: 'Transaction refund successful.' });
    const after = (await lookup(json.pidx)).json;
    assert.equal(after.status, 'Refunded');
    assert.equal(after.refunded, true);
    assert.equal((await refund({})).status, 400, 'nothing left to refund');

    await arm('lookup', 'http500');
    assert.equal((await khaltiPost('/api/v2/epayment/lookup/', { pidx: json.pidx })).status, 500);
    assert.equal((await lookup(json.pidx)).status, 200, 'a fault is taken once');
    assert.equal((await lookup('nope')).status, 404);
  });

  it('keeps its control routes to loopback clients and its memory bounded', async () => {
    const remote = await khalti.app.request('/_sandbox/reset', { method: 'POST' });
    assert.equal(remote.status, 403);
    const first = (await initiate()).json;
    await payAtKhalti(first.payment_url, 'pay');
    for (let i = 0; i < 3; i++) await initiate();
    assert.equal((await lookup(first.pidx)).status, 200, 'within the retention window, the cap is soft');
    clock += 60_001;
    await initiate();
    assert.equal((await lookup(first.pidx)).status, 404);
    assert.ok(khalti.state.payments.size <= 3);
    assert.equal(khalti.state.transactions.size, 0, 'an evicted payment takes its transaction id along');
  });
});

function esewaForm(total = '450', uuid = 'ref-e-1', secret = ESEWA_UAT_SECRET) {
  const fields: Record<string, string> = {
    amount: total,
    tax_amount: '0',
    total_amount: total,
    transaction_uuid: uuid,
    product_code: ESEWA_UAT_PRODUCT_CODE,
    product_service_charge: '0',
    product_delivery_charge: '0',
    success_url: 'http://shop.test/esewa/ok?x=1',
    failure_url: 'http://shop.test/esewa/failed',
    signed_field_names: 'total_amount,transaction_uuid,product_code',
  };
  fields.signature = esewaSignature(secret, fields, fields.signed_field_names!.split(','));
  return fields;
}

async function openEsewa(fields: Record<string, string>) {
  const url = `${esewaUrl}/api/epay/main/v2/form`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { response, html: await response.text(), url };
}

const status = async (total: string, uuid = 'ref-e-1') =>
  (await fetch(`${esewaUrl}/api/epay/transaction/status/?product_code=EPAYTEST&total_amount=${total}&transaction_uuid=${uuid}`)).json() as Promise<Record<string, any>>;

describe('eSewa sandbox (ePay v2)', () => {
  it('refuses a form with a bad signature or inconsistent amounts', async () => {
    const forged = await openEsewa({ ...esewaForm(), total_amount: '10', amount: '10' });
    assert.equal(forged.response.status, 400);
    assert.match(forged.html, /Invalid payload signature/);
    const wrongKey = await openEsewa(esewaForm('450', 'ref-e-1', 'not-the-secret'));
    assert.equal(wrongKey.response.status, 400);
    const fields = esewaForm();
    const sums = await openEsewa({ ...fields, tax_amount: '5' });
    assert.equal(sums.response.status, 400);
    assert.match(sums.html, /total_amount must equal/);
    assert.equal((await status('450')).status, 'NOT_FOUND');
  });

  it('paid: the success redirect carries signed base64 data; the status API says COMPLETE', async () => {
    const { response, html, url } = await openEsewa(esewaForm('1050.50'));
    assert.equal(response.status, 200);
    assertScriptFree(response, html);
    assert.match(response.headers.get('content-security-policy')!, /form-action 'self' http:\/\/shop\.test/);
    assert.equal((await status('1050.50')).status, 'PENDING', 'initiated, not yet paid');
    const paid = await submit(readForm(url, html), 'pay', { esewa_id: '9806800002' });
    assert.equal(paid.status, 302);
    const location = new URL(paid.headers.get('location')!);
    assert.equal(location.pathname, '/esewa/ok');
    assert.equal(location.searchParams.get('x'), '1');
    const data = JSON.parse(Buffer.from(location.searchParams.get('data')!, 'base64').toString());
    assert.deepEqual(Object.keys(data), ['transaction_code', 'status', 'total_amount', 'transaction_uuid', 'product_code', 'signed_field_names', 'signature']);
    assert.equal(data.status, 'COMPLETE');
    assert.equal(data.total_amount, '1,050.5');
    assert.equal(data.signed_field_names, 'transaction_code,status,total_amount,transaction_uuid,product_code,signed_field_names');
    assert.equal(data.signature, esewaSignature(ESEWA_UAT_SECRET, data, data.signed_field_names.split(',')));
    assert.deepEqual(await status('1050.50'), { product_code: 'EPAYTEST', transaction_uuid: 'ref-e-1', total_amount: 1050.5, status: 'COMPLETE', ref_id: data.transaction_code });
    assert.equal((await status('1050')).status, 'NOT_FOUND', 'another total finds nothing');
    const again = await openEsewa(esewaForm('1050.50'));
    assert.equal(again.response.status, 400, 'a processed transaction_uuid is not paid twice');
  });

  it('cancelled and ambiguous go to failure_url; the control route settles and refunds', async () => {
    const cancel = await openEsewa(esewaForm('450', 'ref-e-c'));
    const back = await submit(readForm(cancel.url, cancel.html), 'cancel');
    assert.equal(back.headers.get('location'), 'http://shop.test/esewa/failed');
    assert.equal((await status('450', 'ref-e-c')).status, 'CANCELED');

    const held = await openEsewa(esewaForm('450', 'ref-e-a'));
    await submit(readForm(held.url, held.html), 'ambiguous');
    assert.equal((await status('450', 'ref-e-a')).status, 'AMBIGUOUS');
    const set = (s: string) => fetch(`${esewaUrl}/_sandbox/transactions/ref-e-a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: s }) });
    assert.equal((await set('COMPLETE')).status, 200);
    assert.equal((await status('450', 'ref-e-a')).status, 'COMPLETE');
    await set('FULL_REFUND');
    assert.equal((await status('450', 'ref-e-a')).status, 'FULL_REFUND');
  });

  it('an unpaid page expires after 30 minutes; the status API fails on demand', async () => {
    await openEsewa(esewaForm());
    clock += 30 * 60_000;
    assert.equal((await status('450')).status, 'NOT_FOUND');
    await fetch(`${esewaUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"step":"status","kind":"http500"}' });
    const failed = await fetch(`${esewaUrl}/api/epay/transaction/status/?product_code=EPAYTEST&total_amount=450&transaction_uuid=ref-e-1`);
    assert.equal(failed.status, 500);
    assert.equal((await esewa.app.request('/_sandbox/reset', { method: 'POST' })).status, 403);
  });

  it('writes amounts as eSewa does', () => {
    assert.deepEqual([100000, 105050, 105005, 50, 123456700].map(esewaAmount), ['1,000.0', '1,050.5', '1,050.05', '0.5', '1,234,567.0']);
  });
});
