import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { NeaPay } from '../../src/nea-pay.js';
import type { PayErrorDetail, PayPendingDetail, PaySuccessDetail } from '../../src/internal/events.js';
import { $, $$, SEED, button, fastClock, lookUp, resetSandbox, toConfirm, type, until, widget } from './helpers.js';

/** NEA's second generation at a migrated counter (sandbox fixtures: README "Test customers (NEA v2)"). */
const BALAJU = '245:balaju-dc';
const KALANKI = '236:kalanki-dc';

interface Call {
  step: string;
  service?: string;
  body?: Record<string, unknown>;
}
const calls = async (step: string): Promise<Call[]> => {
  const { calls: all } = (await (await fetch('/sandbox/_sandbox/calls')).json()) as { calls: Call[] };
  return all.filter((c) => c.step === step && c.service === 'nea-v2');
};

/** A widget at a migrated counter, prefilled with the new number or the old ones, counters loaded. */
async function v2Widget(prefill: { office?: string; no?: string; sc?: string; id?: string }): Promise<NeaPay> {
  const el = await fixture<NeaPay>(
    html`<nea-pay
      endpoint="/api"
      office-code=${prefill.office ?? BALAJU}
      consumer-no=${prefill.no ?? ''}
      sc-no=${prefill.sc ?? ''}
      consumer-id=${prefill.id ?? ''}
      .clock=${fastClock()}
    ></nea-pay>`,
  );
  await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
  // A migrated counter's forms come with the steps' chunk (a skeleton holds their place until then: lazy.test.ts).
  await until(el, () => el.steps !== null && $(el, 'form .skeleton') === null, 'steps loaded');
  return el;
}

const text = (el: Element | null) => el!.textContent!.replace(/\s+/g, ' ').trim();
/** The receipt's lines as "label: value". */
const receipt = (el: NeaPay) => $$(el, '[part=receipt] dt').map((dt) => `${text(dt)}: ${text(dt.nextElementSibling)}`);

async function pay(el: NeaPay): Promise<PaySuccessDetail> {
  await toConfirm(el);
  setTimeout(() => button(el, 'Pay').click());
  const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
  await el.updateComplete;
  return detail;
}

describe('<nea-pay> at a counter migrated to NEA v2', () => {
  beforeEach(resetSandbox);

  it('asks for the new consumer number at a migrated counter, and keeps the SC No form at the others', async () => {
    const el = await v2Widget({});
    expect($(el, 'label[for=consumer-no]')!.textContent).to.equal('Consumer number');
    expect($(el, '#sc-no')).to.equal(null);
    expect(text($(el, '.note'))).to.contain('new billing');
    expect(button(el, 'I only know my old SC No and consumer ID').type).to.equal('button');
    await expect(el).to.be.accessible();
    // Another counter (still v1): the seed's form exactly, no toggle.
    const combo = $<HTMLInputElement>(el, '#counter')!;
    type(combo, 'ratnapark');
    await el.updateComplete;
    $$(el, '[role=option]')[0]!.click();
    await el.updateComplete;
    expect(el.officeCode).to.equal('201:ratnapark-dc');
    expect($(el, '#consumer-no')).to.equal(null);
    expect($$(el, 'label').map((l) => l.textContent!.trim())).to.deep.equal(['NEA counter', 'SC No', 'Consumer ID']);
    expect($$(el, 'button.link')).to.have.length(0);
  });

  it('switches to the old numbers and back, focusing the first field', async () => {
    const el = await v2Widget({});
    button(el, 'I only know my old SC No').click();
    await until(el, () => $(el, '#sc-no') !== null, 'old-numbers form');
    expect(el.shadowRoot!.activeElement?.id).to.equal('sc-no');
    expect($(el, '#consumer-no')).to.equal(null);
    expect(text($(el, '.note'))).to.contain('we find your new consumer number');
    button(el, 'I have the new consumer number').click();
    await until(el, () => $(el, '#consumer-no') !== null, 'consumer-number form');
    expect(el.shadowRoot!.activeElement?.id).to.equal('consumer-no');
  });

  it('pays by the new consumer number: the bills in paisa, the v2 rule, the bills paid on the receipt, generation v2', async () => {
    const el = await v2Widget({ no: '1001595737' });
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect(text($(el, 'dl'))).to.contain('DIPESH KHATRI').and.contain('Consumer number').and.contain('1001595737');
    const rows = $$(el, 'tbody tr').map(text);
    expect(rows).to.have.length(2);
    expect(rows[0]).to.contain('2082-09').and.contain('1,232.75');
    expect(rows[1]).to.contain('2082-10').and.contain('642.08');
    expect(text($(el, '#rule'))).to.contain('at least Rs 1,232.75').and.contain('more than all dues (Rs 1,874.83)').and.contain('100,000.00');
    const choices = $$(el, 'label.choice').map(text);
    expect(choices[0]).to.contain('Oldest bill:').and.contain('1,232.75');
    expect(choices[1]).to.contain('Oldest 2 bills').and.contain('1,874.83');
    expect($(el, '[role=note]')).to.equal(null, 'no new-number message for a customer who gave it');
    const detail = await pay(el);
    expect(detail).to.include({ service: 'nea', generation: 'v2', amountPaisa: 187483 });
    expect(receipt(el)).to.include.members(['NEA counter: BALAJU', 'Consumer number: 1001595737', 'Bills paid: 2082-09, 2082-10']);
    expect(receipt(el).some((l) => l.startsWith('Paid in advance'))).to.equal(false);
    await expect(el).to.be.accessible();
    const [commit] = await calls('commit');
    expect(commit!.body).to.include({ amount: '1874.83', bill_id: '676683371,676754676' });
  });

  it('finds the new number from the old ones, tells the customer to keep it, and pays', async () => {
    const el = await v2Widget({ sc: '216.29.013A1', id: '21907' });
    expect($(el, '#sc-no'), 'old numbers prefilled: the old-numbers form').to.exist;
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect(text($(el, '[role=note]'))).to.equal('Your new consumer number is 1001613602: keep it for next time.');
    const [info] = await calls('userinfo');
    expect(info!.body).to.include({ sc_no: '216.29.013A1', old_consumer_id: '21907', org_name: 'balaju' });
    const detail = await pay(el);
    expect(detail).to.include({ generation: 'v2', amountPaisa: 131250 });
    expect(receipt(el)).to.include.members(['Consumer number: 1001613602', 'Bills paid: 2082-10']);
  });

  it('takes a payment in advance when nothing is due (no bill_id sent)', async () => {
    const el = await v2Widget({ no: '1001595738' });
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect($(el, 'table')).to.equal(null);
    expect($$(el, 'input[type=radio]')).to.have.length(0);
    expect(text($(el, '#rule'))).to.contain('Nothing is due now').and.contain('Rs 1.00').and.contain('100,000.00');
    expect($(el, 'label[for=custom-amount]')!.textContent).to.equal('Amount to pay in advance');
    expect(text($(el, 'dl'))).to.contain('RAJESWARI GIRI');
    expect(button(el, 'Continue').disabled).to.equal(true);
    type($<HTMLInputElement>(el, '#custom-amount')!, '500');
    await el.updateComplete;
    const detail = await pay(el);
    expect(detail).to.include({ generation: 'v2', amountPaisa: 50000 });
    expect(receipt(el)).to.include('Paid in advance: Rs 500.00');
    expect(receipt(el).some((l) => l.startsWith('Bills paid'))).to.equal(false);
    const [commit] = await calls('commit');
    expect(commit!.body).to.include({ amount: '500' }).and.not.have.property('bill_id');
  });

  it('accepts more than all dues: both bills paid, the rest in advance', async () => {
    const el = await v2Widget({ no: '1001595737' });
    await lookUp(el);
    ($$(el, 'input[type=radio]').at(-1) as HTMLInputElement).click();
    await el.updateComplete;
    type($<HTMLInputElement>(el, '#custom-amount')!, '2000');
    await el.updateComplete;
    expect($(el, '#custom-error')!.textContent).to.equal('');
    const detail = await pay(el);
    expect(detail.amountPaisa).to.equal(200000);
    expect(receipt(el)).to.include.members(['Bills paid: 2082-09, 2082-10', 'Paid in advance: Rs 125.17']);
  });

  it('validates the consumer number and the amount before any request', async () => {
    const el = await v2Widget({ no: '10015x' });
    button(el, 'Look up').click();
    await el.updateComplete;
    expect($(el, '#consumer-no-error')!.textContent).to.equal('Enter the consumer number in digits');
    expect(el.shadowRoot!.activeElement?.id).to.equal('consumer-no');
    type($<HTMLInputElement>(el, '#consumer-no')!, '');
    button(el, 'Look up').click();
    await el.updateComplete;
    expect($(el, '#consumer-no-error')!.textContent).to.equal('Required');
    expect(await calls('details')).to.have.length(0);
    type($<HTMLInputElement>(el, '#consumer-no')!, '1001595737');
    await lookUp(el);
    ($$(el, 'input[type=radio]').at(-1) as HTMLInputElement).click();
    await el.updateComplete;
    const input = $<HTMLInputElement>(el, '#custom-amount')!;
    for (const below of ['1232.74', '100000.01', '12.345']) {
      type(input, below);
      await el.updateComplete;
      expect($(el, '#custom-error')!.textContent, below).to.contain('1,232.75').and.contain('100,000.00');
      expect(button(el, 'Continue').disabled, below).to.equal(true);
    }
    type(input, '1232.75');
    await el.updateComplete;
    expect(button(el, 'Continue').disabled).to.equal(false);
  });

  it('tells an unknown new number apart without leaving the lookup step', async () => {
    const el = await v2Widget({ no: '1009999999' });
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('lookup');
    expect($(el, '[role=alert]')!.textContent).to.contain('could not find this account').and.contain('Consumer not found');
  });

  it('says which generation a refused payment used', async () => {
    const el = await v2Widget({ office: KALANKI, no: '1001600922' });
    await lookUp(el);
    await toConfirm(el);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-error')) as CustomEvent<PayErrorDetail>;
    expect(detail).to.include({ code: 'PAYMENT_REJECTED', generation: 'v2' });
  });

  it('after a reload, settles a pending v2 payment and still says v2; the receipt leaves out what the empty form does not know', async () => {
    const first = await v2Widget({ office: KALANKI, no: '1001600902' });
    await lookUp(first);
    await toConfirm(first);
    setTimeout(() => button(first, 'Pay').click());
    const pending = (await oneEvent(first, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    expect(pending.detail).to.include({ generation: 'v2', amountPaisa: 41160 });
    first.remove();
    const reloaded = await fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>`);
    const { detail } = (await oneEvent(reloaded, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail).to.include({ reference: pending.detail.reference, generation: 'v2' });
    await reloaded.updateComplete;
    const lines = receipt(reloaded);
    expect(lines.some((l) => l.endsWith(': '))).to.equal(false, lines.join(' | '));
    expect(lines.some((l) => l.startsWith('Consumer number'))).to.equal(false);
  });

  for (const theme of ['light', 'dark', 'olive', 'purple', 'vector', 'grey'] as const) {
    it(`${theme}: the migrated counter's form and the new-number message are accessible`, async () => {
      const el = await v2Widget({ sc: '216.29.013A1', id: '21907' });
      el.theme = theme;
      await el.updateComplete;
      await expect(el).to.be.accessible();
      await lookUp(el);
      expect($(el, '[role=note]')).to.exist;
      await expect(el).to.be.accessible();
    });
  }

  it('tells v1 in the events at a counter not migrated', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    const detail = await pay(el);
    expect(detail).to.include({ generation: 'v1', amountPaisa: 45000 });
    expect(receipt(el)).to.include.members(['SC No: 024.12.512', 'Consumer ID: 3042']);
  });

  it('speaks Nepali: the forms, the new-number message, the advance rule', async () => {
    const el = await v2Widget({ sc: '216.29.013A1', id: '21907' });
    el.locale = 'ne';
    await until(el, () => $(el, 'h2')?.textContent?.includes('बिल भुक्तानी') ?? false, 'Nepali loaded');
    expect(text($(el, '.note'))).to.contain('नयाँ ग्राहक नम्बर');
    expect(text($(el, 'button.link'))).to.equal('मसँग नयाँ ग्राहक नम्बर छ');
    await lookUp(el);
    expect(text($(el, '[role=note]'))).to.equal('तपाईंको नयाँ ग्राहक नम्बर 1001613602 हो: अर्को पटकका लागि राख्नुहोस्।');
    expect(text($(el, '#rule'))).to.contain('बढी रकम अग्रिममा गनिन्छ').and.contain('१,३१२.५०');
    expect(text($(el, 'dl'))).to.contain('ग्राहक नम्बर');
    const advance = await v2Widget({ no: '1001595738' });
    advance.locale = 'ne';
    await until(advance, () => $(advance, 'h2')?.textContent?.includes('बिल भुक्तानी') ?? false, 'Nepali loaded');
    expect($(advance, 'label[for=consumer-no]')!.textContent).to.equal('ग्राहक नम्बर');
    expect(text($(advance, 'button.link'))).to.equal('मलाई पुरानो एससी नं. र ग्राहक आईडी मात्र थाहा छ');
    await lookUp(advance);
    expect(text($(advance, '#rule'))).to.contain('अग्रिम तिर्न सकिन्छ');
    expect($(advance, 'label[for=custom-amount]')!.textContent).to.equal('अग्रिम तिर्ने रकम');
  });
});
