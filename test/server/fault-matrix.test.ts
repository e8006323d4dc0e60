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

type Fault = { kind: string; code?: string; details?: string; status?: number } | 'expired-session';
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
  // The aggregator's table (AGGREGATOR-FACTS.md, "Commit answers by HTTP status"): any code but 200, 400
  // and 404 holds, 401 and 403 included.
  ['HTTP 401 (error 1001)', { kind: 'error', code: '1001', status: 401 }],
  ['HTTP 403 (error 1008)', { kind: 'error', code: '1008', status: 403 }],
  ['HTTP 429', { kind: 'http', status: 429 }],
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
  'HTTP 401 (error 1001)': [503, 'SERVICE_UNAVAILABLE', true],
  'HTTP 403 (error 1008)': [503, 'SERVICE_UNAVAILABLE', true],
  'HTTP 429': [502, 'UPSTREAM_ERROR', true],
};

/**
 * [HTTP status, widget state, ledger state, ledger state after a reconciler pass] of a pay whose commit
 * met the fault. Held payments whose commit was processed (the answer was lost) settle by the lookup;
 * those refused before processing stay held: "no such reference" is counted, never failed on one answer.
 */
const COMMIT: Record<string, [number, string, string, string]> = {
  timeout: [202, 'pending', 'unknown', 'success'],
  'HTTP 5xx': [202, 'pending', 'unknown', 'success'],
  'malformed JSON': [202, 'pending', 'unknown', 'success'],
  'HTTP 400': [402, 'failed', 'failed', 'failed'],
  'HTTP 404': [402, 'failed', 'failed', 'failed'],
  'error 1013': [402, 'failed', 'failed', 'failed'],
  'error 1016': [503, 'failed', 'failed', 'failed'],
  'error 1019': [503, 'failed', 'failed', 'failed'],
  'error 4000': [402, 'failed', 'failed', 'failed'],
  'expired session': [402, 'failed', 'failed', 'failed'],
  // Held, not failed (until this branch, 401 and 403 were settled as failed at once): the table's "any
  // other code" row.
  'HTTP 401 (error 1001)': [202, 'pending', 'unknown', 'unknown'],
  'HTTP 403 (error 1008)': [202, 'pending', 'unknown', 'unknown'],
  'HTTP 429': [202, 'pending', 'unknown', 'success'],
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
      const [status, shown, ledgerState, reconciled] = COMMIT[name]!;
      const payment = paid.json.data.response;
      assert.deepEqual([paid.status, payment.state], [status, shown]);
      const account = ['error 1016', 'error 1019', 'HTTP 401 (error 1001)', 'HTTP 403 (error 1008)'].includes(name);
      if (shown === 'failed') {
        assert.deepEqual([paid.json.error_code, paid.json.retryable], account ? ['SERVICE_UNAVAILABLE', true] : ['PAYMENT_REJECTED', false]);
      }
      const row = (await s.proxy.store.paymentByReference(payment.reference))!;
      assert.equal(row.state, ledgerState);
      if (account) {
        assert.deepEqual([paid.json.reason ?? null, payment.reason, payment.reason_code, payment.error_code], [null, null, null, 'SERVICE_UNAVAILABLE'], "the merchant's account is not the customer's business");
      }
      assert.equal(s.commits().length, 1, 'one commit, never re-sent');
      if (ledgerState === 'unknown') {
        assert.notEqual(row.nextCheckAt, null, 'held: the reconciler asks the status lookup later');
        await s.proxy.payments.reconcile({ all: true });
        assert.equal((await s.proxy.store.paymentByReference(payment.reference))!.state, reconciled);
        assert.equal(s.commits().length, 1);
        // Held until an operator checks the aggregator's records; it blocks the account's next payment meanwhile.
        if (reconciled === 'unknown') await s.proxy.payments.settle(payment.reference, 'failed', 'the aggregator has no such transaction');
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
  // In-process behind the fake aggregator: no socket address, so the control routes are opened explicitly.
  const sandbox = createSandbox({ tokens: [TOKEN], openControl: true });
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

/** What a customer must never see: the token (whole or its secret part) and the aggregator's own words. */
function assertClean(text: string, raw: string) {
  for (const secret of [TOKEN, TOKEN.slice('TEST:'.length), encodeURIComponent(TOKEN)]) assert.ok(!text.includes(secret), `the token in ${text}`);
  assert.ok(!text.includes(raw), `raw upstream text in ${text}`);
}

describe('raw aggregator text never reaches customers', () => {
  it('a commit answer that echoes the token leaves it out of the answer, the ledger and the log', async () => {
    const q = (await s.lookup(CUSTOMER)).json.data.response;
    const logged = s.logs.length;
    await arm('commit', { kind: 'echo' });
    const paid = await s.pay(q.quote_id, 125000, `echo-key-${++keys}`);
    assert.deepEqual([paid.status, paid.json.error_code], [402, 'PAYMENT_REJECTED']);
    const payment = paid.json.data.response;
    assert.deepEqual([paid.json.reason, paid.json.reason_code, payment.reason, payment.reason_code], [null, null, null, null]);
    assertClean(paid.text, 'Rejected request');
    const row = (await s.proxy.store.paymentByReference(payment.reference))!;
    assert.equal(row.state, 'failed');
    assertClean(JSON.stringify(row), 'Rejected request');
    assertClean(s.logs.slice(logged).join('\n'), 'Rejected request');
  });

  it('a lookup answer that echoes the token is refused with no reason and no token', async () => {
    await arm('details', { kind: 'echo' });
    const looked = await s.lookup(CUSTOMER);
    assert.deepEqual([looked.status, looked.json.error_code, looked.json.reason, looked.json.reason_code], [422, 'LOOKUP_REJECTED', null, null]);
    assertClean(looked.text, 'Rejected request');
  });

  it('an unlisted biller text becomes the generic message; a listed one its reason code', async () => {
    for (const [details, code, reason] of [
      ['Internal trace 0x5f3a at gateway.py:211', null, null],
      ['Multiple payment not allowed same day (ref TEST:canary-7f3a9c1e)', null, null],
      ['Multiple payment not allowed same day', 'MULTIPLE_PAYMENT_SAME_DAY', 'Multiple payment not allowed same day'],
      ['  max number EXCEEDING. ', 'MAX_NUMBER_EXCEEDED', 'Max number exceeding'],
      ['No due bills', 'NO_DUE_BILLS', 'No due bills'],
    ] as const) {
      const q = (await s.lookup(CUSTOMER)).json.data.response;
      await arm('commit', { kind: 'error', code: '4000', details });
      const paid = await s.pay(q.quote_id, 125000, `reason-${++keys}`);
      const payment = paid.json.data.response;
      assert.deepEqual(
        [paid.status, paid.json.reason_code, paid.json.reason, payment.reason_code, payment.reason],
        [402, code, reason, code, reason],
        details,
      );
      const row = (await s.proxy.store.paymentByReference(payment.reference))!;
      assert.equal(row.reason, code, 'the ledger keeps the code, not the text');
      if (!code) assertClean(paid.text + JSON.stringify(row), details);
    }
  });

  for (const [code, meaning] of [
    ['1001', 'wrong token'],
    ['1016', 'out of credits'],
    ['1019', 'maintenance'],
    ['1008', 'service not enabled for the account'],
  ] as const) {
    it(`merchant-account error ${code} reads "unavailable" at lookup, charge and commit, with one operator line each`, async () => {
      const operatorLines = (from: number) =>
        s.logs.slice(from).filter((l) => JSON.parse(l).level === 'error' && l.includes(`"code":"${code}"`));
      const answers: string[] = [];

      let logged = s.logs.length;
      await arm('details', { kind: 'error', code });
      const looked = await s.lookup(CUSTOMER);
      answers.push(looked.text);
      assert.deepEqual([looked.status, looked.json.error_code, looked.json.error_message], [503, 'SERVICE_UNAVAILABLE', 'The service is unavailable right now']);
      assert.deepEqual(operatorLines(logged).map((l) => JSON.parse(l).meaning), [meaning]);

      const q = (await s.lookup(CUSTOMER)).json.data.response;
      logged = s.logs.length;
      await arm('servicecharge', { kind: 'error', code });
      const charged = await s.call('POST', '/api/nea/charge', { quote_id: q.quote_id, amount_paisa: 125000 });
      answers.push(charged.text);
      assert.deepEqual([charged.status, charged.json.error_code], [503, 'SERVICE_UNAVAILABLE']);
      assert.equal(operatorLines(logged).length, 1);

      logged = s.logs.length;
      await arm('commit', { kind: 'error', code });
      const paid = await s.pay(q.quote_id, 125000, `account-${++keys}`);
      answers.push(paid.text);
      assert.deepEqual(
        [paid.status, paid.json.error_code, paid.json.error_message, paid.json.data.response.state, paid.json.data.response.error_code],
        [503, 'SERVICE_UNAVAILABLE', 'The service is unavailable right now', 'failed', 'SERVICE_UNAVAILABLE'],
      );
      assert.equal(operatorLines(logged).length, 1, 'exactly one operator line for the commit');
      assert.equal((await s.proxy.store.paymentByReference(paid.json.data.response.reference))!.errorCode, code, 'the ledger keeps the code for the operator');
      for (const text of answers) assert.ok(!text.includes(code), `the account code reached the customer: ${text}`);
    });
  }
});

describe('a wrong merchant token (the sandbox answers 1001 with HTTP 401, as the aggregator does)', () => {
  it('reads "unavailable" to the customer and logs one operator line naming 1001', async () => {
    const wrong = await startStack({ AGGREGATOR_TOKEN: 'TEST:not-the-merchant-token' });
    try {
      const looked = await wrong.lookup(CUSTOMER);
      assert.deepEqual([looked.status, looked.json.error_code, looked.json.error_message], [503, 'SERVICE_UNAVAILABLE', 'The service is unavailable right now']);
      assert.ok(!looked.text.includes('1001') && !looked.text.includes('Invalid token'), looked.text);
      const lines = wrong.logs.filter((l) => JSON.parse(l).level === 'error');
      assert.deepEqual(lines.map((l) => [JSON.parse(l).event, JSON.parse(l).code, JSON.parse(l).meaning]), [['upstream.account_problem', '1001', 'wrong token']]);
    } finally {
      await wrong.close();
    }
  });
});

describe('an account refusal at commit (HTTP 401 with 1001) is held, as the table says, and reads "unavailable"', () => {
  it('answers pending with SERVICE_UNAVAILABLE, never the code, and logs one operator line', async () => {
    const q = (await s.lookup(CUSTOMER)).json.data.response;
    const logged = s.logs.length;
    await arm('commit', { kind: 'error', code: '1001', status: 401 });
    const paid = await s.pay(q.quote_id, 125000, `held-401-${++keys}`);
    const payment = paid.json.data.response;
    assert.deepEqual([paid.status, payment.state, payment.error_code, payment.reason_code], [202, 'pending', 'SERVICE_UNAVAILABLE', null]);
    assert.ok(!paid.text.includes('1001') && !paid.text.includes('Invalid token'), paid.text);
    const lines = s.logs.slice(logged).filter((l) => JSON.parse(l).level === 'error');
    assert.deepEqual(lines.map((l) => [JSON.parse(l).event, JSON.parse(l).code]), [['upstream.account_problem', '1001']]);
    const row = (await s.proxy.store.paymentByReference(payment.reference))!;
    assert.deepEqual([row.state, row.errorCode], ['unknown', '1001'], 'held, with the code kept for the operator');
    const status = await s.call('GET', `/api/payments/${payment.reference}`);
    assert.deepEqual([status.json.data.response.state, status.json.data.response.error_code], ['pending', 'SERVICE_UNAVAILABLE']);
    await s.proxy.payments.settle(payment.reference, 'failed', 'the aggregator has no such transaction');
  });
});

describe('leaks', () => {
  it('no answer or log line of this file shows the token or credit figures', () => assertNoLeaks());
});
