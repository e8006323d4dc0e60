/**
 * Paying with the customer's money secured first, over real HTTP: the proxy in front of the aggregator
 * sandbox and the Khalti and eSewa sandboxes, each on its own port; the customer's side is played through
 * the gateways' pages. Commits are counted in the aggregator sandbox's calls, refunds in the gateways'.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '../../src/contract.js';
import { createEsewaSandbox, ESEWA_UAT_PRODUCT_CODE } from '../../src/sandbox/esewa.js';
import { createKhaltiSandbox } from '../../src/sandbox/khalti.js';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { createProxy } from '../../src/server/proxy.js';
import { createServerApp } from '../../src/server/serve.js';
import { readForm, submit } from './gateway-browser.js';
import { assertNoLeaks, bhaktapur, listen, ratnapark, SEED, startStack, TOKEN, transcript, type Stack } from './harness.js';

const KHALTI_KEY = 'test_secret_key_funded_9c2e';
const ESEWA_KEY = 'esewa-funded-secret/:&7';
const SHOP = 'http://shop.test';
const RETURN = `${SHOP}/bills?resume=1`;
const START = 1_900_000_000_000;
const MINUTE = 60_000;

let clock = START;
const now = () => clock;
const khaltiSandbox = createKhaltiSandbox({ keys: [KHALTI_KEY], hangMs: 5_000, now, openControl: true });
const esewaSandbox = createEsewaSandbox({ merchants: { [ESEWA_UAT_PRODUCT_CODE]: ESEWA_KEY }, hangMs: 5_000, now });
let khaltiUrl = '';
let esewaUrl = '';
let khaltiRefunds = 0;
const closers: (() => Promise<void>)[] = [];
let keys = 0;
const key = () => `funded-key-${++keys}`;

before(async () => {
  const k = await listen((request) => {
    if (new URL(request.url).pathname.includes('/refund/')) khaltiRefunds++;
    return khaltiSandbox.fetch(request);
  });
  const e = await listen(esewaSandbox.fetch);
  khaltiUrl = k.url;
  esewaUrl = e.url;
  closers.push(k.close, e.close);
});
after(async () => {
  await Promise.all(closers.map((close) => close()));
  assertNoLeaks();
});

const GATEWAYS = () => ({
  FUNDING: 'khalti,esewa',
  KHALTI_BASE_URL: `${khaltiUrl}/api/v2`,
  KHALTI_SECRET_KEY: KHALTI_KEY,
  ESEWA_FORM_URL: `${esewaUrl}/api/epay/main/v2/form`,
  ESEWA_STATUS_URL: `${esewaUrl}/api/epay/transaction/status/`,
  ESEWA_PRODUCT_CODE: ESEWA_UAT_PRODUCT_CODE,
  ESEWA_SECRET_KEY: ESEWA_KEY,
  ALLOWED_ORIGINS: SHOP,
  RECONCILE_DELAY_MS: '0',
  RECONCILE_MAX_ATTEMPTS: '1',
});

/** A fresh proxy and ledger per test (the gateway sandboxes are shared; the clock starts over). */
async function withStack(env: Record<string, string>, test: (s: Stack) => Promise<void>) {
  clock = START;
  khaltiRefunds = 0;
  khaltiSandbox.reset();
  esewaSandbox.reset();
  const s = await startStack(env, {}, undefined, { now });
  try {
    await test(s);
  } finally {
    await s.close();
  }
}

async function quoteOf(s: Stack, customer = SEED) {
  const found = await s.lookup(customer);
  assert.equal(found.status, 200, found.text);
  return found.json.data.response as { quote_id: string };
}

const payWith = (s: Stack, quoteId: string, amountPaisa: number, funding?: string, k = key(), returnUrl = RETURN) =>
  s.call('POST', '/api/nea/pay', { quote_id: quoteId, amount_paisa: amountPaisa, ...(funding ? { funding, return_url: returnUrl } : {}) }, { 'idempotency-key': k });

const resume = (s: Stack, reference: string, params: Record<string, string>) => s.call('POST', `/api/payments/${reference}/resume`, { params });

/** The customer at Khalti's page: pays, cancels, leaves it pending or pays another amount; answers the return's query. */
async function atKhalti(url: string, action: string, changes: Record<string, string> = {}, shop = SHOP) {
  const page = await fetch(url);
  const response = await submit(readForm(url, await page.text()), action, changes);
  const back = new URL(response.headers.get('location')!);
  assert.equal(back.origin, shop, 'Khalti sends the customer back to the shop');
  return Object.fromEntries(back.searchParams);
}

/** The customer posts the signed form to eSewa and presses a button; answers the return's query. */
async function atEsewa(next: { action: string; fields: Record<string, string> }, action: string) {
  const page = await fetch(next.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(next.fields).toString() });
  const response = await submit(readForm(next.action, await page.text()), action);
  return Object.fromEntries(new URL(response.headers.get('location')!).searchParams);
}

const khaltiPayment = (pidx: string) => khaltiSandbox.state.payments.get(pidx)!;

/** Pays with Khalti up to the redirect; answers the reference, the payment page and the total. */
async function startKhalti(s: Stack, customer = SEED, amountPaisa = 45_000) {
  const q = await quoteOf(s, customer);
  const started = await payWith(s, q.quote_id, amountPaisa, 'khalti');
  assert.equal(started.status, 202, started.text);
  const view = started.json.data.response;
  assert.equal(view.state, 'pending');
  assert.deepEqual(view.funding, { method: 'khalti', state: 'initiated' });
  assert.equal(view.next.kind, 'redirect');
  assert.ok(view.next.url.startsWith(`${khaltiUrl}/pay/`));
  return { reference: view.reference as string, url: view.next.url as string, total: view.total_paisa as number, quoteId: q.quote_id };
}

describe('funded pay: Khalti', () => {
  it('paid: out to Khalti and back, verified by lookup, committed once, kept', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url, total } = await startKhalti(s);
      assert.equal(s.commits().length, 0, 'nothing is committed before the money is secured');
      const back = await atKhalti(url, 'pay');
      assert.equal(back.purchase_order_id, reference);
      const done = await resume(s, reference, back);
      assert.equal(done.status, 200, done.text);
      assert.equal(done.json.data.response.state, 'success');
      assert.deepEqual(done.json.data.response.funding, { method: 'khalti', state: 'captured' });
      assert.equal(khaltiPayment(back.pidx!).totalAmount, total, 'Khalti was asked for amount + service charge');
      // Resuming again, or the payment view: the recorded outcome, no second commit.
      assert.equal((await resume(s, reference, back)).json.data.response.state, 'success');
      const view = await s.call('GET', `/api/payments/${reference}`);
      assert.deepEqual(view.json.data.response.funding, { method: 'khalti', state: 'captured' });
      assert.equal(s.commits().length, 1);
      assert.equal(khaltiRefunds, 0);
    });
  });

  it('two returns at once (a double click, two tabs): one commit', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s);
      const back = await atKhalti(url, 'pay');
      const answers = await Promise.all([resume(s, reference, back), resume(s, reference, back), resume(s, reference, back)]);
      assert.ok(answers.every((a) => a.status === 200 || a.status === 202), answers.map((a) => a.text).join('\n'));
      assert.equal((await resume(s, reference, back)).status, 200);
      assert.equal(s.commits().length, 1);
    });
  });

  it('a repeated pay with the same key answers the same next step, with no second funding', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s);
      const k = key();
      const first = await payWith(s, q.quote_id, 45_000, 'khalti', k);
      const again = await payWith(s, q.quote_id, 45_000, 'khalti', k);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.json.data.response.next, first.json.data.response.next);
      assert.equal(khaltiSandbox.state.payments.size, 1);
    });
  });

  it('cancelled at Khalti: failed "cancelled at the gateway", nothing charged, never committed', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s);
      const k = key();
      const started = await payWith(s, q.quote_id, 45_000, 'khalti', k);
      const reference: string = started.json.data.response.reference;
      const done = await resume(s, reference, await atKhalti(started.json.data.response.next.url, 'cancel'));
      assert.equal(done.status, 402);
      assert.equal(done.json.error_code, 'FUNDING_CANCELLED');
      assert.deepEqual(done.json.data.response.funding, { method: 'khalti', state: 'abandoned' });
      assert.equal(s.commits().length, 0);
      // The same key again (a retry after the return): the recorded outcome, a code the pay route lists.
      const replay = await payWith(s, q.quote_id, 45_000, 'khalti', k);
      assert.equal(replay.status, 402, replay.text);
      assert.equal(replay.json.error_code, 'FUNDING_CANCELLED');
      assert.ok((ROUTES.pay.errors as readonly string[]).includes(replay.json.error_code), 'the contract lists what pay answers');
      assert.equal(s.commits().length, 0);
      // The quote is free again: the customer may try again.
      assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'failed');
    });
  });

  it('pending at Khalti, then paid: held without a commit, then committed once on the next return', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s);
      const back = await atKhalti(url, 'pending');
      const waiting = await resume(s, reference, back);
      assert.equal(waiting.status, 202);
      assert.deepEqual(waiting.json.data.response.funding, { method: 'khalti', state: 'initiated' });
      assert.equal(s.commits().length, 0);
      const pidx = new URL(url).searchParams.get('pidx')!;
      const settled = await fetch(`${khaltiUrl}/_sandbox/payments/${pidx}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"Completed"}' });
      assert.equal(settled.status, 200, await settled.text());
      const done = await resume(s, reference, back);
      assert.equal(done.status, 200, done.text);
      assert.equal(s.commits().length, 1);
    });
  });

  it('forged return parameters (status=Completed while the lookup says otherwise): no commit', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url, total } = await startKhalti(s);
      const pidx = new URL(url).searchParams.get('pidx')!;
      const forged = { pidx, status: 'Completed', transaction_id: 'FORGED', total_amount: String(total), purchase_order_id: reference };
      const answer = await resume(s, reference, forged);
      assert.equal(answer.status, 202);
      assert.equal(answer.json.data.response.state, 'pending');
      assert.equal(s.commits().length, 0);
    });
  });

  it('another amount paid: refunded in full, failed, never committed', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s);
      const back = await atKhalti(url, 'other', { other_amount: '200' });
      const done = await resume(s, reference, back);
      assert.equal(done.status, 402);
      assert.equal(done.json.error_code, 'FUNDING_MISMATCH');
      assert.deepEqual(done.json.data.response.funding, { method: 'khalti', state: 'refunded' });
      assert.equal(s.commits().length, 0);
      assert.equal(khaltiRefunds, 1);
      assert.equal(khaltiPayment(back.pidx!).refundedPaisa, 20_000);
    });
  });

  it('the lookup hangs: the payment stays pending, nothing is committed; the next return commits', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s);
      const back = await atKhalti(url, 'pay');
      const armed = await fetch(`${khaltiUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"step":"lookup","kind":"hang"}' });
      assert.equal(armed.status, 200, await armed.text());
      const waiting = await resume(s, reference, back);
      assert.equal(waiting.status, 202);
      assert.equal(waiting.json.data.response.funding.state, 'initiated');
      assert.equal(s.commits().length, 0);
      assert.equal((await resume(s, reference, back)).status, 200);
      assert.equal(s.commits().length, 1);
    });
  });

  it('commit refused: the customer is told, and exactly one refund is made', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s, ratnapark('905'), 30_000);
      const back = await atKhalti(url, 'pay');
      const done = await resume(s, reference, back);
      assert.equal(done.status, 402);
      assert.equal(done.json.error_code, 'PAYMENT_REJECTED');
      assert.match(done.json.error_message, /refunded/);
      assert.deepEqual(done.json.data.response.funding, { method: 'khalti', state: 'refunded' });
      await resume(s, reference, back);
      await s.proxy.payments.reconcile({ all: true });
      assert.equal(s.commits().length, 1);
      assert.equal(khaltiRefunds, 1);
    });
  });

  it('a refund made whose record was lost (the process died): the reconciler asks Khalti first and never refunds twice', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s, ratnapark('905'), 30_000);
      const done = await resume(s, reference, await atKhalti(url, 'pay'));
      assert.deepEqual(done.json.data.response.funding, { method: 'khalti', state: 'refunded' });
      assert.equal(khaltiRefunds, 1);
      // As the ledger would be had the process died after Khalti refunded and before `refunded` was written.
      const lost = await s.proxy.store.updateFunding(reference, ['refunded'], { state: 'refunding', refundedAt: null, nextCheckAt: clock }, clock);
      assert.equal(lost?.attempts, 0, 'no refund attempt recorded');
      await s.proxy.payments.reconcile({ all: true });
      assert.equal((await s.proxy.payments.fundingOf(reference))!.state, 'refunded');
      assert.equal(khaltiRefunds, 1, 'Khalti was not asked to refund again');
    });
  });

  for (const outcome of ['Success', 'Failed'] as const) {
    it(`commit unknown: held, then settled by the reconciler (${outcome} -> ${outcome === 'Success' ? 'captured' : 'refunded'})`, async () => {
      await withStack(GATEWAYS(), async (s) => {
        const { reference, url } = await startKhalti(s, ratnapark('903'), 30_000);
        const done = await resume(s, reference, await atKhalti(url, 'pay'));
        assert.equal(done.status, 202, done.text);
        assert.deepEqual(done.json.data.response.funding, { method: 'khalti', state: 'secured' }, 'held while unknown');
        s.sandbox.state.transactions.get(reference)!.state = outcome;
        clock += 10 * MINUTE;
        await s.proxy.payments.reconcile();
        const view = await s.call('GET', `/api/payments/${reference}`);
        assert.equal(view.json.data.response.state, outcome === 'Success' ? 'success' : 'failed');
        assert.deepEqual(view.json.data.response.funding, { method: 'khalti', state: outcome === 'Success' ? 'captured' : 'refunded' });
        assert.equal(s.commits().length, 1);
        assert.equal(khaltiRefunds, outcome === 'Success' ? 0 : 1);
      });
    });
  }

  it('a crash after securing: the reconciler never commits late, and refunds what was not paid', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url, total } = await startKhalti(s);
      const back = await atKhalti(url, 'pay');
      // The proxy verified and recorded `secured`, then died before its commit left.
      await s.proxy.store.updateFunding(reference, ['initiated'], { state: 'secured', ids: { pidx: back.pidx!, transaction_id: back.transaction_id! }, paidPaisa: total }, clock);
      clock += 31 * MINUTE;
      await s.proxy.payments.reconcile();
      clock += 6 * MINUTE;
      await s.proxy.payments.reconcile();
      const payment = (await s.proxy.store.paymentByReference(reference))!;
      assert.equal(payment.state, 'failed');
      assert.equal((await s.proxy.payments.fundingOf(reference))!.state, 'refunded');
      assert.equal(s.commits().length, 0);
      assert.equal(khaltiRefunds, 1);
      // The customer coming back now is told the outcome; still no commit.
      assert.equal((await resume(s, reference, back)).status, 402);
      assert.equal(s.commits().length, 0);
    });
  });

  it('not paid before Khalti expires it: abandoned by the reconciler, no commit', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference } = await startKhalti(s);
      clock += 29 * MINUTE;
      await s.proxy.payments.reconcile();
      assert.equal((await s.proxy.payments.fundingOf(reference))!.state, 'initiated', 'still awaited inside the window');
      clock += 2 * MINUTE;
      await s.proxy.payments.reconcile();
      assert.equal((await s.proxy.payments.fundingOf(reference))!.state, 'abandoned');
      const payment = (await s.proxy.store.paymentByReference(reference))!;
      assert.deepEqual([payment.state, payment.errorCode], ['failed', 'FUNDING_EXPIRED']);
      assert.equal(s.commits().length, 0);
    });
  });

  it('paid at Khalti but never resumed: refunded after the window, never committed late', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const { reference, url } = await startKhalti(s);
      await atKhalti(url, 'pay');
      clock += 31 * MINUTE;
      await s.proxy.payments.reconcile();
      assert.equal((await s.proxy.payments.fundingOf(reference))!.state, 'refunded');
      assert.equal(s.commits().length, 0);
      assert.equal(khaltiRefunds, 1);
    });
  });
});

describe('funded pay: eSewa', () => {
  it('paid: the signed form, eSewa, the signed return, the status API; committed once', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s);
      const started = await payWith(s, q.quote_id, 45_000, 'esewa');
      assert.equal(started.status, 202, started.text);
      const { reference, next } = started.json.data.response;
      assert.equal(next.kind, 'form');
      assert.equal(next.fields.transaction_uuid, reference);
      assert.ok(!started.text.includes(ESEWA_KEY));
      const done = await resume(s, reference, await atEsewa(next, 'pay'));
      assert.equal(done.status, 200, done.text);
      assert.deepEqual(done.json.data.response.funding, { method: 'esewa', state: 'captured' });
      assert.equal(s.commits().length, 1);
    });
  });

  it('forged data (a bad signature): not confirmed, no commit', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s);
      const { reference } = (await payWith(s, q.quote_id, 45_000, 'esewa')).json.data.response;
      const data = Buffer.from(JSON.stringify({ transaction_code: 'X', status: 'COMPLETE', total_amount: '455.0', transaction_uuid: reference, product_code: ESEWA_UAT_PRODUCT_CODE, signed_field_names: 'total_amount,transaction_uuid,product_code', signature: 'forged' })).toString('base64');
      const answer = await resume(s, reference, { data });
      assert.equal(answer.status, 409);
      assert.equal(answer.json.error_code, 'FUNDING_NOT_CONFIRMED');
      assert.equal(s.commits().length, 0);
    });
  });

  it('commit refused: the refund is due (the operator makes it in eSewa\'s portal)', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s, ratnapark('905'));
      const { reference, next } = (await payWith(s, q.quote_id, 30_000, 'esewa')).json.data.response;
      const done = await resume(s, reference, await atEsewa(next, 'pay'));
      assert.equal(done.status, 402);
      assert.match(done.json.error_message, /will be refunded/);
      assert.deepEqual(done.json.data.response.funding, { method: 'esewa', state: 'refund_due' });
      assert.equal(s.commits().length, 1);
    });
  });
});

describe('funded pay: choosing the method', () => {
  it('names the methods offered when none is chosen, and refuses a method not offered', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s);
      const missing = await payWith(s, q.quote_id, 45_000);
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error_code, 'VALIDATION');
      assert.deepEqual(missing.json.details, { fields: ['funding'], allowed: ['khalti', 'esewa'] });
      assert.equal((await payWith(s, q.quote_id, 45_000, 'host')).json.error_code, 'VALIDATION');
      assert.equal(s.commits().length, 0);
    });
  });

  it('never sends the customer back to a page outside the merchant\'s origins (no open redirect)', async () => {
    await withStack(GATEWAYS(), async (s) => {
      const q = await quoteOf(s);
      for (const returnUrl of ['https://evil.example/steal', 'javascript:alert(1)', '/relative', `${SHOP}.evil.example/x`]) {
        const refused = await payWith(s, q.quote_id, 45_000, 'khalti', key(), returnUrl);
        assert.equal(refused.status, 400, returnUrl);
        assert.deepEqual(refused.json.details, { fields: ['return_url'] });
      }
      assert.equal(khaltiSandbox.state.payments.size, 0);
    });
  });
});

describe('funded pay: host hooks', () => {
  it('hold, then capture on success; hold, then release on a refused commit; each exactly once', async () => {
    await withStack({ RECONCILE_DELAY_MS: '0' }, async (s) => {
      const paid = await payWith(s, (await quoteOf(s)).quote_id, 45_000);
      assert.equal(paid.status, 200, paid.text);
      assert.deepEqual(paid.json.data.response.funding, { method: 'host', state: 'captured' });
      const refused = await payWith(s, (await quoteOf(s, ratnapark('905'))).quote_id, 30_000);
      assert.equal(refused.status, 402);
      assert.deepEqual(refused.json.data.response.funding, { method: 'host', state: 'refunded' });
      await s.proxy.payments.reconcile({ all: true });
      const ref1 = paid.json.data.response.reference;
      const ref2 = refused.json.data.response.reference;
      assert.deepEqual(
        s.wallet.calls.map((c) => [c.hook, c.reference]),
        [['hold', ref1], ['capture', ref1], ['hold', ref2], ['release', ref2]],
      );
      assert.equal(s.wallet.balanceOf('guest'), 10_000_000 - paid.json.data.response.total_paisa);
    });
  });

  // A refused commit: answered 404 (failed at once: the outcome is written with the refund's intent), or 400 (unknown,
  // looked up now: written with the funding's next check, then failed by the lookup).
  for (const refusal of ['404', '400 looked up'] as const) {
    it(`a process dying right after a refused commit (${refusal}) is recorded still releases the hold (the funding's next step is written with the outcome)`, async () => {
      await withStack({ RECONCILE_DELAY_MS: '0' }, async (s) => {
        const store = s.proxy.store;
        // The process dies at its first ledger write after the one that records the failure: every write throws then.
        let dead = false;
        const writes = ['updatePayment', 'updateFunding', 'updateTogether', 'insertPayment', 'insertFunding'] as const;
        const real = Object.fromEntries(writes.map((name) => [name, (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store)]));
        for (const name of writes) {
          Object.assign(store, {
            [name]: async (...args: unknown[]) => {
              if (dead) throw new Error('the process died');
              const result = await real[name]!(...args);
              const patch = (name === 'updateTogether' ? (args[1] as { patch: { state?: string } }).patch : args[2]) as { state?: string } | undefined;
              if ((name === 'updatePayment' || name === 'updateTogether') && patch?.state === 'failed') dead = true;
              return result;
            },
          });
        }
        const customer = refusal === '404' ? SEED : ratnapark('905');
        if (refusal === '404') await s.arm('commit', 'http404');
        const refused = await payWith(s, (await quoteOf(s, customer)).quote_id, 30_000);
        assert.equal(refused.status, 500, 'the process died before answering');
        const [hold] = s.wallet.calls;
        assert.equal(hold?.hook, 'hold');
        const reference = hold!.reference;
        assert.equal((await store.paymentByReference(reference))!.state, 'failed');
        const left = (await s.proxy.payments.fundingOf(reference))!;
        assert.deepEqual([left.state, left.nextCheckAt !== null], [refusal === '404' ? 'refunding' : 'secured', true], 'a funding the reconciler comes back to');
        // A new process: the reconciler finishes what the dead one left.
        dead = false;
        Object.assign(store, real);
        await s.proxy.payments.reconcile({ all: true });
        assert.equal((await s.proxy.payments.fundingOf(reference))!.state, 'refunded');
        assert.equal(s.wallet.balanceOf('guest'), 10_000_000, 'the hold was released');
        assert.equal(s.commits().length, 1);
      });
    });
  }

  it('a refused hold (not enough balance): failed, nothing committed', async () => {
    await withStack({}, async (s) => {
      const q = await quoteOf(s);
      const poor = { hold: async () => ({ refused: 'insufficient_balance' }) };
      Object.assign(s.wallet.hooks, poor);
      const answer = await payWith(s, q.quote_id, 45_000);
      assert.equal(answer.status, 402);
      assert.equal(answer.json.error_code, 'FUNDING_REFUSED');
      assert.equal(s.commits().length, 0);
    });
  });
});

describe('funded pay: wiring', () => {
  it('the standalone server mounts the gateway sandboxes at /sandbox/khalti and /sandbox/esewa and pays through them', async () => {
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0', RATE_LIMIT_PER_MINUTE: '0', LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0' });
    const { root, proxy } = createServerApp({ config, log: (level, event, fields) => transcript.push(JSON.stringify({ level, event, ...fields })) });
    const server = await listen(root.fetch);
    try {
      config.publicOrigins.push(server.url);
      const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
        const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        const text = await response.text();
        transcript.push(text);
        return { status: response.status, json: JSON.parse(text) };
      };
      const pay = async (customer: typeof SEED, amount: number, funding: string) => {
        const q = (await post('/api/nea/lookup', customer)).json.data.response;
        return post('/api/nea/pay', { quote_id: q.quote_id, amount_paisa: amount, funding, return_url: `${server.url}/` }, { 'idempotency-key': key() });
      };
      const khalti = (await pay(SEED, 45_000, 'khalti')).json.data.response;
      assert.ok(khalti.next.url.startsWith(`${server.url}/sandbox/khalti/pay/`), khalti.next.url);
      const paid = await post(`/api/payments/${khalti.reference}/resume`, { params: await atKhalti(khalti.next.url, 'pay', {}, server.url) });
      assert.equal(paid.status, 200);
      const esewaPaid = await pay(bhaktapur('555'), 125_000, 'esewa');
      assert.equal(esewaPaid.status, 202, JSON.stringify(esewaPaid.json));
      const esewa = esewaPaid.json.data.response;
      assert.equal(esewa.next.action, `${server.url}/sandbox/esewa/api/epay/main/v2/form`);
      const back = await atEsewa(esewa.next, 'pay');
      assert.equal((await post(`/api/payments/${esewa.reference}/resume`, { params: back })).status, 200);
      assert.equal(proxy.sandbox!.state.calls.filter((c) => c.step === 'commit').length, 2);
    } finally {
      await server.close();
      await proxy.close();
    }
  });

  it('refuses to start with FUNDING=host and no hooks', () => {
    const config = loadConfig({ AGGREGATOR_BASE_URL: 'http://aggregator.test', AGGREGATOR_TOKEN: TOKEN, DATABASE_URL: 'sqlite::memory:', FUNDING: 'host' });
    assert.throws(() => createProxy({ config, log: () => {} }), (error: unknown) => error instanceof ConfigError && /hostFunding|hooks/.test(error.message));
  });
});
