/**
 * Issue 12 item 9, wording and small faults: no "Another amount" when there is only one amount, Dreamer's
 * bills step says what it is and shows the name without the code, Dish Home labels the customer as the
 * other steps do and explains "bonus", the focus ring clears the hint above a field, and amounts say "Rs".
 * Item 2 in the widget alone: a narrow widget shows the bills as stacked rows, inside its card.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { DishhomeRecharge } from '../../src/dishhome-recharge.js';
import type { DreamerPay } from '../../src/dreamer-pay.js';
import { $, $$, SEED, customer, fastClock, lookUp, resetSandbox, toConfirm, until, widget } from './helpers.js';
import '../../src/index.js';

const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('wording and small faults (issue 12 item 9)', () => {
  beforeEach(resetSandbox);

  it('offers no "Another amount" when the least and the most payable are the same', async () => {
    const el = await widget(customer('555', '245:bhaktapur-dc', '001.01.555'));
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect(text($(el, 'fieldset'))).not.to.contain('Another amount');
    expect($$(el, 'input[type=radio]')).to.have.length(1);
    await expect(el).to.be.accessible();
    const seed = await widget(SEED);
    await lookUp(seed);
    expect(text($(seed, 'fieldset'))).to.contain('Another amount');
  });

  it("Dreamer's bills step is not 'Choose the amount', and the name is not repeated beside the code", async () => {
    const el = await fixture<DreamerPay>(html`<dreamer-pay endpoint="/api" customer-code="01-2" .clock=${fastClock()}></dreamer-pay>`);
    await until(el, () => !$<HTMLButtonElement>(el, 'button[type=submit]')!.disabled, 'services loaded');
    await lookUp(el);
    expect(text($(el, 'h3'))).to.equal('Your due bills');
    expect($$(el, 'dd').map(text)).to.include.members(['Maya Tamang', '01-2']).and.not.include('01-2 Maya Tamang');
    await expect(el).to.be.accessible();
  });

  it('Dish Home labels its customer "Customer ID" on every step (the value is the ID) and explains the bonus', async () => {
    const el = await fixture<DishhomeRecharge>(
      html`<dishhome-recharge endpoint="/api" customer-id="1111" .clock=${fastClock()}></dishhome-recharge>`,
    );
    await lookUp(el);
    expect($$(el, 'dt').map(text)).to.include('Customer ID').and.not.include('Customer');
    expect(text(el.shadowRoot!.querySelector('form'))).to.contain('Bonus: extra balance Dish Home adds');
    // The biller's descriptions that only repeat the option ("3 Months", "Regular") are not shown twice.
    expect(text($$(el, 'label.choice')[1]!)).to.equal('3 months: Rs 1,200.00 (bonus Rs 400.00)');
    $$(el, 'input[type=radio]')[0]!.click();
    await el.updateComplete;
    await toConfirm(el);
    expect($$(el, 'dt').map(text)).to.include('Customer ID').and.not.include('Customer');
  });

  it("Dish Home keeps the biller's own package description (on the option and the receipt)", async () => {
    const real = window.fetch;
    // The sandbox's descriptions only repeat the duration: the biller's lookup answer gets a real one.
    window.fetch = async (input, init) => {
      const response = await real(input, init);
      if (!String(input).endsWith('/dishhome/lookup')) return response;
      const body = (await response.json()) as { data: { response: { packages: { months: number; description: string }[] } } };
      for (const p of body.data.response.packages) if (p.months === 3) p.description = 'Dashain Combo 3 Months';
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    try {
      const el = await fixture<DishhomeRecharge>(html`<dishhome-recharge endpoint="/api" customer-id="1111" .clock=${fastClock()}></dishhome-recharge>`);
      await lookUp(el);
      const option = $$(el, 'label.choice').find((l) => text(l).includes('Dashain Combo 3 Months'))!;
      expect(text(option)).to.equal('Dashain Combo 3 Months 3 months: Rs 1,200.00 (bonus Rs 400.00)');
      expect(text($$(el, 'label.choice')[0]!)).to.equal('1 month: Rs 400.00');
      option.querySelector('input')!.click();
      await el.updateComplete;
      await toConfirm(el);
      $<HTMLButtonElement>(el, '[part~=pay-button]')!.click();
      await until(el, () => el.getAttribute('step') === 'done', 'recharged');
      expect(text($(el, '[part=receipt]'))).to.contain('Dashain Combo 3 Months (3 months)');
      await expect(el).to.be.accessible();
    } finally {
      window.fetch = real;
    }
  });

  it('keeps the focus ring (3 px + 2 px offset) clear of the hint above each field', async () => {
    const el = await widget(SEED);
    for (const id of ['counter', 'sc-no', 'consumer-id']) {
      const input = $<HTMLInputElement>(el, `#${id}`)!;
      const hint = $(el, `#${id}-hint`)!;
      const gap = input.getBoundingClientRect().top - hint.getBoundingClientRect().bottom;
      expect(gap, id).to.be.at.least(5);
    }
  });

  it('says "Rs" in English', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    expect(text($(el, 'fieldset')))
      .to.contain('Oldest bill: Rs 200.00')
      .and.not.contain('NPR');
  });
});

describe('a narrow widget (issue 12 item 2)', () => {
  beforeEach(resetSandbox);

  it('stacks the bills in rows inside its card, by its own width (a container query), and stays accessible', async () => {
    const narrow = await fixture<DreamerPay>(
      html`<div style="width: 300px">
        <dreamer-pay endpoint="/api" customer-code="01-2" .clock=${fastClock()}></dreamer-pay>
      </div>`,
    );
    const el = narrow.querySelector('dreamer-pay')!;
    await until(el, () => !$<HTMLButtonElement>(el, 'button[type=submit]')!.disabled, 'services loaded');
    await lookUp(el);
    const card = $(el, '[part=base]')!;
    expect(card.scrollWidth).to.be.at.most(card.clientWidth);
    expect(getComputedStyle($(el, 'tbody tr')!).display).to.equal('block');
    expect(getComputedStyle($(el, 'td')!, '::before').content).to.equal('"Bill of"');
    await expect(el).to.be.accessible();
    // The same widget at its full width keeps the table.
    narrow.style.width = '40rem';
    await new Promise(requestAnimationFrame);
    expect(getComputedStyle($(el, 'tbody tr')!).display).to.equal('table-row');
  });
});
