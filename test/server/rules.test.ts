import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import { neaLookupRequest, payRequest } from '../../src/api.js';
import { ProxyError } from '../../src/server/errors.js';
import { classifyCommit, classifyStatus } from '../../src/server/providers/upstream.js';
import { checkPayment } from '../../src/server/quotes.js';

const quote = { totalDuePaisa: 45000, minPaisa: 20000, maxPaisa: 45000, packages: [] };
const checkAmount = (q: typeof quote, amount: number) => checkPayment(q, amount, undefined);
const pkg = (id: number, price: number) => ({ id, description: 'x', price_paisa: price, months: 1, bonus_paisa: 0, regular: false });
const packaged = { totalDuePaisa: 0, minPaisa: 50000, maxPaisa: 480000, packages: [pkg(1, 40000), pkg(9, 50000)] };
const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as ProxyError).code;
  }
};

describe('quote rules', () => {
  it('accepts from the oldest bill up to the total due', () => {
    assert.equal(code(() => checkAmount(quote, 20000)), 'ok');
    assert.equal(code(() => checkAmount(quote, 32050)), 'ok');
    assert.equal(code(() => checkAmount(quote, 45000)), 'ok');
  });
  it('refuses below the oldest bill, above the total, and anything with no dues', () => {
    assert.equal(code(() => checkAmount(quote, 19999)), 'AMOUNT_OUT_OF_RANGE');
    assert.equal(code(() => checkAmount(quote, 45001)), 'AMOUNT_OUT_OF_RANGE');
    assert.equal(code(() => checkAmount(quote, 200.5)), 'AMOUNT_OUT_OF_RANGE');
    assert.equal(code(() => checkAmount({ totalDuePaisa: 0, minPaisa: 0, maxPaisa: 0, packages: [] }, 100)), 'NO_DUES');
    assert.equal(code(() => checkPayment(quote, 45000, 1)), 'VALIDATION');
  });
  it('takes a package only from the quote, at exactly its price', () => {
    assert.equal(code(() => checkPayment(packaged, 40000, 1)), 'ok');
    assert.equal(code(() => checkPayment(packaged, 50000, 9)), 'ok');
    assert.equal(code(() => checkPayment(packaged, 40000, 2)), 'PACKAGE_NOT_IN_QUOTE');
    assert.equal(code(() => checkPayment(packaged, 40000, undefined)), 'PACKAGE_NOT_IN_QUOTE');
    assert.equal(code(() => checkPayment(packaged, 100, 1)), 'AMOUNT_OUT_OF_RANGE');
    assert.equal(code(() => checkPayment(packaged, 50000, 1)), 'AMOUNT_OUT_OF_RANGE');
  });
});

describe('request validation', () => {
  const ok = (schema: z.ZodMiniType, value: unknown) => z.safeParse(schema, value).success;
  it('takes an NEA lookup only with a counter value, a three-group SC No and a numeric consumer ID', () => {
    assert.ok(ok(neaLookupRequest, { office_code: '201:ratnapark-dc', sc_no: '02A.12.512', consumer_id: '3042' }));
    assert.ok(!ok(neaLookupRequest, { office_code: '201:ratnapark-dc', sc_no: '02A.12', consumer_id: '3042' }));
    assert.ok(!ok(neaLookupRequest, { office_code: '201:ratnapark-dc', sc_no: '02A.12.5-2', consumer_id: '3042' }));
    assert.ok(!ok(neaLookupRequest, { office_code: 'ratnapark', sc_no: '02A.12.512', consumer_id: '3042' }));
    assert.ok(!ok(neaLookupRequest, { office_code: '201:ratnapark-dc', sc_no: '02A.12.512', consumer_id: '30a' }));
    assert.ok(!ok(neaLookupRequest, { office_code: '201:ratnapark-dc', sc_no: '02A.12.512', consumer_id: '3042', token: 'x' }));
  });
  it('takes a pay only with a positive integer amount in paisa', () => {
    assert.ok(ok(payRequest, { quote_id: 'q1', amount_paisa: 100 }));
    for (const amount of [0, -5, 1.5, '100', 1e13]) assert.ok(!ok(payRequest, { quote_id: 'q1', amount_paisa: amount }), String(amount));
  });
});

describe('commit outcomes follow the aggregator rules', () => {
  const answer = (status: number, body: unknown) => ({ kind: 'answer' as const, status, body });
  it('trusts the state, not the status flag', () => {
    assert.equal(classifyCommit(answer(200, { status: true, state: 'Success', id: 5 })).state, 'success');
    assert.equal(classifyCommit(answer(200, { status: true, state: 'Queued' })).state, 'unknown');
    assert.equal(classifyCommit(answer(200, { status: true, state: 'Processing' })).state, 'unknown');
    assert.equal(classifyCommit(answer(200, { status: false, state: 'Failed' })).state, 'failed');
    assert.equal(classifyCommit(answer(200, { status: true, state: 'Something new' })).state, 'unknown');
  });
  it('holds timeouts, 5xx, broken bodies and broken connections; asks the lookup on 400', () => {
    assert.equal(classifyCommit({ kind: 'timeout' }).state, 'unknown');
    assert.equal(classifyCommit({ kind: 'network' }).state, 'unknown');
    assert.equal(classifyCommit(answer(502, undefined)).state, 'unknown');
    assert.equal(classifyCommit(answer(200, undefined)).state, 'unknown');
    const bad = classifyCommit(answer(400, { status: false, error_code: '4000', details: 'Max number exceeding', state: 'Error' }));
    assert.deepEqual([bad.state, bad.lookupNow, bad.errorCode, bad.reason], ['unknown', true, '4000', 'MAX_NUMBER_EXCEEDED']);
  });
  it('treats 404 as refunded and a request that never left as failed', () => {
    assert.equal(classifyCommit(answer(404, {})).state, 'failed');
    assert.equal(classifyCommit({ kind: 'unreachable' }).state, 'failed');
  });
  it('takes a 400 failure at its word where no status lookup can check it (Dish Home)', () => {
    const refused = answer(400, { status: false, error_code: '4000', state: 'Error', details: 'Customer is not eligible' });
    assert.deepEqual([classifyCommit(refused, false).state, classifyCommit(refused, false).lookupNow], ['failed', false]);
    assert.equal(classifyCommit(answer(400, undefined), false).state, 'unknown');
  });
  it('reads the status lookup', () => {
    assert.equal(classifyStatus(answer(200, { status: true, state: 'Success', response_id: 7 })).kind, 'settled');
    const refunded = classifyStatus(answer(200, { status: true, state: 'Success', refunded: true, refunded_amount: 450 }));
    assert.deepEqual(refunded, { kind: 'settled', state: 'failed', upstreamId: null, upstreamState: 'Refunded', reason: 'REFUNDED' });
    assert.equal(classifyStatus(answer(400, { status: false, error_code: '002', error: 'invalid_reference' })).kind, 'invalidReference');
    assert.equal(classifyStatus(answer(200, { status: true, state: 'Queued' })).kind, 'open', 'the aggregator has it, not final yet');
    assert.equal(classifyStatus(answer(500, '<h1>Server Error</h1>')).kind, 'unknown');
    assert.equal(classifyStatus({ kind: 'timeout' }).kind, 'unknown');
  });
});
