import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { DishhomeRecharge } from '../../src/dishhome-recharge.js';
import type { DreamerPay } from '../../src/dreamer-pay.js';
import type { NeaPay } from '../../src/nea-pay.js';
import type { PayErrorDetail, PayPendingDetail, PayStepDetail } from '../../src/internal/events.js';
import { LIMITS } from '../../src/internal/pay-machine.js';
import { $, $$, SEED, button, customer, fastClock, lookUp, manualClock, resetSandbox, sandboxCalls, toConfirm, type, until, widget } from './helpers.js';
import type { Clock } from '../../src/internal/pay-machine.js';

/** A Dreamer widget with its own resume slot (two may pay the same customer), its providers loaded. */
async function dreamer(code: string): Promise<DreamerPay> {
  const el = await fixture<DreamerPay>(html`<dreamer-pay endpoint="/api" customer-code=${code} .clock=${fastClock()}></dreamer-pay>`);
  el.resumeKey = `tab-${document.querySelectorAll('dreamer-pay').length}`;
  await until(el, () => !el.hasAttribute('loading'), 'services loaded');
  return el;
}
const dish = (id: string, clock: Clock = fastClock()) =>
  fixture<DishhomeRecharge>(html`<dishhome-recharge endpoint="/api" customer-id=${id} .clock=${clock}></dishhome-recharge>`);
const chooseFirst = async (el: DishhomeRecharge) => {
  $$(el, 'label.choice')[0]!.querySelector('input')!.click();
  await el.updateComplete;
};
const arm = (step: string, kind: string, times = 1) =>
  fetch('/sandbox/_sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ step, kind, times }) });
/** Asks the proxy for a payment's status (the biller answers again): the account is free for later tests. */
const settle = async (reference: string) => {
  const { data } = (await (await fetch(`/api/payments/${reference}`)).json()) as { data: { response: { state: string } } };
  expect(data.response.state).to.equal('success');
};
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
/** Records the widget events fired on `el`, in order. */
function record(el: EventTarget, names = ['pay-step', 'pay-success', 'pay-error', 'pay-pending']) {
  const seen: { name: string; detail: Record<string, unknown> }[] = [];
  for (const name of names) el.addEventListener(name, (e) => seen.push({ name, detail: (e as CustomEvent).detail }));
  return seen;
}

describe('issue 12: pending payments', () => {
  beforeEach(resetSandbox);

  it('shows what is pending, then what happens next when checking ends, and lets the customer start another payment', async () => {
    // The NEA customer whose commit hangs; the biller's status answers fail, so the payment stays pending.
    await arm('status', 'http500', LIMITS.polls);
    const el = await widget(customer('902'));
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    await el.updateComplete;
    // While checking: who, how much, which reference, when; no way to pay again.
    let shown = text(el);
    expect(shown).to.contain('we are checking').and.contain(detail.reference).and.contain('Sent');
    expect($(el, 'dl.pending')!.textContent!.replace(/\s+/g, ' ')).to.match(/Customer .+ Total .+ Reference \w{32} Sent \S+/);
    // The automatic checks end (the injected clock makes them instant).
    await until(el, () => text(el).includes('stopped checking'), 'checks ended', 15000);
    expect((await sandboxCalls('status')).length).to.be.at.most(LIMITS.polls);
    shown = text(el);
    expect(shown).to.contain('It stays tracked').and.contain('payment history').and.contain(detail.reference);
    expect(shown).not.to.contain('we are checking');
    await expect(el).to.be.accessible();
    button(el, 'Start another payment').click();
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('lookup');
    // A widget added afterwards (or a reload) starts fresh: the payment is not brought back.
    const again = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>`);
    await again.updateComplete;
    expect(again.getAttribute('step')).to.equal('lookup');
    expect(await sandboxCalls('commit')).to.have.length(1);
    await settle(detail.reference);
  });

  it('announces a pending payment once per payment, not once per widget added to the page', async () => {
    const clock = manualClock();
    const events = record(document.body, ['pay-pending']);
    const el = await widget(customer('902'), clock);
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    // The widget is taken out and two more are added: each resumes the payment, none announces it again.
    el.remove();
    const second = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${manualClock()}></nea-pay>`);
    await until(second, () => second.getAttribute('step') === 'pending', 'resumed');
    expect(text(second)).to.contain(detail.reference).and.contain('Rs');
    second.remove();
    const third = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${manualClock()}></nea-pay>`);
    await until(third, () => third.getAttribute('step') === 'pending', 'resumed again');
    expect(events.filter((e) => e.name === 'pay-pending').map((e) => e.detail.reference)).to.deep.equal([detail.reference]);
    third.remove();
    await settle(detail.reference);
  });
});

describe('issue 12: events', () => {
  beforeEach(resetSandbox);

  it('fires pay-step lookup at start, and the outcome before the step it leads to', async () => {
    const seen: string[] = [];
    const log = (e: Event) => seen.push(e.type === 'pay-step' ? `step:${(e as CustomEvent<PayStepDetail>).detail.step}` : e.type);
    document.body.addEventListener('pay-step', log);
    document.body.addEventListener('pay-success', log);
    try {
      const el = await widget(SEED);
      expect(seen[0]).to.equal('step:lookup');
      await lookUp(el);
      await toConfirm(el);
      setTimeout(() => button(el, 'Pay').click());
      await oneEvent(el, 'pay-success');
      await el.updateComplete;
      expect(seen).to.deep.equal(['step:lookup', 'step:choose', 'step:confirm', 'pay-success', 'step:done']);
    } finally {
      document.body.removeEventListener('pay-step', log);
      document.body.removeEventListener('pay-success', log);
    }
  });

  it('fires pay-error with stage lookup, the code, the localized message and the reason when a lookup fails', async () => {
    const el = await dish('4444');
    setTimeout(() => $<HTMLButtonElement>(el, 'form button[type=submit]')!.click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    await until(el, () => $(el, '[role=alert]') !== null, 'error shown');
    expect(detail.stage).to.equal('lookup');
    expect(detail.code).to.equal('LOOKUP_REJECTED');
    expect(detail.message).to.equal('The biller could not find this account.');
    const alert = $(el, '[role=alert]')!.textContent!;
    expect(alert).to.contain(detail.message);
    expect(detail).to.include({ reason: 'Customer not found', reasonCode: 'CUSTOMER_NOT_FOUND' });
    expect(alert).to.contain(detail.reason!);
  });

  it('fires pay-error with stage load when a list does not load', async () => {
    const errors = record(document.body, ['pay-error']);
    const el = await fixture(html`<nea-pay endpoint="/nowhere/api" .clock=${fastClock()}></nea-pay>`);
    await until(el as DishhomeRecharge, () => errors.length > 0, 'load error');
    expect(errors[0]!.detail).to.include({ stage: 'load', service: 'nea' });
  });

  it('fires pay-error with stage pay, the reason, and the reference of a refused payment', async () => {
    const el = await dish('9000000005');
    await lookUp(el);
    await chooseFirst(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Recharge').click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ stage: 'pay', code: 'PAYMENT_REJECTED', reason: 'Customer is not eligible', reasonCode: 'CUSTOMER_NOT_ELIGIBLE' });
    expect(detail.reference).to.match(/^\w{32}$/);
  });

  it('fires pay-error with stage price when the service charge cannot be had', async () => {
    // Every ask for the charge fails, armed before the lookup: the price preview asks as soon as the bills show,
    // and the proxy keeps a charge it once had for the quote and amount.
    await arm('servicecharge', 'http500', 5);
    const el = await widget(SEED);
    await lookUp(el);
    setTimeout(() => button(el, 'Continue').click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ stage: 'price', service: 'nea', retryable: true });
    await until(el, () => $(el, '[role=alert]') !== null, 'error shown');
    expect($(el, '[role=alert]')!.textContent).to.contain(detail.message);
  });

  it('sets the reference in pay-error when a payment stays unconfirmed and the proxy named it', async () => {
    const el = await dish('1111');
    await lookUp(el);
    await chooseFirst(el);
    await toConfirm(el);
    // Every send answers "still in flight" (as the proxy does while the biller's commit hangs).
    const real = window.fetch;
    window.fetch = async (input, init) => {
      if (String(input).includes('/pay')) {
        return new Response(
          JSON.stringify({ data: null, error_message: 'in flight', is_error: true, error_code: 'IDEMPOTENCY_IN_FLIGHT', retryable: true, details: { reference: 'R'.repeat(32) } }),
          { status: 409, headers: { 'content-type': 'application/json' } },
        );
      }
      return real(input, init);
    };
    try {
      setTimeout(() => button(el, 'Recharge').click());
      const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
      expect(detail).to.include({ stage: 'pay', code: 'PAY_UNCONFIRMED', reference: 'R'.repeat(32), retryable: true });
    } finally {
      window.fetch = real;
    }
  });
});

describe('issue 12: busy states', () => {
  beforeEach(resetSandbox);

  it('shows a spinner and "Paying…" inside the pressed pay button', async () => {
    await arm('commit', 'latency');
    const el = await widget(SEED);
    await lookUp(el);
    await toConfirm(el);
    const pay = button(el, 'Pay');
    // Listened for before the click: on a busy machine the accessibility check may outlast the commit's latency.
    const paid = oneEvent(el, 'pay-success');
    pay.click();
    await el.updateComplete;
    expect(pay.disabled).to.equal(true);
    expect(pay.querySelector('.spinner')).to.exist;
    expect(pay.textContent!.trim()).to.equal('Paying…');
    await expect(el).to.be.accessible();
    await paid;
  });

  it('locks the form while its lookup runs, keeps Cancel live, and says whom it waits for after 3 s', async () => {
    await arm('details', 'hang');
    const clock = manualClock();
    const el = await widget(SEED, clock);
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await until(el, () => el.hasAttribute('loading'), 'looking up');
    const form = $(el, 'form')!;
    const fields = [...form.children].filter((c) => !c.classList.contains('actions'));
    expect(fields.length).to.be.greaterThan(1);
    expect(fields.every((f) => f.hasAttribute('inert'))).to.equal(true);
    expect($(el, 'form .actions')!.hasAttribute('inert')).to.equal(false);
    expect($(el, 'form button[type=submit] .spinner')).to.exist;
    expect($(el, '[role=status]')!.textContent).to.contain('Looking up');
    // Three seconds on the widget's clock (no real wait).
    await until(el, () => clock.waiting === 1, 'slow watch started');
    clock.tick();
    await until(el, () => $(el, '[role=status]')!.textContent!.includes('Still waiting for NEA…'), 'slow message');
    button(el, 'Cancel').click();
    await el.updateComplete;
    expect($(el, '[role=status]')!.textContent).to.equal('');
    expect(fields.some((f) => f.hasAttribute('inert'))).to.equal(false);
  });
});

describe('issue 12: counter search', () => {
  beforeEach(resetSandbox);
  const names = (el: Element) => $$(el, '[role=option]').map((o) => o.textContent!.trim());

  it('ranks counters that start with the query first, then word starts, then the rest; Enter picks the first', async () => {
    const el = await widget({ sc: '', id: '' });
    const combo = $<HTMLInputElement>(el, '#counter')!;
    type(combo, 'ratna');
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['RATNAPARK DC', 'BIRATNAGAR DC']);
    combo.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await el.updateComplete;
    expect(el.officeCode).to.equal('201:ratnapark-dc');
    type(combo, 'dc');
    await el.updateComplete;
    // "dc" starts no name, but starts a word of each: all are word starts, in list order.
    expect(names(el).length).to.be.greaterThan(2);
  });

  it('opens the list on click and with a visible toggle button', async () => {
    const el = await widget({ sc: '', id: '' });
    const combo = $<HTMLInputElement>(el, '#counter')!;
    combo.click();
    await el.updateComplete;
    expect(combo.getAttribute('aria-expanded')).to.equal('true');
    expect($(el, '#counter-list')!.hidden).to.equal(false);
    const toggle = $<HTMLButtonElement>(el, 'button.toggle')!;
    expect(toggle.getAttribute('aria-label')).to.equal('Show all counters');
    expect(toggle.getBoundingClientRect().width).to.be.greaterThan(10);
    toggle.click();
    await el.updateComplete;
    expect($(el, '#counter-list')!.hidden).to.equal(true);
    toggle.click();
    await el.updateComplete;
    expect($(el, '#counter-list')!.hidden).to.equal(false);
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('counts an exact counter name, in any case, as picked', async () => {
    const el = await widget({ sc: SEED.sc, id: SEED.id });
    type($<HTMLInputElement>(el, '#counter')!, 'ratnapark dc');
    await el.updateComplete;
    expect(el.officeCode).to.equal('201:ratnapark-dc');
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
  });

  it('waits for the list before checking a prefilled counter', async () => {
    await arm('counters', 'latency');
    const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" office-code=${SEED.office!} sc-no=${SEED.sc} consumer-id=${SEED.id} .clock=${fastClock()}></nea-pay>`);
    expect(el.hasAttribute('loading')).to.equal(true);
    $<HTMLFormElement>(el, 'form')!.requestSubmit();
    await until(el, () => el.getAttribute('step') === 'choose' || Boolean($(el, '#counter-error')?.textContent), 'submitted');
    expect(el.getAttribute('step')).to.equal('choose', 'not refused as an invalid counter');
  });
});

describe('issue 12: dead ends', () => {
  beforeEach(resetSandbox);

  it('leaves an error and a Retry after the counter-list load is cancelled, and the retry loads it', async () => {
    await arm('counters', 'hang');
    const errors = record(document.body, ['pay-error']);
    const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>`);
    await until(el, () => el.hasAttribute('loading'), 'loading');
    button(el, 'Cancel').click();
    await el.updateComplete;
    expect($(el, '[role=alert]')!.textContent).to.contain('The request was stopped');
    expect(errors.map((e) => e.detail.stage)).to.deep.equal(['load']);
    button(el, 'Try again').click();
    await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded after the retry');
    expect($(el, '[role=alert]')).to.equal(null);
  });

  it('after the biller session expired before paying, looks the account up again and asks to confirm the same amount', async () => {
    const el = await dreamer('01-1');
    const events = record(el);
    await lookUp(el);
    await toConfirm(el);
    const before = $(el, 'dl')!.textContent!.replace(/\s+/g, ' ');
    await fetch('/sandbox/_sandbox/sessions/expire', { method: 'POST' });
    button(el, 'Pay').click();
    await until(el, () => text(el).includes('We looked your account up again'), 'looked up again', 10000);
    expect(el.getAttribute('step')).to.equal('confirm');
    expect($(el, 'dl')!.textContent!.replace(/\s+/g, ' ')).to.equal(before);
    expect(text(el)).not.to.contain('did not accept');
    expect($(el, '[role=alert]')).to.equal(null);
    expect(await sandboxCalls('details')).to.have.length(2);
    await expect(el).to.be.accessible();
    button(el, 'Pay').click();
    await until(el, () => el.getAttribute('step') === 'done', 'paid');
    const outcome = events.filter((e) => e.name !== 'pay-step' || e.detail.step !== 'choose').map((e) => `${e.name}:${String(e.detail.step ?? e.detail.code ?? '')}`);
    expect(outcome).to.deep.equal(['pay-step:confirm', 'pay-success:', 'pay-step:done']);
  });

  it('says "already paid" when the bills were paid from another tab meanwhile', async () => {
    const first = await dreamer('01-1');
    const second = await dreamer('01-1');
    await lookUp(first);
    await lookUp(second);
    await toConfirm(first);
    await toConfirm(second);
    button(first, 'Pay').click();
    await until(first, () => first.getAttribute('step') === 'done', 'paid in the first tab');
    setTimeout(() => button(second, 'Pay').click());
    const { detail } = (await oneEvent(second, 'pay-error')) as CustomEvent<PayErrorDetail>;
    await until(second, () => second.getAttribute('step') === 'failed', 'failed');
    expect(detail).to.include({ stage: 'pay', code: 'QUOTE_ALREADY_PAID', reason: null });
    const alert = $(second, '[role=alert]')!.textContent!;
    expect(alert).to.contain('already paid').and.not.contain('did not accept').and.not.contain('No due bills');
  });
});
