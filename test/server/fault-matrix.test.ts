/**
 * The fault matrix: every fault the aggregator can throw at lookup, service charge and commit ends in
 * the right answer, the right ledger state, a retry flag only where retrying is safe, and one commit
 * at most. The widgets translate each error code (checked in i18n.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { TOKEN, assertNoLeaks, bhaktapur, listen, startStack, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack({ RECONCILE_DELAY_MS: '0' });
});
after(() => s.close());
beforeEach(() => s.sandbox.reset());

type Fault = { kind: string; code?: string } | 'expired-session';
const FAULTS: [string, Fault][] = [
  ['timeout', { kind: 'hang' }],
  ['HTTP 5xx', { kind: 'http500' }],
  ['malformed JSON', { kind: 'malformed' }],
  ['HTTP 400', { kind: 'http400' }],
  ['HTTP 404', { kind: 'http404' }],
  ['error 1013', { kind: 'error', code: '1013' }],
  ['error 1016', { kind: 'error', code: '1016' }],
  ['error 1019', { kind: 'error', code: '1019' }],
  ['error 4000', { kind: 'error', code: '4000' }],
  ['expired session', 'expired-session'],
];

/** [HTTP status, error code, retryable] of a lookup or service-charge answer. */
const EARLY: Record<string, [number, string, boolean]> = {
  timeout: [504, 'UPSTREAM_TIMEOUT', true],
  'HTTP 5xx': [502, 'UPSTREAM_ERROR', true],
  'malformed JSON': [502, 'UPSTREAM_ERROR', true],
  'HTTP 400': [422, 'LOOKUP_REJECTED', false],
  'HTTP 404': [502, 'UPSTREAM_ERROR', true],
  'error 1013': [502, 'UPSTREAM_ERROR', true],
  'error 1016': [503, 'SERVICE_UNAVAILABLE', true],
  'error 1019': [503, 'SERVICE_UNAVAILABLE', true],
  'error 4000': [422, 'LOOKUP_REJECTED', false],
  'expired session': [410, 'QUOTE_EXPIRED', false],
};

/** [HTTP status, widget state, ledger state] of a pay whose commit met the fault. */
const COMMIT: Record<string, [number, string, string]> = {
  timeout: [202, 'pending', 'unknown'],
  'HTTP 5xx': [202, 'pending', 'unknown'],
  'malformed JSON': [202, 'pending', 'unknown'],
  'HTTP 400': [402, 'failed', 'failed'],
  'HTTP 404': [402, 'failed', 'failed'],
  'error 1013': [402, 'failed', 'failed'],
  'error 1016': [402, 'failed', 'failed'],
  'error 1019': [402, 'failed', 'failed'],
  'error 4000': [402, 'failed', 'failed'],
  'expired session': [402, 'failed', 'failed'],
};

const arm = async (step: string, fault: Fault) => {
  if (fault === 'expired-session') {
    await fetch(`${s.sandboxUrl}/_sandbox/sessions/expire`, { method: 'POST' });
    return;
  }
  await fetch(`${s.sandboxUrl}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ step, ...fault, times: 1 }),
  });
};

let keys = 0;
const CUSTOMER = bhaktapur('555');

describe('fault matrix', () => {
  for (const [name, fault] of FAULTS) {
    if (fault !== 'expired-session') {
      it(`lookup meets ${name}`, async () => {
        await arm('details', fault);
        const { status, json } = await s.lookup(CUSTOMER);
        assert.deepEqual([status, json.error_code, json.retryable, json.is_error], [...EARLY[name]!, true]);
        assert.equal(s.commits().length, 0);
      });
    }

    it(`service charge meets ${name}`, async () => {
      const q = (await s.lookup(CUSTOMER)).json.data.response;
      await arm('servicecharge', fault);
      const { status, json } = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 125000 });
      assert.deepEqual([status, json.error_code, json.retryable], EARLY[name]);
      const pay = await s.pay(q.quote_id, 125000, `matrix-${++keys}`);
      if (name === 'expired session') assert.equal(pay.json.error_code, 'QUOTE_EXPIRED', 'nothing committed on an expired session');
      else assert.equal(pay.json.data.response.state, 'success', 'a failed price check leaves the payment possible');
    });

    it(`commit meets ${name}`, async () => {
      const q = (await s.lookup(CUSTOMER)).json.data.response;
      await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 125000 });
      await arm('commit', fault);
      const paid = await s.pay(q.quote_id, 125000, `matrix-${++keys}`);
      const [status, shown, ledgerState] = COMMIT[name]!;
      const payment = paid.json.data.response;
      assert.deepEqual([paid.status, payment.state], [status, shown]);
      if (shown === 'failed') assert.deepEqual([paid.json.error_code, paid.json.retryable], ['PAYMENT_REJECTED', false]);
      const row = (await s.proxy.store.paymentByReference(payment.reference))!;
      assert.equal(row.state, ledgerState);
      if (['error 1016', 'error 1019'].includes(name)) assert.equal(paid.json.reason, null, "the merchant's account is not the customer's business");
      assert.equal(s.commits().length, 1, 'one commit, never re-sent');
      if (ledgerState === 'unknown') {
        // The money moved before the answer was lost: the reconciler finds it.
        await s.proxy.payments.reconcile({ all: true });
        assert.equal((await s.proxy.store.paymentByReference(payment.reference))!.state, 'success');
        assert.equal(s.commits().length, 1);
      }
    });
  }
});


/**
 * A fake aggregator over real HTTP: the sandbox, except that `step` answers a 307 to a second local
 * server that records what reaches it and would claim success for anything.
 */
async function redirectingStack(step: 'details' | 'servicecharge' | 'commit' | 'status') {
  const received: string[] = [];
  const elsewhere = await listen(async (request) => {
    received.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
    return Response.json({ status: true, state: 'Success', message: 'Successfully Completed Transaction', id: 1 });
  });
  const sandbox = createSandbox({ tokens: [TOKEN] });
  const fake = await listen((request) => {
    const url = new URL(request.url);
    const redirected = step === 'status' ? url.pathname === '/api/service/status/' : url.pathname.startsWith(`/api/servicegroup/${step}/`);
    if (redirected) return new Response(null, { status: 307, headers: { location: `${elsewhere.url}${url.pathname}${url.search}` } });
    return sandbox.fetch(request);
  });
  const stack = await startStack({ RECONCILE_DELAY_MS: '0' }, {}, { sandbox, url: fake.url, close: fake.close });
  return {
    stack,
    received,
    async close() {
      await stack.close();
      await fake.close();
      await elsewhere.close();
    },
  };
}

describe('aggregator redirects are never followed', () => {
  it('a 307 at commit holds the payment as pending, and nothing reaches the other host', async () => {
    const { stack, received, close } = await redirectingStack('commit');
    try {
      const q = (await stack.lookup(CUSTOMER)).json.data.response;
      const paid = await stack.pay(q.quote_id, 125000, `redirect-${++keys}`);
      assert.deepEqual([paid.status, paid.json.data.response.state], [202, 'pending'], 'an unknown outcome, not a success');
      const row = (await stack.proxy.store.paymentByReference(paid.json.data.response.reference))!;
      assert.equal(row.state, 'unknown');
      assert.notEqual(row.nextCheckAt, null, 'the reconciler asks the status lookup later');
      assert.deepEqual(received, [], 'the other host received nothing: no body, no token');
      assert.equal(stack.logs.filter((l) => l.includes('"upstream.redirect"')).length, 1, 'one operator line');
      await stack.proxy.payments.reconcile({ all: true });
      assert.equal((await stack.proxy.store.paymentByReference(row.reference))!.state, 'unknown', 'still held, never re-sent');
      assert.deepEqual(received, []);
    } finally {
      await close();
    }
  });

  for (const step of ['details', 'servicecharge'] as const) {
    it(`a 307 at ${step} is an upstream error`, async () => {
      const { stack, received, close } = await redirectingStack(step);
      try {
        const looked = await stack.lookup(CUSTOMER);
        const answer =
          step === 'details'
            ? looked
            : await stack.call('POST', '/api/nea/charge', { quote_id: looked.json.data.response.quote_id, amount_paisa: 125000 });
        assert.deepEqual([answer.status, answer.json.error_code, answer.json.retryable], [502, 'UPSTREAM_ERROR', true]);
        assert.deepEqual(received, []);
      } finally {
        await close();
      }
    });
  }

  it('a 307 at the status lookup leaves a pending payment pending', async () => {
    const { stack, received, close } = await redirectingStack('status');
    try {
      const q = (await stack.lookup(CUSTOMER)).json.data.response;
      await stack.arm('commit', 'http500');
      const paid = await stack.pay(q.quote_id, 125000, `redirect-${++keys}`);
      assert.equal(paid.status, 202);
      const status = await stack.call('GET', `/api/payments/${paid.json.data.response.reference}`);
      assert.deepEqual([status.status, status.json.data.response.state], [202, 'pending']);
      await stack.proxy.payments.reconcile({ all: true });
      assert.equal((await stack.proxy.store.paymentByReference(paid.json.data.response.reference))!.state, 'unknown');
      assert.deepEqual(received, []);
    } finally {
      await close();
    }
  });
});

describe('leaks', () => {
  it('no answer or log line of this file shows the token or credit figures', () => assertNoLeaks());
});
