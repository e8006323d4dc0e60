import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { NeaPay } from '../../src/nea-pay.js';
import type { PayErrorDetail, PayPendingDetail, PaySuccessDetail } from '../../src/internal/events.js';
import { $, $$, SEED, button, customer, fastClock, lookUp, manualClock, resetSandbox, sandboxCalls, toConfirm, type, until, widget } from './helpers.js';

const BHAKTAPUR = '245:bhaktapur-dc';

/** Arms a sandbox fault for the next request of a step (`ms`: how long a `latency` fault waits). */
const arm = (step: string, kind: string, ms?: number) =>
  fetch('/sandbox/_sandbox/faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ step, kind, ms, times: 1 }),
  });

describe('<nea-pay>', () => {
  beforeEach(resetSandbox);

  it('starts at the lookup step, labelled and accessible', async () => {
    const el = await widget({ sc: '', id: '' });
    expect(el.getAttribute('step')).to.equal('lookup');
    const combo = $<HTMLInputElement>(el, '#counter')!;
    expect(combo.getAttribute('role')).to.equal('combobox');
    expect($(el, 'label[for=counter]')!.textContent).to.contain('NEA counter');
    expect($(el, 'label[for=sc-no]')!.textContent).to.contain('SC No');
    await expect(el).to.be.accessible();
  });

  it('validates the form before any request and focuses the first invalid field', async () => {
    const el = await widget({ sc: '02.12', id: '30x' });
    const before = (await sandboxCalls('details')).length;
    button(el, 'Look up').click();
    await el.updateComplete;
    expect($(el, '#counter-error')!.textContent).to.contain('Pick a counter');
    expect($(el, '#sc-no-error')!.textContent).to.contain('three groups');
    expect($(el, '#consumer-id-error')!.textContent).to.contain('digits');
    expect($(el, '#sc-no')!.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.id).to.equal('counter');
    expect(el.getAttribute('step')).to.equal('lookup');
    expect((await sandboxCalls('details')).length).to.equal(before);
  });

  it('keeps "Look up" disabled until the counters have loaded (a prefilled counter is checked against them)', async () => {
    await arm('counters', 'latency', 300);
    const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" office-code=${SEED.office!} sc-no=${SEED.sc} consumer-id=${SEED.id}></nea-pay>`);
    expect(button(el, 'Look up').disabled).to.equal(true);
    await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
    expect(button(el, 'Look up').disabled).to.equal(false);
  });

  it('filters counters as the customer types and picks one with the keyboard', async () => {
    const el = await widget({ sc: '', id: '' });
    const combo = $<HTMLInputElement>(el, '#counter')!;
    type(combo, 'bhak');
    await el.updateComplete;
    const options = $$(el, '[role=option]');
    expect(options.map((o) => o.textContent!.trim())).to.deep.equal(['BHAKTAPUR DC']);
    expect(combo.getAttribute('aria-expanded')).to.equal('true');
    expect(combo.getAttribute('aria-activedescendant')).to.equal('counter-0');
    combo.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await el.updateComplete;
    expect(el.officeCode).to.equal(BHAKTAPUR);
    expect(combo.value).to.equal('BHAKTAPUR DC');
    expect(combo.getAttribute('aria-expanded')).to.equal('false');
  });

  it('pays the seed customer end to end and fires pay-success with the receipt figures', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect(el.shadowRoot!.activeElement?.tagName).to.equal('H3');
    const rows = $$(el, 'tbody tr').map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    expect(rows).to.have.length(2);
    expect(rows[0]).to.contain('2073 Magh').and.contain('200.00');
    expect(rows[1]).to.contain('-25% Penalty').and.contain('250.00');
    const choices = $$(el, 'label.choice').map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
    expect(choices[0]).to.contain('Oldest bill:').and.contain('200.00');
    expect(choices[1]).to.contain('Oldest 2 bills').and.contain('450.00');
    await toConfirm(el);
    const summary = $(el, 'dl')!.textContent!.replace(/\s+/g, ' ');
    expect(summary).to.contain('Michael Jackson').and.contain('450.00');
    const pay = button(el, 'Pay');
    expect(pay.textContent).to.contain('450.00');
    setTimeout(() => pay.click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail).to.include({ service: 'nea', amountPaisa: 45000, serviceChargePaisa: 0, totalPaisa: 45000 });
    expect(detail.reference).to.match(/^[A-Za-z0-9]{32}$/);
    expect(detail.transactionId).to.be.a('string');
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('done');
    const receipt = $(el, '[part=receipt]')!.textContent!;
    expect(receipt).to.contain('Payment successful').and.contain(detail.reference).and.contain(detail.transactionId!);
    expect(el.shadowRoot!.activeElement?.textContent).to.contain('Payment successful');
    await expect(el).to.be.accessible();
    const commits = await sandboxCalls('commit');
    expect(commits.map((c) => c.reference)).to.deep.equal([detail.reference]);
  });

  it('pays a custom amount between the oldest bill and all dues, and refuses one outside', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    const custom = $$(el, 'input[type=radio]').at(-1) as HTMLInputElement;
    custom.click();
    await el.updateComplete;
    const input = $<HTMLInputElement>(el, '#custom-amount')!;
    type(input, '150');
    await el.updateComplete;
    expect($(el, '#custom-error')!.textContent).to.contain('200.00').and.contain('450.00');
    expect(button(el, 'Continue').disabled).to.equal(true);
    type(input, '320.50');
    await el.updateComplete;
    expect(button(el, 'Continue').disabled).to.equal(false);
    await toConfirm(el);
    expect(button(el, 'Pay').textContent).to.contain('320.50');
  });

  it('shows the service charge the proxy reports for dues above Rs 500', async () => {
    const el = await widget(customer('555', BHAKTAPUR, '001.01.555'));
    await lookUp(el);
    await toConfirm(el);
    const text = $(el, 'dl')!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('1,250.00').and.contain('10.00').and.contain('1,260.00');
    const pay = button(el, 'Pay');
    setTimeout(() => pay.click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail).to.include({ amountPaisa: 125000, serviceChargePaisa: 1000, totalPaisa: 126000 });
  });

  it('disables the pay button while paying, so a double click pays once', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    await toConfirm(el);
    await arm('commit', 'latency', 300);
    const pay = button(el, 'Pay');
    pay.click();
    pay.click();
    await el.updateComplete;
    expect(button(el, 'Pay').disabled).to.equal(true);
    expect(el.hasAttribute('loading')).to.equal(true);
    expect($(el, '[role=status]')!.textContent).to.contain('Paying');
    await oneEvent(el, 'pay-success');
    expect(await sandboxCalls('commit')).to.have.length(1);
  });

  it('shows a hanging commit as pending, fires pay-pending, and settles it by polling the status', async () => {
    const el = await widget(customer('902'));
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const pending = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    expect(pending.detail.reference).to.match(/^[A-Za-z0-9]{32}$/);
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('pending');
    expect(el.shadowRoot!.textContent).to.contain('pending verification').and.contain('Do not pay again');
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail.reference).to.equal(pending.detail.reference);
    expect(await sandboxCalls('commit')).to.have.length(1);
  });

  it('after a reload, resumes a pending payment instead of offering to pay again', async () => {
    const first = await widget(customer('902'));
    await lookUp(first);
    await toConfirm(first);
    setTimeout(() => button(first, 'Pay').click());
    const pending = (await oneEvent(first, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    first.remove();
    const reloaded = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>`);
    expect(reloaded.getAttribute('step')).to.equal('pending', 'checking that payment, not asking again');
    expect($$(reloaded, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Check status now']);
    await until(reloaded, () => reloaded.getAttribute('step') === 'done', 'settled');
    expect($(reloaded, '[part=receipt]')!.textContent).to.contain(pending.detail.reference).and.contain('Hanging Commit');
    expect(await sandboxCalls('commit')).to.have.length(1);
    const third = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>`);
    expect(third.getAttribute('step')).to.equal('lookup', 'an outcome once shown is not resumed again');
  });

  it('after a reload in the middle of paying, shows that payment\'s outcome and pays once', async () => {
    const first = await widget(SEED);
    await lookUp(first);
    await toConfirm(first);
    await arm('commit', 'latency', 300);
    button(first, 'Pay').click();
    await until(first, () => first.hasAttribute('loading'), 'paying');
    first.remove();
    // The resends meet the first send still in flight: their back-off (1 s, 2 s, 3 s) runs at a quarter.
    const reloaded = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock(0.25)}></nea-pay>`);
    const { detail } = (await oneEvent(reloaded, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail.amountPaisa).to.equal(45000);
    await reloaded.updateComplete;
    expect(reloaded.getAttribute('step')).to.equal('done');
    expect(await sandboxCalls('commit')).to.have.length(1);
  });

  it('keeps checking a pending payment after the element is moved in the page', async () => {
    const clock = manualClock();
    const el = await widget(customer('902'), clock);
    await lookUp(el);
    await toConfirm(el);
    const successes: string[] = [];
    el.addEventListener('pay-success', (e) => successes.push(e.detail.reference));
    setTimeout(() => button(el, 'Pay').click());
    const pending = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    await until(el, () => clock.waiting === 1, 'waiting to check the status');
    const elsewhere = document.createElement('div');
    document.body.append(elsewhere);
    elsewhere.append(el);
    expect(clock.waiting).to.equal(1, 'the move ended the old wait and started a new one');
    clock.tick();
    await until(el, () => el.getAttribute('step') === 'done', 'settled by the status check');
    expect(successes).to.deep.equal([pending.detail.reference]);
    elsewhere.remove();
  });

  it('after a reload, resumes a payment only in the widget that made it (two widgets of one service)', async () => {
    const page = () =>
      fixture<HTMLDivElement>(html`<div>
        <nea-pay id="home" endpoint="/api" office-code=${SEED.office!} sc-no="024.12.902" consumer-id="902" .clock=${fastClock()}></nea-pay>
        <nea-pay id="shop" endpoint="/api" .clock=${fastClock()}></nea-pay>
      </div>`);
    const pick = (root: HTMLElement, id: string) => root.querySelector<NeaPay>(`#${id}`)!;
    const before = await page();
    const home = pick(before, 'home');
    await until(home, () => $$(home, '[role=option]').length > 1, 'counters loaded');
    await lookUp(home);
    await toConfirm(home);
    setTimeout(() => button(home, 'Pay').click());
    await oneEvent(home, 'pay-pending');
    before.remove();
    const successes: string[] = [];
    const count = (e: Event) => successes.push((e.target as Element).id);
    document.addEventListener('pay-success', count);
    try {
      const after = await page();
      const [again, other] = [pick(after, 'home'), pick(after, 'shop')];
      // Resumed in the widget that made it (pending, or already done on a slow machine), not in the other one.
      expect(['pending', 'done']).to.include(again.getAttribute('step'));
      expect(other.getAttribute('step')).to.equal('lookup');
      await until(again, () => again.getAttribute('step') === 'done', 'settled');
      expect(other.getAttribute('step')).to.equal('lookup');
      expect(successes).to.deep.equal(['home']);
    } finally {
      document.removeEventListener('pay-success', count);
    }
  });

  it('never resumes one payment in two unnamed widgets of one service', async () => {
    const first = await widget(customer('902'));
    await lookUp(first);
    await toConfirm(first);
    setTimeout(() => button(first, 'Pay').click());
    await oneEvent(first, 'pay-pending');
    first.remove();
    const after = await fixture<HTMLDivElement>(html`<div>
      <nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>
      <nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>
    </div>`);
    const widgets = [...after.querySelectorAll('nea-pay')];
    expect(widgets.map((w) => w.getAttribute('step'))).to.deep.equal(['pending', 'lookup']);
    await until(widgets[0]!, () => widgets[0]!.getAttribute('step') === 'done', 'settled');
    expect(widgets[1]!.getAttribute('step')).to.equal('lookup');
  });

  it('reports a refused payment with pay-error, the biller reason and no blind retry', async () => {
    const el = await widget(customer('222', BHAKTAPUR, '001.01.222'));
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ service: 'nea', code: 'PAYMENT_REJECTED', retryable: false });
    // Paid from the balance (the default method): the refused payment's money went back, and it says so.
    expect(detail.message).to.match(/^The biller refused this payment; Rs\s300\.00 was refunded to your balance\.$/);
    expect(detail.funding).to.deep.equal({ method: 'host', state: 'refunded' });
    expect(detail.reference).to.match(/^[A-Za-z0-9]{32}$/);
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('failed');
    const alert = $(el, '[role=alert]')!;
    expect(alert.textContent).to.contain('Multiple payment not allowed same day');
    expect($$(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Start over']);
    expect(await sandboxCalls('commit')).to.have.length(1);
  });

  it('announces an unknown customer without leaving the lookup step', async () => {
    const el = await widget(customer('9999', '201:ratnapark-dc', '999.99.999'));
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('lookup');
    const alert = $(el, '[role=alert]')!;
    expect(alert.textContent).to.contain('could not find this account').and.contain('Consumer not found');
    expect(alert.querySelector('button')).to.equal(null);
  });

  it('offers a retry when the lookup failed upstream, and the retry succeeds', async () => {
    await arm('details', 'http500');
    const el = await widget(SEED);
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('lookup');
    expect($(el, '[role=alert]')!.textContent).to.contain('could not be reached');
    button(el, 'Try again').click();
    await until(el, () => el.getAttribute('step') === 'choose', 'retried lookup');
  });

  it('retries a lookup that timed out when the customer asks', async () => {
    await arm('details', 'hang');
    const el = await widget(SEED);
    await lookUp(el);
    expect($(el, '[role=alert]')!.textContent).to.contain('took too long');
    button(el, 'Try again').click();
    await until(el, () => el.getAttribute('step') === 'choose', 'retried lookup');
  });

  it('cancels a slow lookup and stays ready to look up again', async () => {
    const el = await widget(SEED);
    await arm('details', 'hang');
    button(el, 'Look up').click();
    await until(el, () => el.hasAttribute('loading'), 'loading');
    expect($(el, '[role=status]')!.textContent).to.contain('Looking up');
    button(el, 'Cancel').click();
    await el.updateComplete;
    expect(el.hasAttribute('loading')).to.equal(false);
    expect(el.getAttribute('step')).to.equal('lookup');
    expect($(el, '[role=alert]')).to.equal(null);
  });

  it('says so when there is nothing to pay', async () => {
    const el = await widget(customer('700'));
    await lookUp(el);
    expect(el.shadowRoot!.textContent).to.contain('no dues');
    expect($$(el, 'input[type=radio]')).to.have.length(0);
  });

  it('speaks Nepali with Devanagari amounts', async () => {
    const el = await widget(SEED);
    el.locale = 'ne';
    await until(el, () => $(el, 'h2')?.textContent?.includes('बिल भुक्तानी') ?? false, 'Nepali loaded');
    expect($(el, 'label[for=sc-no]')!.textContent).to.equal('एससी नं.');
    await lookUp(el);
    expect($(el, 'tbody')!.textContent).to.contain('२५०.००');
    const choices = $$(el, 'label.choice').map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
    expect(choices[0]).to.contain('सबैभन्दा पुरानो बिल');
    expect(choices[1]).to.contain('पुराना २ बिल');
    // The biller's month names and statuses, known values, in Nepali too.
    expect(el.shadowRoot!.textContent).to.contain('२०७३ माघ').and.contain('-२५% जरिवाना').and.contain('सामान्य');
  });

  it('shows an unreadable proxy answer as an error, not a crash', async () => {
    const el = await fixture<NeaPay>(html`<nea-pay endpoint="/sandbox"></nea-pay>`);
    await until(el, () => $(el, '[role=alert]') !== null, 'error shown');
    expect($(el, '[role=alert]')!.textContent).to.contain('could not read');
    expect(button(el, 'Try again')).to.exist;
  });

  it('fires no events when the host sets properties', async () => {
    const el = await widget(SEED);
    const seen: string[] = [];
    for (const name of ['pay-success', 'pay-error', 'pay-pending', 'pay-step']) el.addEventListener(name, () => seen.push(name));
    el.locale = 'ne';
    el.theme = 'dark';
    el.officeCode = BHAKTAPUR;
    el.scNo = '001.01.555';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(seen).to.deep.equal([]);
  });

  it('bubbles its events out of the shadow root to the page', async () => {
    const el = await widget(SEED);
    const seen: string[] = [];
    document.body.addEventListener('pay-step', (e) => seen.push(e.detail.step));
    await lookUp(el);
    expect(seen).to.include('choose');
  });
});
