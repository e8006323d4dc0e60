/**
 * Delivery reports arrive as the aggregator documents them (multipart/form-data with reference, amount,
 * status, detail, response_id), or as JSON or urlencoded: each one makes the proxy ask the status lookup.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { assertNoLeaks, ratnapark, startStack, transcript, type Stack } from './harness.js';

let keys = 0;
const key = () => `dlr-key-${++keys}`;

/** A payment whose commit answered HTTP 500 after the money moved: open until someone looks it up. */
async function openPayment(s: Stack): Promise<string> {
  const { json } = await s.call('POST', '/api/nea/lookup', ratnapark('903'));
  const paid = await s.pay(json.data.response.quote_id, 30000, key());
  const reference = paid.json.data.response.reference as string;
  assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'unknown');
  return reference;
}

const fields = (reference: string) => ({ reference, amount: '300', status: 'Success', detail: 'Amount Paid Successfully', response_id: '61892' });

async function send(s: Stack, body: BodyInit, headers: Record<string, string> = {}) {
  const response = await fetch(`${s.url}/api/callbacks/delivery-report`, { method: 'POST', body, headers });
  const text = await response.text();
  transcript.push(text);
  return { status: response.status, json: JSON.parse(text) as { is_error: boolean; error_code?: string } };
}

describe('delivery reports', () => {
  let s: Stack;
  before(async () => {
    s = await startStack({ RECONCILE_DELAY_MS: '0' });
  });
  after(() => s.close());
  beforeEach(() => s.sandbox.reset());

  it('accepts the documented multipart/form-data report and looks the payment up', async () => {
    const reference = await openPayment(s);
    const form = new FormData();
    for (const [name, value] of Object.entries(fields(reference))) form.append(name, value);
    const answer = await send(s, form);
    assert.deepEqual([answer.status, answer.json.is_error], [200, false]);
    assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'success', 'the status lookup settled it');
    assert.equal(s.sandbox.state.calls.filter((c) => c.step === 'status' && c.reference === reference).length, 1);
  });

  it('accepts an urlencoded report', async () => {
    const reference = await openPayment(s);
    const answer = await send(s, new URLSearchParams(fields(reference)));
    assert.deepEqual([answer.status, answer.json.is_error], [200, false]);
    assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'success');
  });

  it('accepts a JSON report', async () => {
    const reference = await openPayment(s);
    const answer = await send(s, JSON.stringify(fields(reference)), { 'content-type': 'application/json' });
    assert.deepEqual([answer.status, answer.json.is_error], [200, false]);
    assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'success');
  });

  it('refuses a report without a valid reference, and a broken multipart body, with VALIDATION', async () => {
    const form = new FormData();
    form.append('status', 'Success');
    const missing = await send(s, form);
    assert.deepEqual([missing.status, missing.json.error_code], [400, 'VALIDATION']);
    const file = new FormData();
    file.append('reference', new Blob(['abc']), 'reference.txt');
    assert.equal((await send(s, file)).json.error_code, 'VALIDATION');
    const broken = await send(s, '--x\r\nnonsense', { 'content-type': 'multipart/form-data; boundary=x' });
    assert.deepEqual([broken.status, broken.json.error_code], [400, 'VALIDATION']);
    const noBoundary = await send(s, 'reference=abc', { 'content-type': 'multipart/form-data' });
    assert.deepEqual([noBoundary.status, noBoundary.json.error_code], [400, 'VALIDATION']);
    assert.equal((await send(s, 'reference=abc', { 'content-type': 'text/plain' })).json.error_code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('leaks nothing', () => assertNoLeaks());
});
