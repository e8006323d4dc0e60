import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { DishhomeRecharge } from '../../src/dishhome-recharge.js';
import type { PayErrorDetail, PayPendingDetail, PaySuccessDetail } from '../../src/internal/events.js';
import { $, $$, button, fastClock, lookUp, resetSandbox, sandboxCalls, toConfirm, type, until } from './helpers.js';

const mount = (id: string) => fixture<DishhomeRecharge>(html`<dishhome-recharge endpoint="/api" customer-id=${id} .clock=${fastClock()}></dishhome-recharge>`);
const choose = async (el: DishhomeRecharge, text: string) => {
  const label = $$(el, 'label.choice').find((l) => l.textContent!.replace(/\s+/g, ' ').includes(text));
  if (!label) throw new Error(`no package "${text}"`);
  label.querySelector('input')!.click();
  await el.updateComplete;
};

describe('<dishhome-recharge>', () => {
  beforeEach(resetSandbox);

  it('validates the customer ID before any request, and is accessible', async () => {
    const el = await mount('');
    await expect(el).to.be.accessible();
    type($<HTMLInputElement>(el, '#customer-id')!, '7190-977');
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await el.updateComplete;
    expect($(el, '#customer-id-error')!.textContent).to.contain('digits');
    expect(el.shadowRoot!.activeElement?.id).to.equal('customer-id');
    expect(await sandboxCalls('details')).to.have.length(0);
  });

  it('shows the customer card and separates duration packages from regular top-ups', async () => {
    const el = await mount('1111');
    await lookUp(el);
    const card = $$(el, 'dl').map((d) => d.textContent!.replace(/\s+/g, ' ')).join(' ');
    expect(card).to.contain('Basic Package').and.contain('Prepaid On').and.contain('2037-11-28 11:15').and.contain('Surkhet');
    const legends = $$(el, 'legend').map((l) => l.textContent);
    expect(legends).to.deep.equal(['Packages', 'Top-ups']);
    const [durations, topUps] = $$(el, 'fieldset');
    expect(durations!.querySelectorAll('input[type=radio]')).to.have.length(4);
    expect(topUps!.querySelectorAll('input[type=radio]')).to.have.length(5);
    expect(durations!.textContent!.replace(/\s+/g, ' ')).to.contain('3 months: Rs 1,200.00').and.contain('bonus Rs 400.00');
    expect(button(el, 'Continue').disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('recharges the chosen package and shows the new expiry date', async () => {
    const el = await mount('1111');
    await lookUp(el);
    await choose(el, '3 months');
    await toConfirm(el);
    const recharge = button(el, 'Recharge');
    expect(recharge.textContent).to.contain('1,200.00');
    setTimeout(() => recharge.click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail).to.include({ service: 'dishhome', amountPaisa: 120000, serviceChargePaisa: 0, totalPaisa: 120000 });
    await el.updateComplete;
    const receipt = $(el, '[part=receipt]')!.textContent!.replace(/\s+/g, ' ');
    expect(receipt).to.contain('New expiry date').and.contain('2038-02-28 11:15').and.contain('Recharge again');
  });

  it('recharges a regular top-up', async () => {
    const el = await mount('71909771942');
    await lookUp(el);
    await choose(el, 'Rs 500.00');
    await toConfirm(el);
    setTimeout(() => button(el, 'Recharge').click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail.amountPaisa).to.equal(50000);
  });

  it('reports a refused recharge with the reason', async () => {
    const el = await mount('9000000005');
    await lookUp(el);
    await choose(el, '1 month:');
    await toConfirm(el);
    setTimeout(() => button(el, 'Recharge').click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ service: 'dishhome', code: 'PAYMENT_REJECTED', retryable: false });
    await el.updateComplete;
    expect($(el, '[role=alert]')!.textContent).to.contain('Customer is not eligible');
  });

  it('keeps a hanging recharge pending and never offers to pay again', async () => {
    const el = await mount('9000000002');
    await lookUp(el);
    await choose(el, '1 month:');
    await toConfirm(el);
    setTimeout(() => button(el, 'Recharge').click());
    const { detail } = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    await el.updateComplete;
    expect(el.getAttribute('step')).to.equal('pending');
    expect(el.shadowRoot!.textContent).to.contain(detail.reference);
    expect($$(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Check status now']);
    expect(await sandboxCalls('commit')).to.have.length(1);
  });

  it('speaks Nepali', async () => {
    const el = await mount('1111');
    el.locale = 'ne';
    await until(el, () => $(el, 'h2')?.textContent === 'डिस होम रिचार्ज', 'Nepali loaded');
    await lookUp(el);
    expect($$(el, 'legend').map((l) => l.textContent)).to.deep.equal(['प्याकेजहरू', 'टप-अप']);
    expect(el.shadowRoot!.textContent).to.contain('३ महिना');
  });
});
