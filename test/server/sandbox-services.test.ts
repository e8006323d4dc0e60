/** The sandbox answers Dreamer Electricity (seed 000) and Dish Home (seed 004) exactly as documented. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { listen } from './harness.js';

const TOKEN = 'TEST:services';
const sandbox = createSandbox({ tokens: [TOKEN] });
let base = '';
let close: () => Promise<void>;
let n = 0;
const ref = () => `svc${++n}`;

before(async () => {
  ({ url: base, close } = await listen(sandbox.fetch));
});
after(() => close());
beforeEach(() => sandbox.reset());

async function post(path: string, body: Record<string, unknown>) {
  const response = await fetch(`${base}/api/servicegroup/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: TOKEN, ...body }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, json: (await response.json()) as any };
}

describe('sandbox: Dreamer Electricity as in the seed', () => {
  const details = (customer_code: string, service_slug = 'khamari-khola-electricity') =>
    post('details/dreamer-electricity/', { customer_code, reference: ref(), service_slug });

  it('answers the seed example exactly', async () => {
    const { status, json } = await details('01-1');
    assert.equal(status, 200);
    const { session_id, ...rest } = json;
    assert.equal(typeof session_id, 'number');
    assert.deepEqual(rest, {
      consumer_id: 13,
      consumer_no: '01-1',
      consumer_name: '01-1 Bryan Hamal',
      address: 'Tole',
      total_payable_amount: 180,
      total_discount: 20,
      total_penalty: 0,
      total_bill_amount: 200,
      due_bills: [
        { bill_id: 58, bill_year: '2078', bill_month: 'Baishak', bill_amount: 200, penalty: 0, discount: 20, no_of_days: 2, total_amount: 180 },
      ],
      status: true,
    });
  });

  it('adds up several bills with discounts and penalties', async () => {
    const { json } = await details('01-2');
    assert.equal(json.due_bills.length, 3);
    assert.equal(json.total_penalty, 71);
    assert.equal(json.total_discount, 24);
    assert.equal(json.total_bill_amount, 1450);
    assert.equal(json.total_payable_amount, 1497);
  });

  it('refuses an unknown service slug and an unknown customer code', async () => {
    assert.equal((await details('01-1', 'no-such-service')).json.error_code, '1011');
    assert.equal((await details('77-7')).json.error_code, '4000');
  });

  it('commits exactly the total payable, with the receipt number, in the seed shape', async () => {
    const session = (await details('01-1')).json.session_id;
    const less = await post('commit/dreamer-electricity/', { token: TOKEN, reference: ref(), session_id: session, amount: '170' });
    assert.equal(less.json.error_code, '1011');
    const { status, json } = await post('commit/dreamer-electricity/', { reference: ref(), session_id: session, amount: '180' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json).sort(), ['credits_available', 'credits_consumed', 'detail', 'extra_data', 'id', 'message', 'state', 'status']);
    assert.deepEqual([json.state, json.message, json.detail, json.credits_consumed], ['Success', 'Successfully Completed Transaction', 'Payment Successful', 180]);
    assert.equal(typeof json.extra_data.receipt_no, 'number');
    assert.deepEqual((await details('01-1')).json.due_bills, []);
  });
});

describe('sandbox: Dish Home as in the seed', () => {
  const details = (customer_id: string) => post('details/dishhome-updated/', { customer_id, reference: ref() });

  it('answers the seed example exactly, with the seed package list', async () => {
    const { status, json } = await details('1111');
    assert.equal(status, 200);
    const { session_id, packages, ...rest } = json;
    assert.equal(typeof session_id, 'number');
    assert.deepEqual(rest, {
      response_code: 200,
      package: 'Basic Package',
      quantity: 1,
      expiry_date: '2037-11-28T11:15:00',
      zone: 'Mid-West | Bheri Zone',
      district: 'Surkhet',
      customer_type: 'House',
      customer_status: 'Prepaid On',
      customer_id: 1111,
      customer_class: '1-Residential',
      isp_customer_id: '',
      yearly_price: 4800,
      status: true,
    });
    assert.equal(packages.length, 9);
    assert.deepEqual(packages[1], { description: '3 Months', price: 1200, duration_type: 3, bonus: 400, is_regular: false, idx: 2 });
    assert.deepEqual(packages[8], { description: 'Regular', price: 500, duration_type: 0, bonus: 25, is_regular: true, idx: 9 });
  });

  it('knows the staging customer id', async () => {
    assert.equal((await details('71909771942')).json.customer_id, 71909771942);
  });

  it('recharges a package by idx, with the seed commit detail, and extends the expiry', async () => {
    const session = (await details('1111')).json.session_id;
    assert.equal((await post('commit/dishhome-updated/', { session_id: session, package_id: 99 })).json.error_code, '1011');
    const { status, json } = await post('commit/dishhome-updated/', { session_id: session, package_id: 2 });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json.detail).sort(), [
      'customer_status',
      'expiry_date',
      'is_bonus_added',
      'recharged_amount',
      'response_code',
      'response_description',
      'transaction_id',
      'updated_balance',
    ]);
    assert.deepEqual([json.state, json.detail.response_description, json.detail.recharged_amount, json.detail.expiry_date], [
      'Success',
      'Successfully Recharged',
      1200,
      '2038-02-28T11:15:00',
    ]);
    assert.equal(json.credits_consumed, 1200);
    assert.equal((await details('1111')).json.expiry_date, '2038-02-28T11:15:00');
  });
});
