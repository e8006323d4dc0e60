import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { DreamerPay } from '../../src/dreamer-pay.js';
import type { PayErrorDetail, PayPendingDetail, PaySuccessDetail } from '../../src/internal/events.js';
import { $, $$, button, fastClock, lookUp, resetSandbox, sandboxCalls, toConfirm, type, until } from './helpers.js';

async function dreamer(code: string, endpoint = '/api'): Promise<DreamerPay> {
  const el = await fixture<DreamerPay>(html`<dreamer-pay endpoint=${endpoint} customer-code=${code} .clock=${fastClock()}></dreamer-pay>`);
  await until(el, () => !el.hasAttribute('loading'), 'services loaded');
  return el;
}

describe('<dreamer-pay>', () => {
  beforeEach(resetSandbox);

  it('asks only for the customer code when one provider is enabled, and is accessible', async () => {
    const el = await dreamer('');
    expect($(el, 'select')).to.equal(null);
    expect($(el, 'label[for=customer-code]')!.textContent).to.contain('Customer code');
    await expect(el).to.be.accessible();
    type($<HTMLInputElement>(el, '#customer-code')!, '01 1!');
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await el.updateComplete;
    expect($(el, '#customer-code-error')!.textContent).to.contain('letters, digits and dashes');
    expect(el.getAttribute('step')).to.equal('lookup');
  });

  it('offers a labelled provider choice when the merchant enables several', async () => {
    const el = await dreamer('01-1', '/multi/api');
    const select = $<HTMLSelectElement>(el, 'select#service')!;
    expect($(el, 'label[for=service]')!.textContent).to.contain('Electricity provider');
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['—', 'Khamari Khola Electricity', 'Other Hydro']);
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await el.updateComplete;
    expect(select.getAttribute('aria-invalid')).to.equal('true');
    select.value = 'khamari-khola-electricity';
    select.dispatchEvent(new Event('change'));
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    await expect(el).to.be.accessible();
  });

  it('loads the providers again when the endpoint changes', async () => {
    const el = await dreamer('01-1');
    expect($(el, 'select')).to.equal(null);
    el.endpoint = '/multi/api';
    await until(el, () => $(el, 'select#service') !== null, 'the providers of the new endpoint');
    expect([...$<HTMLSelectElement>(el, 'select#service')!.options].map((o) => o.textContent)).to.deep.equal([
      '—',
      'Khamari Khola Electricity',
      'Other Hydro',
    ]);
  });

  it('pays the seed customer: bills with discount, the total payable, and the receipt number', async () => {
    const el = await dreamer('01-1');
    await lookUp(el);
    const row = $$(el, 'tbody tr')[0]!.textContent!.replace(/\s+/g, ' ');
    expect(row).to.contain('2078 Baishak').and.contain('200.00').and.contain('20.00').and.contain('180.00');
    expect(el.shadowRoot!.textContent).to.contain('Tole').and.contain('Bryan Hamal').and.not.contain('01-1 Bryan Hamal');
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail).to.include({ service: 'dreamer', amountPaisa: 18000, serviceChargePaisa: 0, totalPaisa: 18000 });
    await el.updateComplete;
    const receipt = $(el, '[part=receipt]')!.textContent!;
    expect(receipt).to.match(/Receipt no\.\s*\d+/);
    expect(receipt).to.contain('Khamari Khola Electricity');
  });

  it('shows several bills with penalties and pays them together', async () => {
    const el = await dreamer('01-2');
    await lookUp(el);
    expect($$(el, 'tbody tr')).to.have.length(3);
    expect(el.shadowRoot!.textContent).to.contain('1,497.00').and.contain('paid together');
    await toConfirm(el);
    expect(button(el, 'Pay').textContent).to.contain('1,497.00');
  });

  it('shows a hanging commit as pending, then the verified success', async () => {
    const el = await dreamer('09-2');
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const pending = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail.reference).to.equal(pending.detail.reference);
    expect(await sandboxCalls('commit')).to.have.length(1);
  });

  it('reports a refused payment with pay-error', async () => {
    const el = await dreamer('09-5');
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ service: 'dreamer', code: 'PAYMENT_REJECTED', retryable: false });
  });

  it('says so when there is nothing to pay', async () => {
    const el = await dreamer('01-3');
    await lookUp(el);
    expect(el.shadowRoot!.textContent).to.contain('no dues');
  });
});
