/**
 * The funding modules against the embedded gateway sandboxes over real HTTP: the customer's side is
 * played with fetch through the sandboxes' pages, as a browser would; the verdicts come from the gateways'
 * lookups, never from the return parameters alone.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ConfigError, loadConfig, secretsOf } from '../../src/server/config.js';
import { esewaFunding } from '../../src/server/funding/esewa.js';
import { hostFunding, type HostFundingHooks } from '../../src/server/funding/host.js';
import { createFundings } from '../../src/server/funding/index.js';
import { khaltiFunding } from '../../src/server/funding/khalti.js';
import { noFunding } from '../../src/server/funding/none.js';
import type { FundingModule, FundingRef } from '../../src/server/funding/types.js';
import { createLogger, type Logger } from '../../src/server/log.js';
import { createEsewaSandbox, esewaSignature, ESEWA_UAT_PRODUCT_CODE } from '../../src/sandbox/esewa.js';
import { createKhaltiSandbox } from '../../src/sandbox/khalti.js';
import { readForm, submit } from './gateway-browser.js';
import { listen } from './harness.js';

const KHALTI_KEY = 'test_secret_key_canary_5d1e';
const ESEWA_KEY = 'esewa-canary-secret/:&9';
const RETURN = 'http://shop.test/bills?resume=1';
const TIMEOUT_MS = 300;

const lines: string[] = [];
const log: Logger = createLogger([KHALTI_KEY, ESEWA_KEY], (line) => lines.push(line), 'debug');

const khaltiSandbox = createKhaltiSandbox({ keys: [KHALTI_KEY], hangMs: 5_000 });
const esewaSandbox = createEsewaSandbox({ merchants: { [ESEWA_UAT_PRODUCT_CODE]: ESEWA_KEY }, hangMs: 5_000 });
let khaltiUrl = '';
let esewaUrl = '';
let khalti: FundingModule;
let esewa: FundingModule;
const closers: (() => Promise<void>)[] = [];
let n = 0;
const reference = () => `fund-${++n}`;

before(async () => {
  const k = await listen(khaltiSandbox.fetch);
  const e = await listen(esewaSandbox.fetch);
  khaltiUrl = k.url;
  esewaUrl = e.url;
  closers.push(k.close, e.close);
  khalti = khaltiFunding({ baseUrl: `${khaltiUrl}/api/v2/`, secretKey: KHALTI_KEY, timeoutMs: TIMEOUT_MS, log });
  esewa = esewaFunding({
    formUrl: `${esewaUrl}/api/epay/main/v2/form`,
    statusUrl: `${esewaUrl}/api/epay/transaction/status/`,
    productCode: ESEWA_UAT_PRODUCT_CODE,
    secretKey: ESEWA_KEY,
    timeoutMs: TIMEOUT_MS,
    log,
  });
});
after(async () => {
  await Promise.all(closers.map((close) => close()));
  // Gateway keys never reach a log line.
  const all = lines.join('\n');
  assert.ok(lines.length >= 20, `saw only ${lines.length} log lines`);
  for (const secret of [KHALTI_KEY, ESEWA_KEY]) assert.ok(!all.includes(secret), `${secret} leaked into a log line`);
});
beforeEach(() => {
  khaltiSandbox.reset();
  esewaSandbox.reset();
});

const armKhalti = (step: string, kind: string) =>
  fetch(`${khaltiUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ step, kind }) });
const armEsewa = (step: string, kind: string) =>
  fetch(`${esewaUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ step, kind }) });

/** Starts a Khalti funding and plays the customer at the payment page; answers the return's query. */
async function khaltiCheckout(totalPaisa: number, action: string, changes: Record<string, string> = {}) {
  const ref = reference();
  const started = await khalti.start({ reference: ref, totalPaisa, returnUrl: RETURN, name: 'NEA bill 024.12.512' });
  assert.equal(started.kind, 'redirect');
  if (started.kind !== 'redirect') throw new Error('unreachable');
  assert.ok(started.url.startsWith(`${khaltiUrl}/pay/`));
  const page = await fetch(started.url);
  const response = await submit(readForm(started.url, await page.text()), action, changes);
  const back = Object.fromEntries(new URL(response.headers.get('location')!).searchParams);
  const funding: FundingRef = { reference: ref, ids: started.ids, expectedPaisa: totalPaisa };
  return { funding, back };
}

describe('khalti funding against the Khalti sandbox', () => {
  it('paid: initiate, the payment page, the return, and a lookup that secures the total', async () => {
    const { funding, back } = await khaltiCheckout(45_000, 'pay');
    assert.equal(back.purchase_order_id, funding.reference);
    const verdict = await khalti.verify(funding, back);
    assert.deepEqual(verdict, { state: 'secured', ids: { pidx: funding.ids.pidx, transaction_id: back.transaction_id }, paidPaisa: 45_000 });
  });

  it('cancelled at Khalti: nothing was taken', async () => {
    const { funding, back } = await khaltiCheckout(45_000, 'cancel');
    assert.deepEqual(await khalti.verify(funding, back), { state: 'cancelled', reason: 'cancelled' });
  });

  it('pending, then paid: the reconciler sees it secured', async () => {
    const { funding, back } = await khaltiCheckout(45_000, 'pending');
    assert.deepEqual(await khalti.verify(funding, back), { state: 'pending', reason: 'gateway_pending', ids: { pidx: funding.ids.pidx } });
    await fetch(`${khaltiUrl}/_sandbox/payments/${funding.ids.pidx}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"Completed"}' });
    const later = await khalti.status(funding);
    assert.equal(later.state, 'secured');
  });

  it('forged return parameters: status=Completed while the lookup says otherwise', async () => {
    const ref = reference();
    const started = await khalti.start({ reference: ref, totalPaisa: 45_000, returnUrl: RETURN, name: 'NEA bill' });
    if (started.kind !== 'redirect') throw new Error('expected a redirect');
    const funding = { reference: ref, ids: started.ids, expectedPaisa: 45_000 };
    const forged = { pidx: started.ids.pidx!, status: 'Completed', transaction_id: 'FAKE', total_amount: '45000', purchase_order_id: ref };
    assert.deepEqual(await khalti.verify(funding, forged), { state: 'pending', reason: 'gateway_pending', ids: { pidx: started.ids.pidx } });

    // Someone else's paid pidx in the query: our own pidx is looked up, not theirs.
    const other = await khaltiCheckout(45_000, 'pay');
    const verdict = await khalti.verify(funding, other.back);
    assert.equal(verdict.state, 'pending');
    assert.ok(lines.some((l) => l.includes('funding.return_mismatch')));
  });

  it('another amount paid: a mismatch, never secured, and refunded in full', async () => {
    const { funding, back } = await khaltiCheckout(45_000, 'other', { other_amount: '200' });
    const verdict = await khalti.verify(funding, back);
    assert.equal(verdict.state, 'mismatch');
    if (verdict.state !== 'mismatch') return;
    assert.equal(verdict.paidPaisa, 20_000);
    assert.equal(verdict.expectedPaisa, 45_000);
    assert.deepEqual(await khalti.refund({ ...funding, ids: verdict.ids, paidPaisa: verdict.paidPaisa }), { state: 'refunded' });
    assert.deepEqual(await khalti.status(funding), { state: 'refunded', ids: verdict.ids, partial: false });
  });

  it('lookup answering 500 or hanging: pending, ask again later', async () => {
    const { funding, back } = await khaltiCheckout(45_000, 'pay');
    await armKhalti('lookup', 'http500');
    assert.deepEqual(await khalti.verify(funding, back), { state: 'pending', reason: 'gateway_unavailable' });
    await armKhalti('lookup', 'hang');
    const started = performance.now();
    assert.deepEqual(await khalti.verify(funding, back), { state: 'pending', reason: 'gateway_unavailable' });
    assert.ok(performance.now() - started < TIMEOUT_MS + 1000, 'the upstream timeout holds');
    assert.equal((await khalti.verify(funding, back)).state, 'secured');
  });

  it('refund refused, then refunded; partial refunds; lost answers are unknown', async () => {
    const { funding, back } = await khaltiCheckout(45_000, 'pay');
    const verdict = await khalti.verify(funding, back);
    if (verdict.state !== 'secured') throw new Error('expected secured');
    const secured = { ...funding, ids: verdict.ids, paidPaisa: verdict.paidPaisa };
    await armKhalti('refund', 'refuse');
    assert.deepEqual(await khalti.refund(secured), { state: 'failed', reason: 'gateway_refused' });
    assert.equal((await khalti.status(funding)).state, 'secured', 'a refused refund took nothing back');
    assert.deepEqual(await khalti.refund(secured, 5_000), { state: 'refunded' });
    assert.deepEqual(await khalti.status(funding), { state: 'refunded', ids: verdict.ids, partial: true });
    await armKhalti('refund', 'http500');
    assert.deepEqual(await khalti.refund(secured, 40_000), { state: 'unknown', reason: 'gateway_unavailable' });
    assert.deepEqual(await khalti.status(funding), { state: 'refunded', ids: verdict.ids, partial: false }, 'the refund happened; its answer was lost');
    assert.deepEqual(await khalti.refund({ ...funding }), { state: 'failed', reason: 'no_transaction_id' });
  });

  it('refuses below Rs 10, a wrong key, and an unreachable gateway without taking anything', async () => {
    assert.deepEqual(await khalti.start({ reference: reference(), totalPaisa: 999, returnUrl: RETURN, name: 'x' }), {
      kind: 'failed',
      reason: 'below_minimum',
      retryable: false,
    });
    const wrongKey = khaltiFunding({ baseUrl: `${khaltiUrl}/api/v2`, secretKey: 'live_secret_key_wrong', timeoutMs: TIMEOUT_MS, log });
    assert.deepEqual(await wrongKey.start({ reference: reference(), totalPaisa: 45_000, returnUrl: RETURN, name: 'x' }), {
      kind: 'failed',
      reason: 'gateway_refused',
      retryable: false,
    });
    const down = khaltiFunding({ baseUrl: 'http://127.0.0.1:9/api/v2', secretKey: KHALTI_KEY, timeoutMs: TIMEOUT_MS, log });
    assert.deepEqual(await down.start({ reference: reference(), totalPaisa: 45_000, returnUrl: RETURN, name: 'x' }), {
      kind: 'failed',
      reason: 'gateway_unavailable',
      retryable: true,
    });
  });
});

/** Starts an eSewa funding and plays the customer: posts the signed form, presses a button; answers the return's query. */
async function esewaCheckout(totalPaisa: number, action: string) {
  const ref = reference();
  const started = await esewa.start({ reference: ref, totalPaisa, returnUrl: RETURN, name: 'Dish Home recharge' });
  assert.equal(started.kind, 'form');
  if (started.kind !== 'form') throw new Error('unreachable');
  assert.equal(started.fields.signed_field_names, 'total_amount,transaction_uuid,product_code');
  assert.ok(!JSON.stringify(started).includes(ESEWA_KEY), 'the form never carries the secret');
  const page = await fetch(started.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(started.fields).toString() });
  assert.equal(page.status, 200);
  const response = await submit(readForm(started.action, await page.text()), action);
  const back = Object.fromEntries(new URL(response.headers.get('location')!).searchParams);
  return { funding: { reference: ref, ids: started.ids, expectedPaisa: totalPaisa } as FundingRef, back, started };
}

const encode = (json: string) => Buffer.from(json).toString('base64');

describe('esewa funding against the eSewa sandbox', () => {
  it('paid: the signed form, the page, the signed data, then the status API', async () => {
    const { funding, back } = await esewaCheckout(105_050, 'pay');
    assert.ok(back.data);
    const verdict = await esewa.verify(funding, back);
    assert.equal(verdict.state, 'secured');
    if (verdict.state !== 'secured') return;
    assert.equal(verdict.paidPaisa, 105_050);
    assert.match(verdict.ids.ref_id!, /^000/);
  });

  it('forged data: a changed field or another key breaks the signature; another transaction is refused', async () => {
    const { funding, back } = await esewaCheckout(45_000, 'pay');
    const data = JSON.parse(Buffer.from(back.data!, 'base64').toString());
    const tampered = encode(JSON.stringify({ ...data, total_amount: '4,500.0' }));
    assert.deepEqual(await esewa.verify(funding, { data: tampered }), { state: 'failed', reason: 'bad_signature' });
    const names = data.signed_field_names.split(',');
    const otherKey = encode(JSON.stringify({ ...data, signature: esewaSignature('not-our-secret', data, names) }));
    assert.deepEqual(await esewa.verify(funding, { data: otherKey }), { state: 'failed', reason: 'bad_signature' });
    assert.deepEqual(await esewa.verify(funding, { data: 'bm90IGpzb24=' }), { state: 'failed', reason: 'bad_signature' });

    const other = await esewaCheckout(45_000, 'pay');
    assert.deepEqual(await esewa.verify(funding, other.back), { state: 'failed', reason: 'foreign_return' });
    // Forged COMPLETE data for an unpaid transaction cannot be signed without the key; the status API decides.
    const unpaid = await esewa.start({ reference: reference(), totalPaisa: 45_000, returnUrl: RETURN, name: 'x' });
    if (unpaid.kind !== 'form') throw new Error('expected a form');
    const unpaidRef = { reference: unpaid.ids.transaction_uuid!, ids: unpaid.ids, expectedPaisa: 45_000 };
    assert.deepEqual(await esewa.verify(unpaidRef, {}), { state: 'failed', reason: 'not_found' });
  });

  it("accepts eSewa's documented data with total_amount as the JSON number 1000.0", async () => {
    const { funding, back } = await esewaCheckout(100_000, 'pay');
    const data = JSON.parse(Buffer.from(back.data!, 'base64').toString());
    const fields = { ...data, total_amount: '1000.0' };
    const signature = esewaSignature(ESEWA_KEY, fields, data.signed_field_names.split(','));
    const raw = `{"transaction_code":"${data.transaction_code}","status":"COMPLETE","total_amount":1000.0,"transaction_uuid":"${data.transaction_uuid}","product_code":"EPAYTEST","signed_field_names":"${data.signed_field_names}","signature":"${signature}"}`;
    assert.equal((await esewa.verify(funding, { data: encode(raw) })).state, 'secured');
  });

  it('cancelled, and ambiguous then complete', async () => {
    const cancelled = await esewaCheckout(45_000, 'cancel');
    assert.deepEqual(cancelled.back, { resume: '1' }, 'the failure redirect carries no data');
    assert.deepEqual(await esewa.verify(cancelled.funding, cancelled.back), { state: 'cancelled', reason: 'cancelled' });

    const held = await esewaCheckout(45_000, 'ambiguous');
    assert.equal((await esewa.verify(held.funding, held.back)).state, 'pending');
    await fetch(`${esewaUrl}/_sandbox/transactions/${held.funding.reference}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"COMPLETE"}' });
    assert.equal((await esewa.status(held.funding)).state, 'secured');
  });

  it('another total than the payment asks for: a mismatch, refund owed by the operator', async () => {
    const { funding, back } = await esewaCheckout(45_000, 'pay');
    const verdict = await esewa.verify({ ...funding, expectedPaisa: 50_000 }, back);
    assert.equal(verdict.state, 'mismatch');
    if (verdict.state === 'mismatch') assert.equal(verdict.paidPaisa, 45_000);
    assert.deepEqual(await esewa.refund({ ...funding, paidPaisa: 45_000 }), { state: 'refund_due', reason: 'esewa_refunds_by_hand' });
    await fetch(`${esewaUrl}/_sandbox/transactions/${funding.reference}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"FULL_REFUND"}' });
    assert.equal((await esewa.status(funding)).state, 'refunded');
  });

  it('status API answering 500 or hanging: pending', async () => {
    const { funding, back } = await esewaCheckout(45_000, 'pay');
    await armEsewa('status', 'http500');
    assert.deepEqual(await esewa.verify(funding, back), { state: 'pending', reason: 'gateway_unavailable' });
    await armEsewa('status', 'hang');
    assert.deepEqual(await esewa.verify(funding, back), { state: 'pending', reason: 'gateway_unavailable' });
    assert.equal((await esewa.verify(funding, back)).state, 'secured');
  });
});

describe('host and none funding', () => {
  function wallet(balance: number) {
    const held = new Map<string, number>();
    const calls: string[] = [];
    let failNext = false;
    const hooks: HostFundingHooks = {
      async hold(payment) {
        if (failNext) throw new Error('wallet down');
        if (balance < payment.totalPaisa) return { refused: 'insufficient_balance' };
        balance -= payment.totalPaisa;
        held.set(payment.reference, payment.totalPaisa);
        calls.push(`hold ${payment.reference}`);
        return { holdId: `h-${payment.reference}` };
      },
      async capture(hold) {
        if (failNext) throw new Error('wallet down');
        held.delete(hold.reference);
        calls.push(`capture ${hold.holdId}`);
      },
      async release(hold) {
        balance += held.get(hold.reference) ?? 0;
        held.delete(hold.reference);
        calls.push(`release ${hold.holdId}`);
      },
    };
    return { hooks, calls, balance: () => balance, failNext: (v: boolean) => (failNext = v) };
  }

  it('host: holds, captures on success, releases on failure, refuses a short balance', async () => {
    const w = wallet(100_000);
    const host = hostFunding(w.hooks, log);
    const start = await host.start({ reference: 'h1', totalPaisa: 45_000, returnUrl: RETURN, name: 'x', subject: 'olive' });
    assert.deepEqual(start, { kind: 'secured', ids: { hold_id: 'h-h1' } });
    const funding = { reference: 'h1', ids: { hold_id: 'h-h1' }, expectedPaisa: 45_000 };
    assert.equal((await host.verify(funding, {})).state, 'secured');
    assert.deepEqual(await host.capture(funding), { state: 'captured' });
    await host.start({ reference: 'h2', totalPaisa: 45_000, returnUrl: RETURN, name: 'x' });
    assert.deepEqual(await host.refund({ reference: 'h2', ids: { hold_id: 'h-h2' }, expectedPaisa: 45_000 }), { state: 'refunded' });
    assert.equal(w.balance(), 55_000);
    assert.deepEqual(await host.start({ reference: 'h3', totalPaisa: 60_000, returnUrl: RETURN, name: 'x' }), {
      kind: 'failed',
      reason: 'insufficient_balance',
      retryable: false,
    });
    w.failNext(true);
    assert.deepEqual(await host.start({ reference: 'h4', totalPaisa: 1_000, returnUrl: RETURN, name: 'x' }), { kind: 'failed', reason: 'host_unavailable', retryable: true });
    assert.deepEqual(await host.capture(funding), { state: 'unknown', reason: 'host_unavailable' });
    assert.deepEqual(w.calls, ['hold h1', 'capture h-h1', 'hold h2', 'release h-h2']);
  });

  it('none: secured at once, nothing to refund', async () => {
    const none = noFunding();
    assert.deepEqual(await none.start({ reference: 'n1', totalPaisa: 45_000, returnUrl: RETURN, name: 'x' }), { kind: 'secured', ids: {} });
    assert.equal((await none.verify({ reference: 'n1', ids: {}, expectedPaisa: 45_000 }, {})).state, 'secured');
  });
});

describe('funding configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return '';
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.message;
    }
  };
  const LIVE = { AGGREGATOR_BASE_URL: 'https://aggregator.example', AGGREGATOR_TOKEN: 'live-token' };
  const KHALTI = { KHALTI_BASE_URL: 'https://khalti.com/api/v2', KHALTI_SECRET_KEY: 'live_secret_key_1' };
  const ESEWA = {
    ESEWA_FORM_URL: 'https://epay.esewa.com.np/api/epay/main/v2/form',
    ESEWA_STATUS_URL: 'https://esewa.com.np/api/epay/transaction/status/',
    ESEWA_PRODUCT_CODE: 'NP-ES-MERCHANT',
    ESEWA_SECRET_KEY: 'live-esewa-secret',
  };

  it('the embedded aggregator or a test token with nothing set: the embedded gateway sandboxes', () => {
    for (const env of [{}, { AGGREGATOR_BASE_URL: 'http://127.0.0.1:8090', AGGREGATOR_TOKEN: 'TEST:sandbox-merchant' }]) {
      const { funding } = loadConfig(env);
      assert.deepEqual(funding.methods, ['khalti', 'esewa']);
      assert.equal(funding.khalti!.baseUrl, null);
      assert.equal(funding.esewa!.formUrl, null);
      assert.equal(funding.esewa!.productCode, 'EPAYTEST');
    }
  });

  it('a live token with no funding method refuses to start, with a clear message', () => {
    assert.match(problems(LIVE), /a live AGGREGATOR_TOKEN needs FUNDING/);
    assert.match(problems({ ...LIVE, FUNDING: 'khalti' }), /FUNDING offers khalti with a live AGGREGATOR_TOKEN: set KHALTI_BASE_URL, KHALTI_SECRET_KEY/);
    const live = loadConfig({ ...LIVE, FUNDING: 'khalti,esewa', ...KHALTI, ...ESEWA });
    assert.deepEqual(live.funding.khalti, { baseUrl: 'https://khalti.com/api/v2', secretKey: 'live_secret_key_1' });
    assert.equal(live.funding.esewa!.statusUrl, ESEWA.ESEWA_STATUS_URL);
    assert.deepEqual(secretsOf(live), ['live-token', 'live_secret_key_1', 'live-esewa-secret']);
  });

  it('cross-field rules: whole gateways, settings for offered methods only, none only alone and behind host auth', () => {
    assert.match(problems({ FUNDING: 'esewa', ESEWA_FORM_URL: ESEWA.ESEWA_FORM_URL }), /esewa needs all of .*missing ESEWA_STATUS_URL, ESEWA_PRODUCT_CODE, ESEWA_SECRET_KEY/);
    assert.match(problems({ FUNDING: 'esewa', ...KHALTI }), /KHALTI_BASE_URL, KHALTI_SECRET_KEY set but FUNDING does not offer khalti/);
    assert.match(problems({ FUNDING: 'none' }), /FUNDING=none needs host authentication/);
    assert.match(problems({ FUNDING: 'none,khalti', AUTH_JWT_SECRET: 'x'.repeat(32) }), /none cannot be offered beside other methods/);
    assert.deepEqual(loadConfig({ ...LIVE, FUNDING: 'none', AUTH_JWT_SECRET: 'x'.repeat(32) }).funding, { methods: ['none'], khalti: null, esewa: null });
    assert.match(problems({ FUNDING: 'paypal' }), /FUNDING lists methods among khalti, esewa, host, none/);
    assert.match(problems({ FUNDING: 'khalti', KHALTI_BASE_URL: 'https://khalti.com', KHALTI_SECRET_KEY: 'k' }), /ending in \/api\/v2/);
    assert.match(problems({ KHALTI_SECRT_KEY: 'k' }), /KHALTI_SECRT_KEY is not a setting; did you mean KHALTI_SECRET_KEY/);
    const several = problems({ PORT: 'x', FUNDING: 'none' });
    assert.match(several, /PORT must be a number/);
    assert.match(several, /FUNDING=none needs host authentication/, 'funding problems are listed with the others, all at once');
  });

  it('createFundings builds the offered modules and wants host hooks when host is offered', () => {
    const config = loadConfig({ FUNDING: 'khalti,esewa,host' });
    assert.throws(() => createFundings(config.funding, { timeoutMs: 1000, log }), /pass their URLs and fetch|host/);
    const hooks = wallet0();
    const modules = createFundings(config.funding, {
      timeoutMs: 1000,
      log,
      hostHooks: hooks,
      sandboxes: { khaltiBaseUrl: 'http://127.0.0.1:8080/khalti-sandbox', esewaBaseUrl: 'http://127.0.0.1:8080/esewa-sandbox', fetch },
    });
    assert.deepEqual([...modules.keys()], ['khalti', 'esewa', 'host']);
    assert.throws(() => createFundings(loadConfig({ FUNDING: 'host' }).funding, { timeoutMs: 1000, log }), /pass hostFunding hooks/);
  });
});

function wallet0(): HostFundingHooks {
  return { hold: async () => ({ refused: 'closed' }), capture: async () => undefined, release: async () => undefined };
}
