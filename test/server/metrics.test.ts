/** /metrics over real HTTP: off by default; with METRICS=1, the figures move with lookups, pays and upstream faults. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertNoLeaks, SEED, startStack, TOKEN, transcript, type Stack } from './harness.js';

/** Sums the samples of `name` whose labels include `labels`, from the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

async function scrape(s: Stack) {
  const answer = await fetch(`${s.url}/metrics`);
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await answer.text();
  transcript.push(text);
  return text;
}

describe('/metrics', () => {
  after(assertNoLeaks);

  it('is off unless METRICS=1', async () => {
    const s = await startStack();
    try {
      assert.equal((await s.call('GET', '/metrics')).status, 404);
    } finally {
      await s.close();
    }
  });

  it('counts requests by route and status, payments by state and upstream calls by step, with no secrets', async () => {
    const s = await startStack({ METRICS: '1' });
    try {
      const before = await scrape(s);
      assert.equal(sample(before, 'bill_pay_payments', { state: 'success' }), 0);
      assert.equal(sample(before, 'bill_pay_http_request_duration_seconds_count'), 0);

      const quote = await s.lookup(SEED);
      assert.equal(quote.status, 200);
      const paid = await s.pay(quote.json.data.response.quote_id, 45000, 'metrics-key-0001');
      assert.equal(paid.json.data.response.state, 'success');
      assert.equal((await s.call('GET', '/no/such/route')).status, 404);
      assert.equal((await s.call('POST', '/api/nea/lookup', { sc_no: 'x' })).status, 400);

      const text = await scrape(s);
      const requests = (labels: Record<string, string>) => sample(text, 'bill_pay_http_request_duration_seconds_count', labels);
      assert.equal(requests({ route: '/api/nea/lookup', method: 'POST', status: '200' }), 1);
      assert.equal(requests({ route: '/api/nea/lookup', method: 'POST', status: '400' }), 1);
      assert.equal(requests({ route: '/api/nea/pay', method: 'POST', status: '200' }), 1);
      assert.equal(requests({ route: 'unmatched', status: '404' }), 1);
      assert.equal(requests({}), 4, 'the scrapes themselves are not counted');
      assert.ok(sample(text, 'bill_pay_http_request_duration_seconds_sum', { route: '/api/nea/pay' }) > 0);
      assert.equal(sample(text, 'bill_pay_payments', { state: 'success' }), 1);
      assert.equal(sample(text, 'bill_pay_payments', { state: 'unknown' }), 0);
      assert.equal(sample(text, 'bill_pay_reconcile_backlog'), 0);
      assert.equal(sample(text, 'bill_pay_upstream_duration_seconds_count', { step: 'details', outcome: 'ok' }), 1);
      assert.equal(sample(text, 'bill_pay_upstream_duration_seconds_count', { step: 'commit', outcome: 'ok' }), 1);
      assert.ok(sample(text, 'process_resident_memory_bytes') > 0, 'the process figures too');

      const secrets = [TOKEN, TOKEN.slice('TEST:'.length), s.sandboxUrl, SEED.sc_no, 'metrics-key-0001', paid.json.data.response.reference];
      assert.deepEqual(secrets.filter((secret) => text.includes(secret)), []);
    } finally {
      await s.close();
    }
  });

  it('counts upstream errors by step, and the reconciler\'s backlog of due payments', async () => {
    let clock = 1_800_000_000_000;
    const s = await startStack({ METRICS: '1', RECONCILE_DELAY_MS: '60000' }, {}, undefined, { now: () => clock });
    try {
      await s.arm('details', 'http500');
      assert.equal((await s.lookup(SEED)).status, 502);
      const quote = await s.lookup({ ...SEED, sc_no: '024.12.903', consumer_id: '903' });
      const paid = await s.pay(quote.json.data.response.quote_id, quote.json.data.response.min_paisa ?? 45000, 'metrics-key-0002');
      assert.equal(paid.json.data.response.state, 'pending');

      let text = await scrape(s);
      assert.equal(sample(text, 'bill_pay_upstream_duration_seconds_count', { step: 'details', outcome: 'http_5xx' }), 1);
      assert.equal(sample(text, 'bill_pay_upstream_duration_seconds_count', { step: 'commit', outcome: 'http_5xx' }), 1);
      assert.equal(sample(text, 'bill_pay_payments', { state: 'unknown' }) + sample(text, 'bill_pay_payments', { state: 'pending' }), 1);
      assert.equal(sample(text, 'bill_pay_reconcile_backlog'), 0, 'not due before the reconcile delay');
      clock += 60_000;
      text = await scrape(s);
      assert.equal(sample(text, 'bill_pay_reconcile_backlog'), 1);
    } finally {
      await s.close();
    }
  });
});
