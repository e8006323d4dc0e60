/** The proxy over real HTTP against the sandbox aggregator on its own port. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SEED, assertNoLeaks, httpRequest, insideOneMinute, bhaktapur, ratnapark, startStack, transcript, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack({ ALLOWED_ORIGINS: 'https://shop.example.com' });
});
after(() => s.close());
beforeEach(() => s.sandbox.reset());

let keys = 0;
const key = () => `test-key-${++keys}-${Date.now()}`;

async function quoteFor(customer: { office_code: string; sc_no: string; consumer_id: string }) {
  const { status, json } = await s.lookup(customer);
  assert.equal(status, 200, JSON.stringify(json));
  return json.data.response as { quote_id: string; min_paisa: number; max_paisa: number; total_due_paisa: number };
}

const ledger = (reference: string) => s.proxy.store.paymentByReference(reference);

describe('proxy: lookups', () => {
  it('serves the counters from the aggregator, cached', async () => {
    const first = await s.call('GET', '/api/nea/counters');
    const before = s.sandbox.state.calls.filter((c) => c.step === 'counters').length;
    const second = await s.call('GET', '/api/nea/counters');
    assert.equal(first.status, 200);
    assert.deepEqual(first.json.data.response.counters[0], { name: 'AANBU DC', value: '243:aanbu-dc', migrated_to_v2: false });
    assert.deepEqual(second.json, first.json);
    assert.equal(s.sandbox.state.calls.filter((c) => c.step === 'counters').length, before);
  });

  it('answers a lookup with an opaque quote in the unified envelope, in paisa, without the session', async () => {
    const { status, json, text } = await s.lookup(SEED);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json), ['data', 'error_message', 'is_error']);
    assert.equal(json.is_error, false);
    const q = json.data.response;
    assert.match(q.quote_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      [q.customer_name, q.total_due_paisa, q.min_paisa, q.max_paisa, q.test_mode],
      ['Michael Jackson', 45000, 20000, 45000, true],
    );
    assert.deepEqual(q.bills[1], {
      label: '2073 Falgun',
      date: '2017-02-24',
      days: 13,
      status: '-25% Penalty',
      bill_paisa: 20000,
      discount_paisa: null,
      penalty_paisa: null,
      payable_paisa: 25000,
    });
    assert.ok(!text.includes('session'), 'no session id');
  });

  it('refuses invalid input with VALIDATION and never calls the aggregator', async () => {
    const calls = s.sandbox.state.calls.length;
    for (const body of [
      { office_code: '201:ratnapark-dc', sc_no: '024-12-512', consumer_id: '3042' },
      { office_code: '201:ratnapark-dc', sc_no: '024.12.512' },
      { ...SEED, extra: 'x' },
      { ...SEED, consumer_id: 3042 },
      [],
      'null',
      '{"office_code":',
    ]) {
      const { status, json } = await s.call('POST', '/api/nea/lookup', body);
      assert.equal(status, 400, JSON.stringify(body));
      assert.deepEqual([json.is_error, json.error_code, json.retryable], [true, 'VALIDATION', false]);
    }
    const plain = await s.call('POST', '/api/nea/lookup', JSON.stringify(SEED), { 'content-type': 'text/plain' });
    assert.equal(plain.json.error_code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(s.sandbox.state.calls.length, calls);
  });

  it('maps lookup faults to clear, retryable errors', async () => {
    const cases: [string, number, string, boolean][] = [
      ['hang', 504, 'UPSTREAM_TIMEOUT', true],
      ['http500', 502, 'UPSTREAM_ERROR', true],
      ['malformed', 502, 'UPSTREAM_ERROR', true],
      ['error4000', 422, 'LOOKUP_REJECTED', false],
    ];
    for (const [kind, status, code, retryable] of cases) {
      await s.arm('details', kind);
      const answer = await s.lookup(SEED);
      assert.deepEqual([answer.status, answer.json.error_code, answer.json.retryable], [status, code, retryable], kind);
    }
    const unknown = await s.lookup({ ...SEED, sc_no: '999.99.999', consumer_id: '9999' });
    assert.deepEqual([unknown.json.error_code, unknown.json.reason], ['LOOKUP_REJECTED', 'Consumer not found']);
  });
});

describe('proxy: service charge and amounts', () => {
  it('reports the service charge and checks the amount against the quote before asking', async () => {
    const q = await quoteFor(bhaktapur('555'));
    const charge = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 125000 });
    assert.deepEqual(charge.json.data.response, { amount_paisa: 125000, service_charge_paisa: 1000, total_paisa: 126000 });
    const calls = s.sandbox.state.calls.length;
    for (const amount of [1, 125001]) {
      const refused = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: amount });
      assert.equal(refused.json.error_code, 'AMOUNT_OUT_OF_RANGE');
      assert.deepEqual(refused.json.details, { min_paisa: 125000, max_paisa: 125000 });
    }
    assert.equal(s.sandbox.state.calls.length, calls);
  });

  it('refuses to pay below the oldest bill or above the total, and with no dues', async () => {
    const q = await quoteFor(SEED);
    const commits = s.commits().length;
    assert.equal((await s.pay(q.quote_id, 19999, key())).json.error_code, 'AMOUNT_OUT_OF_RANGE');
    assert.equal((await s.pay(q.quote_id, 45001, key())).json.error_code, 'AMOUNT_OUT_OF_RANGE');
    const none = await quoteFor(ratnapark('700'));
    assert.equal((await s.pay(none.quote_id, 100, key())).json.error_code, 'NO_DUES');
    assert.equal(s.commits().length, commits);
  });

  it('commits the amount without the service charge, with its own recorded reference', async () => {
    const q = await quoteFor(bhaktapur('555'));
    const paid = await s.pay(q.quote_id, 125000, key());
    assert.equal(paid.status, 200);
    const p = paid.json.data.response;
    assert.deepEqual([p.state, p.amount_paisa, p.service_charge_paisa, p.total_paisa], ['success', 125000, 1000, 126000]);
    const tx = s.sandbox.state.transactions.get(p.reference)!;
    assert.equal(tx.amountPaisa, 125000, 'the aggregator got the amount without the charge');
    assert.equal(String(tx.id), p.transaction_id);
    const row = (await ledger(p.reference))!;
    assert.deepEqual([row.state, row.amountPaisa, row.serviceChargePaisa, row.upstreamId], ['success', 125000, 1000, String(tx.id)]);
  });
});

describe('proxy: never twice', () => {
  it('replays the recorded outcome for a repeated key and never commits twice', async () => {
    const q = await quoteFor(SEED);
    const k = key();
    const first = await s.pay(q.quote_id, 45000, k);
    const commits = s.commits().length;
    const again = await s.pay(q.quote_id, 45000, k);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json.data.response, first.json.data.response);
    assert.equal(s.commits().length, commits);
  });

  it('refuses the same key with another payload (422) and a second payment of a paid quote (409)', async () => {
    const q = await quoteFor(SEED);
    const k = key();
    await s.pay(q.quote_id, 45000, k);
    const commits = s.commits().length;
    const other = await s.pay(q.quote_id, 20000, k);
    assert.deepEqual([other.status, other.json.error_code], [422, 'IDEMPOTENCY_MISMATCH']);
    const second = await s.pay(q.quote_id, 45000, key());
    assert.deepEqual([second.status, second.json.error_code], [409, 'QUOTE_ALREADY_PAID']);
    assert.equal(s.commits().length, commits);
  });

  it('commits once when the same pay arrives many times at once', async () => {
    const q = await quoteFor(SEED);
    await s.arm('commit', 'latency');
    const k = key();
    const before = s.commits().length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => s.pay(q.quote_id, 45000, k)));
    const statuses = answers.map((a) => a.status).sort();
    assert.equal(s.commits().length - before, 1);
    assert.equal(statuses.filter((x) => x === 200).length >= 1, true, statuses.join());
    assert.ok(answers.every((a) => a.status === 200 || a.json.error_code === 'IDEMPOTENCY_IN_FLIGHT'), statuses.join());
    const differentKeys = await quoteFor(bhaktapur('154'));
    const before2 = s.commits().length;
    const racing = await Promise.all(Array.from({ length: 6 }, () => s.pay(differentKeys.quote_id, 98000, key())));
    assert.equal(s.commits().length - before2, 1);
    assert.equal(racing.filter((a) => a.status === 200).length, 1);
    assert.ok(racing.filter((a) => a.status !== 200).every((a) => a.json.error_code === 'QUOTE_ALREADY_PAID'));
  });

  it('needs an idempotency key and a known, unexpired quote', async () => {
    const q = await quoteFor(SEED);
    const noKey = await s.call('POST', '/api/nea/pay', { quote_id: q.quote_id, amount_paisa: 45000 });
    assert.equal(noKey.json.error_code, 'IDEMPOTENCY_KEY_REQUIRED');
    const unknown = await s.pay('4b0c6a0e-0000-4000-8000-000000000000', 45000, key());
    assert.deepEqual([unknown.status, unknown.json.error_code], [404, 'QUOTE_NOT_FOUND']);
    const short = await startStack({ QUOTE_TTL_MS: '1000' });
    try {
      const { json } = await short.lookup(SEED);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await short.pay(json.data.response.quote_id, 45000, key());
      assert.deepEqual([expired.status, expired.json.error_code], [410, 'QUOTE_EXPIRED']);
      assert.equal(short.commits().length, 0);
    } finally {
      await short.close();
    }
  });
});

describe('proxy: unknown outcomes are pending, never re-sent', () => {
  for (const [id, fault] of [
    ['902', 'a commit that hangs past the timeout'],
    ['903', 'a commit answered with HTTP 500'],
    ['904', 'a commit answered with malformed JSON'],
  ] as const) {
    it(`holds ${fault} as pending and settles it from the status lookup`, async () => {
      const q = await quoteFor(ratnapark(id));
      const k = key();
      const paid = await s.pay(q.quote_id, 30000, k);
      assert.equal(paid.status, 202);
      const p = paid.json.data.response;
      assert.equal(p.state, 'pending');
      assert.equal((await ledger(p.reference))!.state, 'unknown');
      const replay = await s.pay(q.quote_id, 30000, k);
      assert.equal(replay.json.data.response.state, 'pending');
      const status = await s.call('GET', `/api/payments/${p.reference}`);
      assert.deepEqual([status.status, status.json.data.response.state], [200, 'success']);
      assert.equal((await ledger(p.reference))!.state, 'success');
      assert.equal(s.commits().filter((c) => c.reference === p.reference).length, 1);
      assert.equal(s.commits().filter((c) => c.reference !== p.reference && c.at > Date.parse(p.created_at)).length, 0);
    });
  }

  it('stays pending while the aggregator does not know the payment yet', async () => {
    // Its own customer: the payment stays unresolved, and an account's unresolved payment blocks the next one.
    const q = await quoteFor(bhaktapur('333'));
    await s.arm('commit', 'hang');
    await s.arm('status', 'http500');
    const paid = await s.pay(q.quote_id, q.min_paisa, key());
    const reference = paid.json.data.response.reference;
    const status = await s.call('GET', `/api/payments/${reference}`);
    assert.deepEqual([status.status, status.json.data.response.state], [202, 'pending']);
  });

  it('turns a refused commit (4000) into a failed payment with the biller reason', async () => {
    const q = await quoteFor(ratnapark('905'));
    const paid = await s.pay(q.quote_id, 30000, key());
    assert.deepEqual([paid.status, paid.json.error_code, paid.json.reason, paid.json.retryable], [402, 'PAYMENT_REJECTED', 'Max number exceeding', false]);
    const p = paid.json.data.response;
    assert.deepEqual([p.state, p.error_code], ['failed', '4000']);
    assert.equal((await ledger(p.reference))!.state, 'failed');
    const again = await s.pay(q.quote_id, 30000, key());
    assert.notEqual(again.json.data?.response?.reference, p.reference, 'a failed attempt frees the quote for a new attempt');
  });

  it('fails a commit that the aggregator refused before recording it (expired session, lookup says 002)', async () => {
    const q = await quoteFor(SEED);
    const unpriced = await quoteFor(SEED);
    await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 45000 });
    await fetch(`${s.sandboxUrl}/_sandbox/sessions/expire`, { method: 'POST' });
    const refusedEarly = await s.pay(unpriced.quote_id, 45000, key());
    assert.deepEqual([refusedEarly.status, refusedEarly.json.error_code], [410, 'QUOTE_EXPIRED'], 'found while pricing');
    assert.equal(s.commits().length, 0);
    const paid = await s.pay(q.quote_id, 45000, key());
    assert.deepEqual([paid.status, paid.json.error_code, paid.json.reason], [402, 'PAYMENT_REJECTED', 'Session expired']);
    const calls = s.sandbox.state.calls.filter((c) => c.reference === paid.json.data.response.reference);
    assert.deepEqual(calls.map((c) => c.step), ['commit', 'status']);
  });

  it('answers the status of unknown and malformed references clearly', async () => {
    assert.equal((await s.call('GET', '/api/payments/doesnotexist')).json.error_code, 'NOT_FOUND');
    assert.equal((await s.call('GET', '/api/payments/bad-ref!')).json.error_code, 'VALIDATION');
  });
});

describe('proxy: the edges', () => {
  it('allows only listed origins, with Vary: Origin', async () => {
    const allowed = await s.call('GET', '/api/nea/counters', undefined, { origin: 'https://shop.example.com' });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example.com');
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);
    const other = await s.call('GET', '/api/nea/counters', undefined, { origin: 'https://evil.example' });
    assert.deepEqual([other.status, other.json.error_code], [403, 'FORBIDDEN_ORIGIN']);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.match(other.headers.get('vary') ?? '', /Origin/);
    const preflight = await fetch(`${s.url}/api/nea/pay`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /idempotency-key/);
  });

  it("knows its own origin from PUBLIC_ORIGIN, never from the Host header or the request URL", async () => {
    // Behind TLS termination: the proxy sees http://127.0.0.1:port, the page is https://pay.merchant.example.
    const behindTls = await startStack({ PUBLIC_ORIGIN: 'https://pay.merchant.example' });
    try {
      const page = await httpRequest(`${behindTls.url}/api/nea/counters`, {
        headers: { host: 'pay.merchant.example', origin: 'https://pay.merchant.example' },
      });
      assert.equal(page.status, 200);
      assert.equal(page.headers['access-control-allow-origin'], 'https://pay.merchant.example');
      const evil = await httpRequest(`${behindTls.url}/api/nea/counters`, { headers: { host: 'evil.example', origin: 'https://evil.example' } });
      assert.deepEqual([evil.status, evil.json.error_code], [403, 'FORBIDDEN_ORIGIN']);
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
      const ownUrl = await httpRequest(`${behindTls.url}/api/nea/counters`, { headers: { origin: behindTls.url } });
      assert.equal(ownUrl.status, 403, 'the request URL says nothing about the page the browser shows');
    } finally {
      await behindTls.close();
    }
    // Without PUBLIC_ORIGIN, a forged Host does not make an origin "same".
    const evil = await httpRequest(`${s.url}/api/nea/counters`, { headers: { host: 'evil.example', origin: 'http://evil.example' } });
    assert.deepEqual([evil.status, evil.json.error_code], [403, 'FORBIDDEN_ORIGIN']);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
  });

  it('limits body size and sets security headers', async () => {
    const big = await s.call('POST', '/api/nea/lookup', JSON.stringify({ pad: 'x'.repeat(20_000) }));
    assert.deepEqual([big.status, big.json.error_code], [413, 'PAYLOAD_TOO_LARGE']);
    assert.equal(big.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(big.headers.get('cache-control'), 'no-store');
    // Without Content-Length (chunked), the body is counted as it arrives.
    const post = (chunks: string[]) => httpRequest(`${s.url}/api/nea/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, chunks });
    const chunked = await post(['{"pad":"', 'x'.repeat(10_000), 'x'.repeat(10_000), '"}']);
    assert.deepEqual([chunked.status, chunked.json.error_code], [413, 'PAYLOAD_TOO_LARGE']);
    const small = await post([JSON.stringify(SEED).slice(0, 10), JSON.stringify(SEED).slice(10)]);
    assert.equal(small.status, 200, small.text);
  });

  it('rate-limits a client that asks too often', async () => {
    const limited = await startStack({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      await insideOneMinute();
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.call('GET', '/api/payments/none')).status);
      assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
      const last = await limited.call('GET', '/api/payments/none');
      assert.equal(last.json.error_code, 'RATE_LIMITED');
      assert.ok(Number(last.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
    }
  });

  it('limits lookups of one customer, whatever the client address', async () => {
    const limited = await startStack({ LOOKUPS_PER_CUSTOMER_PER_MINUTE: '2' });
    try {
      await insideOneMinute();
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.lookup(SEED)).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.equal((await limited.lookup(bhaktapur('555'))).status, 200, 'another customer is not limited');
      assert.equal(limited.sandbox.state.calls.filter((c) => c.step === 'details').length, 3, 'the refused lookup never reached the aggregator');
    } finally {
      await limited.close();
    }
  });

  it('takes the aggregator only from its configuration, never from a request', async () => {
    const calls = s.sandbox.state.calls.length;
    const steered = await s.call('POST', '/api/nea/lookup', SEED, {
      'x-forwarded-host': 'evil.example',
      forwarded: 'host=evil.example',
      'x-aggregator-url': 'http://evil.example',
    });
    assert.equal(steered.status, 200);
    assert.equal(s.sandbox.state.calls.length, calls + 1, 'the configured sandbox answered');
    const inBody = await s.call('POST', '/api/nea/lookup', { ...SEED, base_url: 'http://evil.example' });
    assert.equal(inBody.json.error_code, 'VALIDATION');
  });

  it('answers unknown routes in the envelope', async () => {
    const { status, json } = await s.call('GET', '/api/nope');
    assert.deepEqual([status, json.is_error, json.error_code], [404, true, 'NOT_FOUND']);
  });

  it('never shows the token or the merchant credit figures in any answer or log line', () => {
    assert.ok(transcript.length > 100, `transcript has ${transcript.length} entries`);
    assert.ok(s.logs.some((l) => l.includes('payment.committed')));
    assertNoLeaks();
  });
});
