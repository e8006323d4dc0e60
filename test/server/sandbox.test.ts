/** The sandbox answers like the seed document (001) and enforces the aggregator's rules. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSandbox, type SandboxLimits } from '../../src/sandbox/sandbox.js';
import { createSandboxWallet } from '../../src/sandbox/wallet.js';
import { listen } from './harness.js';

const TOKEN = 'TEST:conformance';
/** A fixed clock: the tests move it by hand. */
const START = Date.UTC(2026, 0, 15, 6, 0, 0);
let clock = START;
const sandbox = createSandbox({ tokens: [TOKEN], sessionTtlMs: 60_000, now: () => clock, creditsPaisa: 100_000 });
let base = '';
let close: () => Promise<void>;
let n = 0;
const ref = () => `conf${++n}`;

before(async () => {
  ({ url: base, close } = await listen(sandbox.fetch));
});
after(() => close());
beforeEach(() => {
  sandbox.reset();
  clock = START;
});

async function post(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/api/servicegroup/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token: TOKEN, ...body }),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json: json as Record<string, any> };
}

const seed = () => post('details/nea/', { sc_no: '024.12.512', office_code: '201:ratnapark-dc', consumer_id: '3042', reference: ref() });

describe('sandbox aggregator: NEA as in the seed', () => {
  it('lists counters in the seed shape, including the seed examples', async () => {
    const { status, json } = await post('counters/nea/', {});
    assert.equal(status, 200);
    assert.equal(json.status, true);
    assert.deepEqual(Object.keys(json.counters[0]), ['name', 'value']);
    for (const value of ['243:aanbu-dc', '391:achham-dc', '201:ratnapark-dc', '245:bhaktapur-dc']) {
      assert.ok(json.counters.some((c: { value: string }) => c.value === value), value);
    }
  });

  it('answers details exactly like the seed example', async () => {
    const { status, json } = await seed();
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json).sort(), ['consumer_name', 'due_bills', 'session_id', 'status', 'total_due_amount']);
    assert.equal(typeof json.session_id, 'number');
    assert.equal(json.consumer_name, 'Michael Jackson');
    assert.equal(json.total_due_amount, 450);
    assert.deepEqual(json.due_bills, [
      { bill_amount: '200', bill_date: '2017-02-24', days: 5, payable_amount: 200, due_bill_of: '2073 Magh', status: 'Normal' },
      { bill_amount: '200', bill_date: '2017-02-24', days: 13, payable_amount: 250, due_bill_of: '2073 Falgun', status: '-25% Penalty' },
    ]);
  });

  it('checks the token, the sc_no format, the office code and the reference', async () => {
    const wrongToken = await fetch(`${base}/api/servicegroup/counters/nea/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'live-token' }),
    });
    assert.equal(wrongToken.status, 401);
    assert.equal(((await wrongToken.json()) as { error_code: string }).error_code, '1001');
    const badSc = await post('details/nea/', { sc_no: '024-12-512', office_code: '201:ratnapark-dc', consumer_id: '3042', reference: ref() });
    assert.equal(badSc.json.error_code, '1011');
    const badOffice = await post('details/nea/', { sc_no: '024.12.512', office_code: '999:nowhere', consumer_id: '3042', reference: ref() });
    assert.equal(badOffice.json.error_code, '1011');
    const noRef = await post('details/nea/', { sc_no: '024.12.512', office_code: '201:ratnapark-dc', consumer_id: '3042' });
    assert.equal(noRef.json.error_code, '1012');
    const reference = ref();
    await post('details/nea/', { sc_no: '024.12.512', office_code: '201:ratnapark-dc', consumer_id: '3042', reference });
    const dup = await post('details/nea/', { sc_no: '024.12.512', office_code: '201:ratnapark-dc', consumer_id: '3042', reference });
    assert.deepEqual([dup.status, dup.json.error_code, dup.json.message], [400, '1013', 'Duplicate reference']);
  });

  it('refuses an unknown customer with error 4000 in the seed error shape', async () => {
    const { status, json } = await post('details/nea/', { sc_no: '999.99.999', office_code: '201:ratnapark-dc', consumer_id: '9999', reference: ref() });
    assert.equal(status, 400);
    assert.deepEqual(Object.keys(json).sort(), ['details', 'error', 'error_code', 'error_data', 'message', 'state', 'status']);
    assert.deepEqual([json.status, json.error_code, json.message, json.error, json.state], [false, '4000', "Can't fulfill request", 'client_error', 'Error']);
  });

  it('charges nothing up to Rs 500 and a service charge above, in the seed shape', async () => {
    const session = (await seed()).json.session_id;
    const low = await post('servicecharge/nea/', { amount: '450', session_id: session });
    assert.deepEqual(low.json, { service_charge: 0, amount: 450, status: true });
    const high = await post('servicecharge/nea/', { amount: '600', session_id: session });
    assert.deepEqual(high.json, { service_charge: 5, amount: 600, status: true });
  });

  it('commits in the seed success shape, consumes credits and records the transaction', async () => {
    const session = (await seed()).json.session_id;
    const reference = ref();
    const { status, json } = await post('commit/nea/', { amount: '450', session_id: session, reference });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json).sort(), ['credits_available', 'credits_consumed', 'detail', 'extra_data', 'id', 'message', 'state', 'status']);
    assert.deepEqual([json.status, json.state, json.message, json.detail], [true, 'Success', 'Successfully Completed Transaction', 'Amount Paid Successfully']);
    assert.equal(json.credits_consumed, 450);
    assert.equal(json.credits_available, 550);
    const lookup = await fetch(`${base}/api/service/status/?token=${encodeURIComponent(TOKEN)}&reference=${reference}`);
    const found = (await lookup.json()) as Record<string, unknown>;
    assert.deepEqual([found.status, found.state, found.reference, found.response_id, found.amount, found.refunded], [true, 'Success', reference, json.id, 450, false]);
    const again = await seed();
    assert.deepEqual(again.json.due_bills, [], 'paid bills are gone');
  });

  it('keeps the minimum (oldest bill) and lowers the next bill after a partial payment', async () => {
    const session = (await seed()).json.session_id;
    const low = await post('commit/nea/', { amount: 199.99, session_id: session, reference: ref() });
    assert.equal(low.json.error_code, '1011');
    const partial = await post('commit/nea/', { amount: 300, session_id: session, reference: ref() });
    assert.equal(partial.json.state, 'Success');
    const after = await seed();
    assert.equal(after.json.total_due_amount, 150);
    assert.equal(after.json.due_bills[0].payable_amount, 150);
  });

  it('refuses an expired session and a second payment on one session', async () => {
    const session = (await seed()).json.session_id;
    assert.equal((await post('commit/nea/', { amount: 450, session_id: session, reference: ref() })).json.state, 'Success');
    const second = await post('commit/nea/', { amount: 450, session_id: session, reference: ref() });
    assert.equal(second.json.error_code, '4000');
    const other = (await post('details/nea/', { sc_no: '001.01.555', office_code: '245:bhaktapur-dc', consumer_id: '555', reference: ref() })).json.session_id;
    clock += 61_000;
    const expired = await post('commit/nea/', { amount: 1250, session_id: other, reference: ref() });
    assert.deepEqual([expired.json.error_code, expired.json.details], ['4000', 'Session expired']);
  });

  it('refuses a commit beyond the credits with 1016', async () => {
    const session = (await post('details/nea/', { sc_no: '001.01.555', office_code: '245:bhaktapur-dc', consumer_id: '555', reference: ref() })).json.session_id;
    const { json } = await post('commit/nea/', { amount: 1250, session_id: session, reference: ref() });
    assert.equal(json.error_code, '1016');
  });

  it('answers an unknown reference with error 002 invalid_reference, by query or JSON body', async () => {
    const byQuery = await fetch(`${base}/api/service/status/?token=${encodeURIComponent(TOKEN)}&reference=nope`);
    // The documented body (the aggregator's lookup.md), `state: "Error"` included although nothing happened.
    assert.deepEqual(await byQuery.json(), {
      status: false,
      error_code: '002',
      message: 'The reference sent is not a valid reference.',
      error: 'invalid_reference',
      details: '',
      error_data: {},
      state: 'Error',
    });
  });

  it('injects faults per customer, per request header and armed ahead', async () => {
    const sc = (id: string) => ({ sc_no: `024.12.${id}`, office_code: '201:ratnapark-dc', consumer_id: id, reference: ref() });
    const broken = await post('details/nea/', sc('907'));
    assert.equal(broken.json, undefined, 'malformed JSON');
    const outage = await post('details/nea/', sc('906'));
    assert.equal(outage.status, 500);
    const header = await post(
      'details/nea/',
      { sc_no: '024.12.512', office_code: '201:ratnapark-dc', consumer_id: '3042', reference: ref() },
      { 'x-sandbox-fault': 'http500' },
    );
    assert.equal(header.status, 500);
    await fetch(`${base}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ step: 'details', kind: 'error4000', times: 1 }) });
    assert.equal((await seed()).json.error_code, '4000');
    assert.equal((await seed()).status, 200, 'armed fault used up');
    const started = Date.now();
    await post('details/nea/', sc('901'));
    assert.ok(Date.now() - started >= 2400, 'latency');
  });

  it('records a transaction before a hanging, 5xx or malformed commit answer (money moved, answer lost)', async () => {
    for (const id of ['903', '904']) {
      const session = (await post('details/nea/', { sc_no: `024.12.${id}`, office_code: '201:ratnapark-dc', consumer_id: id, reference: ref() })).json.session_id;
      const reference = ref();
      const commit = await post('commit/nea/', { amount: 300, session_id: session, reference });
      assert.ok(commit.status === 500 || commit.json === undefined, id);
      assert.equal(sandbox.state.transactions.get(reference)?.state, 'Success', id);
    }
  });
});

describe('sandbox control routes', () => {
  const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
  /** [method, path, status of an allowed request] */
  const CONTROL: [string, string, number?][] = [
    ['POST', '/_sandbox/reset'],
    ['POST', '/_sandbox/faults'],
    ['GET', '/_sandbox/calls'],
    ['GET', '/_sandbox/customers'],
    ['POST', '/_sandbox/sessions/expire'],
    ['POST', '/_sandbox/transactions/fail', 404], // let in: no such transaction to fail
  ];

  it('answer only loopback clients by default', async () => {
    const own = createSandbox({ tokens: [TOKEN] });
    for (const [method, path, allowed = 200] of CONTROL) {
      const refused = await own.app.fetch(new Request(`http://sandbox.test${path}`, { method }), from('203.0.113.9'));
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.match(((await refused.json()) as { message: string }).message, /only loopback clients.*SANDBOX_CONTROL=1/);
      const noSocket = await own.app.fetch(new Request(`http://sandbox.test${path}`, { method }));
      assert.equal(noSocket.status, 403, `${method} ${path} with no socket address`);
      for (const loopback of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
        const answer = await own.app.fetch(new Request(`http://sandbox.test${path}`, { method, body: method === 'POST' ? '{"step":"details","kind":"http500"}' : undefined }), from(loopback));
        assert.equal(answer.status, allowed, `${method} ${path} from ${loopback}`);
      }
    }
    for (const stranger of ['::ffff:10.0.0.1', '10.127.0.1', '::2', '1270.0.0.1']) {
      assert.equal((await own.app.fetch(new Request('http://sandbox.test/_sandbox/calls'), from(stranger))).status, 403, stranger);
    }
  });

  it('answer a loopback client over real HTTP', async () => {
    const answer = await fetch(`${base}/_sandbox/calls`);
    assert.equal(answer.status, 200);
  });

  it('answer anyone when opened', async () => {
    const open = createSandbox({ tokens: [TOKEN], openControl: true });
    assert.equal((await open.app.fetch(new Request('http://sandbox.test/_sandbox/reset', { method: 'POST' }), from('203.0.113.9'))).status, 200);
  });

  it('leave the aggregator routes open to every client', async () => {
    const own = createSandbox({ tokens: [TOKEN] });
    const answer = await own.app.fetch(
      new Request('http://sandbox.test/api/servicegroup/counters/nea/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) }),
      from('203.0.113.9'),
    );
    assert.equal(answer.status, 200);
  });
});

describe('sandbox aggregator: bounded memory', () => {
  /** A sandbox of its own, called in-process (no port needed to count what it keeps), with a clock of ours. */
  function bounded(limits: Partial<SandboxLimits> = {}) {
    let t = START;
    const box = createSandbox({ tokens: [TOKEN], now: () => t, creditsPaisa: 1e12, limits });
    let m = 0;
    const call = async (path: string, body: Record<string, unknown>) => {
      const response = await box.fetch(
        new Request(`http://sandbox.test${path}`, {
          method: path.startsWith('/api/service/status/') ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json' },
          body: path.startsWith('/api/service/status/') ? undefined : JSON.stringify({ token: TOKEN, ...body }),
        }),
      );
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    };
    const lookup = () =>
      call('/api/servicegroup/details/nea/', { sc_no: '024.12.512', office_code: '201:ratnapark-dc', consumer_id: '3042', reference: `mem${++m}` });
    const pay = async () => {
      const session = (await lookup()).json.session_id;
      const reference = `memtx${++m}`;
      const commit = await call('/api/servicegroup/commit/nea/', { amount: 200, session_id: session, reference });
      assert.equal(commit.json.state, 'Success');
      // The seed customer's dues as new again, so the next payment is accepted too.
      box.state.customers.clear();
      return reference;
    };
    const status = (reference: string) => call(`/api/service/status/?${new URLSearchParams({ token: TOKEN, reference })}`, {});
    return { box, lookup, pay, status, tick: (ms: number) => (t += ms) };
  }

  it('keeps calls and sessions under their caps over 5,000 lookups, and still answers a recent transaction', async () => {
    const { box, lookup, pay, status, tick } = bounded();
    for (let i = 0; i < 5000; i++) {
      assert.equal((await lookup()).status, 200);
      tick(1000); // one lookup a second: sessions (10-minute TTL) expire along the way
    }
    const reference = await pay();
    const { state } = box;
    assert.equal(state.calls.length, 1000, 'the call log is a ring of the last 1,000');
    assert.equal(state.callCount, 5002);
    assert.deepEqual(state.calls.at(-1), { step: 'commit', service: 'nea', reference, body: { amount: 200, session_id: 5001, reference }, at: START + 5_000_000 });
    assert.ok(state.sessions.size <= 1201, `${state.sessions.size} sessions kept: at most those of the last two TTLs`);
    assert.ok(state.references.size <= 10_000);
    const answer = await status(reference);
    assert.deepEqual([answer.status, answer.json.state, answer.json.reference], [200, 'Success', reference]);
    assert.equal(state.calls.length, 1000);
  });

  it('caps live sessions, oldest first, and the references it remembers', async () => {
    const { box, lookup } = bounded({ sessions: 50, references: 100 });
    for (let i = 0; i < 300; i++) await lookup();
    assert.equal(box.state.sessions.size, 50);
    assert.deepEqual([...box.state.sessions.keys()].slice(0, 1), [251], 'the newest 50 are kept');
    assert.equal(box.state.references.size, 100);
  });

  it('never evicts a transaction still inside its status window; beyond it, the oldest go first', async () => {
    const { box, pay, status, tick } = bounded({ transactions: 20, transactionRetentionMs: 3600_000 });
    const early: string[] = [];
    for (let i = 0; i < 60; i++) early.push(await pay());
    assert.equal(box.state.transactions.size, 60, 'all inside the window: the cap waits');
    for (const reference of [early[0]!, early[59]!]) assert.equal((await status(reference)).json.state, 'Success');
    tick(3600_000);
    const late = await pay();
    assert.equal(box.state.transactions.size, 20, 'past the window, the cap holds');
    assert.deepEqual((await status(early[0]!)).json.error_code, '002', 'the oldest evicted');
    for (const reference of [early[59]!, late]) assert.equal((await status(reference)).json.state, 'Success');
  });
});

describe('sandbox wallet (host funding)', () => {
  it('keeps the last callLimit calls only, oldest first, and its holds stay idempotent', async () => {
    const wallet = createSandboxWallet({ balancePaisa: 1_000_000, callLimit: 3 });
    const payment = (reference: string) => ({ reference, totalPaisa: 10_000 }) as Parameters<typeof wallet.hooks.hold>[0];
    for (const reference of ['A', 'B', 'C']) await wallet.hooks.hold(payment(reference));
    await wallet.hooks.hold(payment('A'));
    await wallet.hooks.capture({ holdId: 'hold-B', reference: 'B', amountPaisa: 10_000 } as Parameters<typeof wallet.hooks.capture>[0]);
    assert.deepEqual(
      wallet.calls.map((c) => `${c.hook} ${c.reference}`),
      ['hold C', 'hold A', 'capture B'],
    );
    assert.equal(wallet.balanceOf('guest'), 1_000_000 - 3 * 10_000, 'the second hold of A took nothing');
  });
});
