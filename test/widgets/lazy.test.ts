/**
 * The first load (issue 13): the steps after the lookup are a chunk of their own, fetched when the element
 * connects; the portal's themes are opt-in. Each test controls the element's steps import (`importSteps`).
 */
import { expect, oneEvent } from '@open-wc/testing';
import type { PayErrorDetail } from '../../src/internal/events.js';
import type { StepsModule } from '../../src/internal/pay-element.js';
import type { NeaPay } from '../../src/nea-pay.js';
import { $, $$, SEED, button, fastClock, resetSandbox, until } from './helpers.js';

const realSteps = () => import('../../src/nea-pay-steps.js') as Promise<StepsModule>;

/** A prefilled <nea-pay> whose steps import is `importSteps`, connected after it is set (as a page's first load). */
async function neaPay(importSteps: () => Promise<StepsModule>): Promise<NeaPay> {
  const el = document.createElement('nea-pay');
  Object.assign(el, { endpoint: '/api', officeCode: SEED.office!, scNo: SEED.sc, consumerId: SEED.id, clock: fastClock(), importSteps });
  document.body.append(el);
  await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
  return el;
}

/** A promise settled by the test. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

describe('issue 13: the steps after the lookup load alongside it', () => {
  beforeEach(resetSandbox);
  afterEach(() => {
    for (const el of document.querySelectorAll('nea-pay')) el.remove();
  });

  it('starts fetching the steps when the element connects, not when the customer submits', async () => {
    let calls = 0;
    const el = document.createElement('nea-pay');
    Object.assign(el, { endpoint: '/api', importSteps: () => (calls++, realSteps()) });
    expect(calls).to.equal(0);
    document.body.append(el);
    expect(calls, 'started by connecting').to.equal(1);
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('lookup');
    expect($(el, 'form')).to.not.equal(null);
  });

  it('shows the answer of a lookup that came before the steps only once they are here, busy meanwhile', async () => {
    const steps = deferred<StepsModule>();
    const el = await neaPay(() => steps.promise);
    // Tells when the proxy's lookup answer is back in the page.
    const answered = deferred<void>();
    const realFetch = window.fetch;
    window.fetch = async (...args) => {
      const response = await realFetch(...args);
      if (String(args[0] instanceof Request ? args[0].url : args[0]).endsWith('/nea/lookup')) answered.resolve();
      return response;
    };
    try {
      $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
      await answered.promise;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await el.updateComplete;
      expect(el.getAttribute('step'), 'still on the lookup').to.equal('lookup');
      expect(el.hasAttribute('loading')).to.equal(true);
      expect($(el, '[part=base]')!.getAttribute('aria-busy')).to.equal('true');
      expect($<HTMLButtonElement>(el, 'form button[type=submit]')!.disabled, 'no second submit').to.equal(true);
      expect($(el, '[role=status]')!.textContent).to.contain('Looking up');
      expect($(el, '[part=error]')).to.equal(null);
      steps.resolve(await realSteps());
      await until(el, () => el.getAttribute('step') === 'choose', 'choice shown');
      expect($$(el, 'tbody tr')).to.have.length(2);
      expect(el.hasAttribute('loading')).to.equal(false);
      // The steps' styles arrived with them: the bills table is laid out as a table, full width.
      expect(getComputedStyle($(el, 'table')!).borderCollapse).to.equal('collapse');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('tells a failed lookup once the steps are here (they carry the texts of the rarer codes)', async () => {
    const steps = deferred<StepsModule>();
    const el = await neaPay(() => steps.promise);
    const answered = deferred<void>();
    const realFetch = window.fetch;
    window.fetch = async (...args) => {
      if (!String(args[0] instanceof Request ? args[0].url : args[0]).endsWith('/nea/lookup')) return realFetch(...args);
      answered.resolve();
      const body = { data: null, error_message: 'restarting', is_error: true, error_code: 'SHUTTING_DOWN', retryable: true };
      return new Response(JSON.stringify(body), { status: 503, headers: { 'content-type': 'application/json' } });
    };
    try {
      const told: PayErrorDetail[] = [];
      el.addEventListener('pay-error', (e) => told.push(e.detail));
      $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
      await answered.promise;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await el.updateComplete;
      expect(told, 'not told before the steps are here').to.deep.equal([]);
      expect($(el, '[part=error]')).to.equal(null);
      steps.resolve(await realSteps());
      await until(el, () => $(el, '[part=error]') !== null, 'error shown');
      expect(told.map((d) => [d.stage, d.code, d.message])).to.deep.equal([['lookup', 'SHUTTING_DOWN', 'The payment service is restarting. Try again in a moment.']]);
      expect($(el, '[part=error]')!.textContent).to.contain('The payment service is restarting.');
      expect(el.getAttribute('step')).to.equal('lookup');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('checks a form sent before the steps are here once they come (they carry the checks): an invalid one shows its errors, not the answer', async () => {
    const steps = deferred<StepsModule>();
    const el = await neaPay(() => steps.promise);
    el.scNo = '024-12-512';
    await el.updateComplete;
    const told: PayErrorDetail[] = [];
    el.addEventListener('pay-error', (e) => told.push(e.detail));
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await el.updateComplete;
    expect(el.hasAttribute('loading'), 'busy until the steps are here').to.equal(true);
    expect($(el, '#sc-no')!.getAttribute('aria-invalid'), 'not checked yet').to.equal('false');
    steps.resolve(await realSteps());
    await until(el, () => $(el, '#sc-no')!.getAttribute('aria-invalid') === 'true', 'the SC No shown invalid');
    expect($(el, '#sc-no-error')!.textContent).to.contain('three groups');
    await until(el, () => !el.hasAttribute('loading'), 'no longer busy');
    expect(el.getAttribute('step')).to.equal('lookup');
    expect(el.shadowRoot!.activeElement?.id, 'the invalid field focused').to.equal('sc-no');
    expect(told, 'not a failure').to.deep.equal([]);
    expect($(el, '[part=error]')).to.equal(null);
  });

  it('does not check a form whose lookup was cancelled before the steps came', async () => {
    const steps = deferred<StepsModule>();
    const el = await neaPay(() => steps.promise);
    el.scNo = '024-12-512';
    await el.updateComplete;
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await until(el, () => el.hasAttribute('loading'), 'looking up');
    button(el, 'Cancel').click();
    await until(el, () => !el.hasAttribute('loading'), 'cancelled');
    steps.resolve(await realSteps());
    await until(el, () => el.steps !== null, 'steps here');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await el.updateComplete;
    expect($(el, '#sc-no')!.getAttribute('aria-invalid'), 'not checked').to.equal('false');
    expect($(el, '#sc-no-error')!.textContent).to.equal('');
    expect(el.getAttribute('step')).to.equal('lookup');
  });

  it('sends a form sent before the steps came again from its fields as they are when it is retried', async () => {
    let fail = true;
    const el = await neaPay(() => (fail ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : realSteps()));
    el.scNo = '024-12-512';
    await el.updateComplete;
    setTimeout(() => $<HTMLButtonElement>(el, 'form button[type=submit]')!.click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ stage: 'load', code: 'NETWORK' });
    await el.updateComplete;
    // The customer corrects the SC No, then tries again: the corrected form is checked and sent.
    const sc = $<HTMLInputElement>(el, '#sc-no')!;
    sc.value = SEED.sc;
    sc.dispatchEvent(new Event('input'));
    fail = false;
    button(el, 'Try again').click();
    await until(el, () => el.getAttribute('step') === 'choose', 'choice shown after the retry');
    expect($(el, '[part=error]')).to.equal(null);
  });

  it("holds a migrated counter's numbers' place with a skeleton until the steps are here (its forms come with them)", async () => {
    const steps = deferred<StepsModule>();
    const el = document.createElement('nea-pay');
    Object.assign(el, { endpoint: '/api', officeCode: '245:balaju-dc', clock: fastClock(), importSteps: () => steps.promise });
    document.body.append(el);
    await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
    expect($(el, 'form .skeleton'), 'a skeleton in the form').to.not.equal(null);
    // Told as loading to assistive technology (an indeterminate progress bar with its name).
    expect([$(el, 'form .skeleton')!.getAttribute('role'), $(el, 'form .skeleton')!.getAttribute('aria-label')]).to.deep.equal(['progressbar', 'Loading…']);
    await expect(el).to.be.accessible();
    expect($(el, '#consumer-no')).to.equal(null);
    expect($(el, '#sc-no'), 'not the first generation form').to.equal(null);
    steps.resolve(await realSteps());
    await until(el, () => $(el, '#consumer-no') !== null, 'the new number asked for');
    expect($(el, 'form .skeleton')).to.equal(null);
    expect($(el, 'label[for=consumer-no]')!.textContent).to.equal('Consumer number');
  });

  it('says so when the steps cannot be loaded, and a retry loads them and goes on', async () => {
    let fail = true;
    const el = await neaPay(() => (fail ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : realSteps()));
    setTimeout(() => $<HTMLButtonElement>(el, 'form button[type=submit]')!.click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ stage: 'load', code: 'NETWORK', retryable: true });
    expect(detail.message).to.contain('could not be loaded');
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('lookup');
    expect($(el, '[part=error]')!.textContent).to.contain('This part of the payment form could not be loaded');
    fail = false;
    button(el, 'Try again').click();
    await until(el, () => el.getAttribute('step') === 'choose', 'choice shown after the retry');
    expect($(el, '[part=error]')).to.equal(null);
    expect($$(el, 'tbody tr')).to.have.length(2);
  });

  it('says it in Nepali too', async () => {
    const el = await neaPay(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module')));
    el.locale = 'ne';
    await until(el, () => $(el, 'h2')?.textContent?.includes('बिल भुक्तानी') ?? false, 'Nepali loaded');
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await until(el, () => $(el, '[part=error]') !== null, 'error shown');
    expect($(el, '[part=error]')!.textContent).to.contain('लोड हुन सकेन');
  });
});

describe('issue 13: the portal themes are opt-in', () => {
  it('loads a portal theme by itself when a widget names it (no opt-in import on this page)', async () => {
    const el = document.createElement('nea-pay');
    el.endpoint = '/api';
    el.theme = 'olive';
    document.body.append(el);
    await el.updateComplete;
    try {
      await until(el, () => getComputedStyle($(el, '[part=base]')!).backgroundColor === 'rgb(251, 250, 243)', 'olive background');
      const light = document.createElement('nea-pay');
      document.body.append(light);
      await light.updateComplete;
      expect(getComputedStyle($(light, '[part=base]')!).backgroundColor).to.equal('rgb(255, 255, 255)');
      light.remove();
    } finally {
      el.remove();
    }
  });
});
