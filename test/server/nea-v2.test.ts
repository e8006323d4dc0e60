/**
 * NEA's second generation through the proxy, over real HTTP against the sandbox: counters of both
 * generations (and the fallback when the aggregator has no v2), lookups by the new consumer number and by
 * the old numbers, string amounts with paisa read exactly, the v2 amount rules, the commit body, the
 * generic service-charge API, and the same ledger and idempotency rules as v1.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { SEED, assertNoLeaks, listen, startSandbox, startStack, type SandboxServer, type Stack } from './harness.js';

let keys = 0;
const key = () => `nea-v2-key-${++keys}`;

const BALAJU = '245:balaju-dc';
const KALANKI = '236:kalanki-dc';
const TWO_BILLS = { office_code: BALAJU, consumer_no: '1001595737' };
const NOTHING_DUE = { office_code: BALAJU, consumer_no: '1001595738' };
const OLD_NUMBERS = { office_code: BALAJU, sc_no: '216.29.013A1', consumer_id: '21907' };

type Call = { step: string; service?: string; reference?: string; body?: Record<string, unknown> };
const callsOf = (s: Stack, step: string, service = 'nea-v2') =>
  (s.sandbox.state.calls as Call[]).filter((c) => c.step === step && c.service === service);

async function quote(s: Stack, body: object) {
  const answer = await s.call('POST', '/api/nea/lookup', body);
  assert.equal(answer.status, 200, answer.text);
  return answer.json.data.response;
}

describe('NEA v2 through the proxy', () => {
  let s: Stack;
  before(async () => {
    s = await startStack({ RECONCILE_DELAY_MS: '0' });
  });
  after(() => s.close());
  beforeEach(() => s.sandbox.reset());

  it('lists every counter once, with its generation, from counters/nea-v2/', async () => {
    const { json } = await s.call('GET', '/api/nea/counters');
    const counters = json.data.response.counters as { name: string; value: string; migrated_to_v2: boolean }[];
    assert.deepEqual(counters.find((c) => c.value === BALAJU), { name: 'BALAJU', value: BALAJU, migrated_to_v2: true });
    assert.deepEqual(counters.find((c) => c.value === SEED.office_code), { name: 'RATNAPARK DC', value: SEED.office_code, migrated_to_v2: false });
    assert.equal(counters.length, 21);
    assert.equal(new Set(counters.map((c) => c.value)).size, 21);
  });

  it('looks up by the new consumer number: two bills with penalties, paisa read exactly', async () => {
    const q = await quote(s, TWO_BILLS);
    assert.equal(q.generation, 'v2');
    assert.equal(q.customer_name, 'DIPESH KHATRI');
    assert.equal(q.new_consumer_no, undefined, 'the customer gave the new number');
    assert.deepEqual(q.facts, [{ key: 'consumer_no', value: '1001595737' }]);
    assert.deepEqual(q.bills, [
      {
        label: '2082-09',
        date: '2025-12-20',
        days: 47,
        status: '+25% Penalty',
        bill_paisa: 98800,
        discount_paisa: 0,
        penalty_paisa: 24655,
        payable_paisa: 123275,
        bill_id: '676683371',
        bill_month: '208209',
        received_paisa: 180,
      },
      {
        label: '2082-10',
        date: '2026-01-19',
        days: 17,
        status: '+5% Penalty',
        bill_paisa: 61150,
        discount_paisa: 0,
        penalty_paisa: 3058,
        payable_paisa: 64208,
        bill_id: '676754676',
        bill_month: '208210',
        received_paisa: 0,
      },
    ]);
    assert.deepEqual([q.total_due_paisa, q.min_paisa, q.max_paisa], [187483, 123275, 10_000_000]);
    const [details] = callsOf(s, 'details');
    assert.deepEqual(
      { ...details!.body, reference: undefined },
      { reference: undefined, request_no: '1001595737', confirm_type: 'E', confirm_id_type: 'CN' },
    );
    assert.equal(callsOf(s, 'userinfo').length, 0);
  });

  it('looks up by the old numbers at a migrated counter: user-info first, and the quote carries the new number', async () => {
    const q = await quote(s, OLD_NUMBERS);
    assert.deepEqual([q.generation, q.new_consumer_no, q.customer_name], ['v2', '1001613602', 'KRISHNA BAHADUR SHRESTHA']);
    const [info] = callsOf(s, 'userinfo');
    assert.deepEqual({ ...info!.body, reference: undefined }, { reference: undefined, sc_no: '216.29.013A1', old_consumer_id: '21907', org_name: 'balaju' });
    assert.equal(callsOf(s, 'details')[0]!.body!.request_no, '1001613602');
    assert.notEqual(info!.reference, callsOf(s, 'details')[0]!.reference, 'every request has its own reference');
    assert.equal(callsOf(s, 'details', 'nea').length, 0, 'never the v1 details');
  });

  it('keeps the seed flow at a counter not migrated', async () => {
    const q = await quote(s, SEED);
    assert.deepEqual([q.generation, q.total_due_paisa, q.min_paisa, q.max_paisa], ['v1', 45000, 20000, 45000]);
    assert.equal(callsOf(s, 'details', 'nea').length, 1);
    assert.equal(callsOf(s, 'details').length + callsOf(s, 'userinfo').length, 0);
  });

  it('refuses unknown numbers, and a consumer number at a counter not migrated', async () => {
    const unknown = await s.call('POST', '/api/nea/lookup', { office_code: BALAJU, consumer_no: '1009999999' });
    assert.deepEqual([unknown.status, unknown.json.error_code, unknown.json.reason], [422, 'LOOKUP_REJECTED', 'Consumer not found']);
    const oldUnknown = await s.call('POST', '/api/nea/lookup', { ...OLD_NUMBERS, consumer_id: '99999' });
    assert.deepEqual([oldUnknown.json.error_code, oldUnknown.json.reason], ['LOOKUP_REJECTED', 'Consumer not found']);
    assert.equal(callsOf(s, 'details').length, 1, 'no details without a new number');
    const wrongCounter = await s.call('POST', '/api/nea/lookup', { office_code: SEED.office_code, consumer_no: '1001595737' });
    assert.deepEqual([wrongCounter.status, wrongCounter.json.error_code], [400, 'VALIDATION']);
    assert.deepEqual(wrongCounter.json.details, { fields: ['consumer_no'] });
    for (const body of [
      { office_code: BALAJU, consumer_no: '10015-95737' },
      { office_code: BALAJU, consumer_no: 1001595737 },
      { ...TWO_BILLS, sc_no: '216.29.013A1' },
      { office_code: BALAJU },
    ]) {
      assert.equal((await s.call('POST', '/api/nea/lookup', body)).json.error_code, 'VALIDATION', JSON.stringify(body));
    }
    assert.equal(callsOf(s, 'details').length, 1, 'invalid input never reached the aggregator');
    // Either form of the lookup: the error names the field of the closest one.
    const missing = await s.call('POST', '/api/nea/lookup', { office_code: SEED.office_code, sc_no: SEED.sc_no });
    assert.deepEqual(missing.json.details, { fields: ['consumer_id'] });
  });

  it('allows from the oldest bill up to the cap, more than the total included', async () => {
    const q = await quote(s, TWO_BILLS);
    const below = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 123274 });
    assert.deepEqual([below.json.error_code, below.json.details], ['AMOUNT_OUT_OF_RANGE', { min_paisa: 123275, max_paisa: 10_000_000 }]);
    const above = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 200000 });
    assert.deepEqual(above.json.data.response, { amount_paisa: 200000, service_charge_paisa: 1000, total_paisa: 201000 });
    const capped = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 10_000_001 });
    assert.equal(capped.json.error_code, 'AMOUNT_OUT_OF_RANGE');
  });

  it('prices through the generic service-charge API with the configured slug', async () => {
    const q = await quote(s, TWO_BILLS);
    const charge = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 187483 });
    assert.deepEqual(charge.json.data.response, { amount_paisa: 187483, service_charge_paisa: 1000, total_paisa: 188483 });
    const small = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 123275 });
    assert.equal(small.json.data.response.service_charge_paisa, 1000);
    assert.deepEqual(
      callsOf(s, 'servicecharge').map((c) => c.body),
      [
        { service_slug: 'nea-v2', amount: '1874.83' },
        { service_slug: 'nea-v2', amount: '1232.75' },
      ],
    );
    assert.equal(callsOf(s, 'servicecharge', 'nea').length, 0, 'never the v1 service charge');
  });

  it('commits the amount as a string with the ids of the bills it reaches, oldest first', async () => {
    const cases: [number, string, string][] = [
      [123275, '1232.75', '676683371'],
      [123276, '1232.76', '676683371,676754676'],
      [187483, '1874.83', '676683371,676754676'],
      [250000, '2500', '676683371,676754676'],
    ];
    for (const [amountPaisa, amount, billId] of cases) {
      s.sandbox.reset();
      const q = await quote(s, TWO_BILLS);
      const paid = await s.pay(q.quote_id, amountPaisa, key());
      assert.equal(paid.json.data.response.state, 'success', paid.text);
      const [commit] = callsOf(s, 'commit');
      assert.deepEqual(
        { amount: commit!.body!.amount, bill_id: commit!.body!.bill_id, reference: commit!.body!.reference },
        { amount, bill_id: billId, reference: paid.json.data.response.reference },
      );
    }
  });

  it('pays, settles the bills, and replays a repeated key without a second commit', async () => {
    const q = await quote(s, TWO_BILLS);
    const k = key();
    const paid = await s.pay(q.quote_id, 150000, k);
    assert.equal(paid.status, 200);
    const p = paid.json.data.response;
    assert.deepEqual([p.state, p.amount_paisa, p.service_charge_paisa, p.total_paisa], ['success', 150000, 1000, 151000]);
    const again = await s.pay(q.quote_id, 150000, k);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json.data.response, p);
    assert.equal(callsOf(s, 'commit').length, 1, 'one commit');
    assert.equal((await s.call('GET', `/api/payments/${p.reference}`)).json.data.response.state, 'success');
    const later = await quote(s, TWO_BILLS);
    assert.deepEqual(
      later.bills.map((b: { bill_id: string; payable_paisa: number; received_paisa: number }) => [b.bill_id, b.payable_paisa, b.received_paisa]),
      [['676754676', 187483 - 150000, 150000 - 123275]],
      'the second bill was paid in part',
    );
  });

  it('takes an advance payment when nothing is due, without bill_id', async () => {
    const q = await quote(s, NOTHING_DUE);
    assert.deepEqual([q.generation, q.total_due_paisa, q.min_paisa, q.max_paisa, q.bills], ['v2', 0, 100, 10_000_000, []]);
    assert.equal(q.customer_name, 'RAJESWARI GIRI');
    const tooSmall = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 99 });
    assert.equal(tooSmall.json.error_code, 'AMOUNT_OUT_OF_RANGE');
    const paid = await s.pay(q.quote_id, 50000, key());
    assert.equal(paid.json.data.response.state, 'success', paid.text);
    const [commit] = callsOf(s, 'commit');
    assert.equal(commit!.body!.amount, '500');
    assert.ok(!('bill_id' in commit!.body!), 'bill_id left out');
  });

  it('follows the v1 outcome rules: a refusal fails, a lost answer is pending and settles by lookup', async () => {
    const refused = await quote(s, { office_code: KALANKI, consumer_no: '1001600905' });
    const no = await s.pay(refused.quote_id, refused.min_paisa, key());
    assert.deepEqual([no.status, no.json.error_code, no.json.reason], [402, 'PAYMENT_REJECTED', 'Max number exceeding']);
    const lost = await quote(s, { office_code: KALANKI, consumer_no: '1001600903' });
    const pending = await s.pay(lost.quote_id, lost.min_paisa, key());
    assert.deepEqual([pending.status, pending.json.data.response.state], [202, 'pending']);
    assert.deepEqual(await s.proxy.payments.reconcile(), { checked: 1, settled: 1, pending: 0, manual: 0 });
    assert.equal((await s.proxy.store.paymentByReference(pending.json.data.response.reference))!.state, 'success');
    assert.equal(callsOf(s, 'commit').length, 2, 'never re-sent');
    const outage = await s.call('POST', '/api/nea/lookup', { office_code: KALANKI, consumer_no: '1001600906' });
    assert.deepEqual([outage.status, outage.json.error_code], [502, 'UPSTREAM_ERROR']);
  });

  it('has the v1 customers\' faults: lost answers pending, refusals failed, broken lookups retryable', async () => {
    const payCases: [string, string, string | null][] = [
      ['1001600902', 'pending', null],
      ['1001600904', 'pending', null],
      ['1001600922', 'failed', 'Multiple payment not allowed same day'],
    ];
    for (const [consumerNo, state, reason] of payCases) {
      const q = await quote(s, { office_code: KALANKI, consumer_no: consumerNo });
      const paid = await s.pay(q.quote_id, q.min_paisa, key());
      assert.deepEqual([paid.json.data.response.state, paid.json.reason ?? null], [state, reason], consumerNo);
    }
    const garbled = await s.call('POST', '/api/nea/lookup', { office_code: KALANKI, consumer_no: '1001600907' });
    assert.deepEqual([garbled.json.error_code, garbled.json.retryable], ['UPSTREAM_ERROR', true]);
    const viaOld = await quote(s, { office_code: KALANKI, sc_no: '236.09.03', consumer_id: '903' });
    assert.equal(viaOld.new_consumer_no, '1001600903');
  });

  it('knows a v2 account by its new number: no second payment by the old numbers while one is unresolved', async () => {
    const byNew = await quote(s, { office_code: KALANKI, consumer_no: '1001600903' });
    const pending = await s.pay(byNew.quote_id, byNew.min_paisa, key());
    assert.equal(pending.json.data.response.state, 'pending');
    const byOld = await quote(s, { office_code: KALANKI, sc_no: '236.09.03', consumer_id: '903' });
    const again = await s.pay(byOld.quote_id, byOld.min_paisa, key());
    assert.deepEqual([again.status, again.json.error_code], [409, 'PAYMENT_UNRESOLVED']);
    assert.equal(callsOf(s, 'commit').length, 1, 'one commit for the account');
  });

  it('leaks nothing', () => assertNoLeaks());
});

describe('NEA v2 settings', () => {
  it('reads NEA_V2_MAX_AMOUNT in whole rupees (default 100000) and NEA_V2_SERVICE_SLUG (default nea-v2)', () => {
    const defaults = loadConfig({});
    assert.deepEqual([defaults.neaV2MaxPaisa, defaults.neaV2ServiceSlug], [10_000_000, 'nea-v2']);
    assert.equal(loadConfig({ NEA_V2_MAX_AMOUNT: '25000' }).neaV2MaxPaisa, 2_500_000);
    assert.throws(() => loadConfig({ NEA_V2_MAX_AMOUNT: '100.50' }), /NEA_V2_MAX_AMOUNT/);
    assert.throws(() => loadConfig({ NEA_V2_MAX_AMOUNT: '0' }), /NEA_V2_MAX_AMOUNT/);
    assert.throws(() => loadConfig({ NEA_V2_SERVICE_SLUG: 'NEA V2' }), /NEA_V2_SERVICE_SLUG is a slug/);
  });

  let s: Stack;
  before(async () => {
    s = await startStack({ NEA_V2_MAX_AMOUNT: '2000', NEA_V2_SERVICE_SLUG: 'nea-new' });
  });
  after(() => s.close());

  it('caps v2 payments at NEA_V2_MAX_AMOUNT rupees and prices with NEA_V2_SERVICE_SLUG', async () => {
    const q = await quote(s, TWO_BILLS);
    assert.equal(q.max_paisa, 200000);
    const capped = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 200001 });
    assert.deepEqual(capped.json.details, { min_paisa: 123275, max_paisa: 200000 });
    const seed = await quote(s, SEED);
    assert.equal(seed.max_paisa, 45000, 'v1 keeps its own rule');
    // The sandbox knows only nea-v2: an account problem, not the customer's.
    const unknownSlug = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 150000 });
    assert.equal(unknownSlug.json.error_code, 'SERVICE_UNAVAILABLE');
    assert.equal((s.sandbox.state.calls as Call[]).find((c) => c.step === 'servicecharge')!.body!.service_slug, 'nea-new');
  });
});

describe('NEA v2 where the aggregator has no v2 (counters/nea-v2/ answers 404)', () => {
  let upstream: SandboxServer;
  let fake: { url: string; close: () => Promise<void> };
  let s: Stack;
  before(async () => {
    upstream = await startSandbox();
    fake = await listen((request) =>
      new URL(request.url).pathname.includes('nea-v2') ? new Response('Not Found', { status: 404 }) : upstream.sandbox.fetch(request),
    );
    s = await startStack({}, {}, { ...upstream, url: fake.url });
  });
  after(async () => {
    await s.close();
    await fake.close();
    await upstream.close();
  });

  it('falls back to counters/nea/ and treats every counter as v1', async () => {
    const { json } = await s.call('GET', '/api/nea/counters');
    const counters = json.data.response.counters as { migrated_to_v2: boolean }[];
    assert.equal(counters.length, 19);
    assert.ok(counters.every((c) => c.migrated_to_v2 === false));
    assert.equal(upstream.sandbox.state.calls.filter((c) => c.step === 'counters' && c.service === 'nea').length, 1);
    const q = await quote(s, SEED);
    assert.equal(q.generation, 'v1');
    const v2 = await s.call('POST', '/api/nea/lookup', TWO_BILLS);
    assert.equal(v2.json.error_code, 'VALIDATION', 'no counter takes a consumer number');
  });
});
