import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { DishhomeRecharge } from '../../src/dishhome-recharge.js';
import type { DreamerPay } from '../../src/dreamer-pay.js';
import type { NeaPay } from '../../src/nea-pay.js';
import type { PaySuccessDetail } from '../../src/internal/events.js';
// The elements (the first load) provide what the steps' modules take from the kit (internal/kit.ts): before them.
import '../../src/index.js';
import { billerText } from '../../src/internal/format.js';
import { messages } from '../../src/internal/i18n.js';
import { latinDigits } from '../../src/internal/i18n.js';
import { formatNpr } from '../../src/money.js';
import { $, $$, SEED, fastClock, lookUp, resetSandbox, type, until } from './helpers.js';

const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Every text the widget shows, less the values that are the biller's or the customer's own. */
function ownText(el: Element, theirs: string[]): string {
  // The counter list is NEA's names.
  const clone = document.createElement('div');
  clone.append(...[...el.shadowRoot!.children].map((c) => c.cloneNode(true)));
  clone.querySelectorAll('[role=listbox]').forEach((l) => l.remove());
  let all = text(clone);
  // Longest first: a random reference may hold a shorter value (it once held the consumer ID, 3042), which taken out
  // first would cut it in two and leave its letters behind.
  for (const value of [...theirs].sort((a, b) => b.length - a.length)) all = all.split(value).join(' ');
  return all;
}

const ne = async <T extends HTMLElement>(el: T) => {
  await until(el as never, () => $(el, 'h2') !== null, 'Nepali loaded');
  return el;
};

describe('Nepali', () => {
  beforeEach(resetSandbox);

  // First in this file: the Nepali chunk is not loaded yet on this page.
  it('never paints English first: a skeleton until the Nepali chunk is here', async () => {
    const el = await fixture<NeaPay>(html`<nea-pay endpoint="/api" locale="ne" .clock=${fastClock()}></nea-pay>`);
    // The first render, before the chunk has arrived.
    expect($(el, 'h2')).to.equal(null);
    expect(text(el.shadowRoot as unknown as Element)).not.to.match(/[A-Za-z]/);
    expect($(el, '[part=base]')!.getAttribute('aria-busy')).to.equal('true');
    await ne(el);
    expect(text($(el, 'h2'))).to.contain('बिल भुक्तानी');
  });

  it('normalizes Devanagari digits before validation and before sending', () => {
    expect(latinDigits('०२४.१२.५१२')).to.equal('024.12.512');
    expect(latinDigits('३०४२')).to.equal('3042');
    expect(latinDigits('A-१2')).to.equal('A-12');
  });

  it('<nea-pay> takes SC No, consumer ID and amount in Devanagari digits, and says why a value is refused', async () => {
    const el = await ne(await fixture<NeaPay>(html`<nea-pay endpoint="/api" locale="ne" office-code=${SEED.office!} .clock=${fastClock()}></nea-pay>`));
    await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
    type($<HTMLInputElement>(el, '#sc-no')!, '०२४.१२.५१२');
    type($<HTMLInputElement>(el, '#consumer-id')!, '३०४x');
    $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
    await el.updateComplete;
    expect(text($(el, '#sc-no-error'))).to.equal('');
    expect(text($(el, '#consumer-id-error'))).to.equal(messages('ne').invalidConsumerId);
    type($<HTMLInputElement>(el, '#consumer-id')!, '३०४२');
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect(text($(el, 'dl'))).to.contain('Michael Jackson');

    // Another amount: रू ३०० typed in Devanagari digits is the amount 300.
    $$(el, 'label.choice input')[2]!.click();
    await el.updateComplete;
    type($<HTMLInputElement>(el, '#custom-amount')!, '३००');
    await until(el, () => $(el, '.preview[data-preview=ready]') !== null, 'charge previewed');
    expect($<HTMLButtonElement>(el, '.actions button[type=submit]')!.disabled).to.equal(false);
    expect(text($(el, '.preview'))).to.contain('रू ३००.००');
    type($<HTMLInputElement>(el, '#custom-amount')!, '५०');
    await el.updateComplete;
    expect(text($(el, '#custom-error'))).to.contain('रू २००.००').and.contain('रू ४५०.००');
    await expect(el).to.be.accessible();
  });

  it('<dreamer-pay> and <dishhome-recharge> take their codes in Devanagari digits', async () => {
    const dreamer = await ne(await fixture<DreamerPay>(html`<dreamer-pay endpoint="/api" locale="ne" .clock=${fastClock()}></dreamer-pay>`));
    await until(dreamer, () => !dreamer.hasAttribute('loading'), 'services loaded');
    type($<HTMLInputElement>(dreamer, '#customer-code')!, '०१-१');
    await lookUp(dreamer);
    expect(dreamer.getAttribute('step')).to.equal('choose');

    const dish = await ne(await fixture<DishhomeRecharge>(html`<dishhome-recharge endpoint="/api" locale="ne" .clock=${fastClock()}></dishhome-recharge>`));
    type($<HTMLInputElement>(dish, '#customer-id')!, '११११');
    await lookUp(dish);
    expect(dish.getAttribute('step')).to.equal('choose');
    // The biller's status, a known value, in Nepali; its package name stays as it came.
    expect(text(dish.shadowRoot as unknown as Element)).to.contain('प्रिपेड चालु').and.contain('Basic Package');
  });

  it('shows रू, not NPR, and no English of its own at any step; the receipt has the date in Bikram Sambat', async () => {
    const el = await ne(await fixture<NeaPay>(
      html`<nea-pay endpoint="/api" locale="ne" office-code=${SEED.office!} sc-no=${SEED.sc} consumer-id=${SEED.id} .clock=${fastClock()}></nea-pay>`,
    ));
    await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
    // Prefills and examples are the customer's numbers; the counter's name is NEA's.
    const theirs = ['RATNAPARK DC', '024.12.512', '3042', '01-1', 'Michael Jackson'];
    expect(ownText(el, theirs)).not.to.match(/[A-Za-z]{2,}/);
    await lookUp(el);
    expect(ownText(el, theirs)).not.to.match(/[A-Za-z]{2,}/);
    expect(text(el.shadowRoot as unknown as Element)).to.contain('रू ४५०.००').and.not.contain('NPR');
    $<HTMLButtonElement>(el, '.actions button[type=submit]')!.click();
    await until(el, () => el.getAttribute('step') === 'confirm', 'priced');
    expect(ownText(el, theirs)).not.to.match(/[A-Za-z]{2,}/);
    setTimeout(() => $<HTMLButtonElement>(el, '[part~=pay-button]')!.click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    await el.updateComplete;
    const receipt = $(el, '[part=receipt]')!;
    const reference = text($(el, '.reference code'));
    expect(reference).to.equal(detail.reference);
    expect(ownText(el, [...theirs, reference])).not.to.match(/[A-Za-z]{2,}/);
    const when = [...receipt.querySelectorAll('dl.when dt, dl.when dd')].map(text);
    expect(when[0]).to.equal('मिति र समय');
    expect(when[1]).to.match(/[०-९]/).and.not.match(/[0-9]/);
    expect(when[2]).to.equal('मिति (विक्रम संवत्)');
    expect(when[3]).to.match(/^[०-९]{1,2} \S+ [०-९]{4}$/);
    await expect(el).to.be.accessible();
  });

  it('<dreamer-pay> and <dishhome-recharge> show no English of their own from lookup to receipt', async () => {
    const payIn = async (el: HTMLElement, theirs: () => string[]) => {
      expect(ownText(el, theirs())).not.to.match(/[A-Za-z]{2,}/);
      $<HTMLButtonElement>(el, '.actions button[type=submit]')!.click();
      await until(el as never, () => el.getAttribute('step') === 'confirm', 'priced');
      expect(ownText(el, theirs())).not.to.match(/[A-Za-z]{2,}/);
      setTimeout(() => $<HTMLButtonElement>(el, '[part~=pay-button]')!.click());
      await oneEvent(el, 'pay-success');
      await (el as unknown as DreamerPay).updateComplete;
      const reference = text($(el, '.reference code'));
      expect(ownText(el, [...theirs(), reference])).not.to.match(/[A-Za-z]{2,}/);
      expect(text(el.shadowRoot as unknown as Element)).to.contain('रू').and.not.contain('NPR');
    };
    // The customer's name and the biller's facts are theirs: shown as they came.
    const facts = (el: HTMLElement) => [
      ...$$(el, 'dd').map((dd) => text(dd)).filter((v) => /[A-Za-z]/.test(v) && !/रू/.test(v)),
    ];
    const dreamer = await ne(await fixture<DreamerPay>(html`<dreamer-pay endpoint="/api" locale="ne" customer-code="01-1" .clock=${fastClock()}></dreamer-pay>`));
    await until(dreamer, () => !dreamer.hasAttribute('loading'), 'services loaded');
    await lookUp(dreamer);
    const dreamerTheirs = [...facts(dreamer), 'Khamari Khola Electricity'];
    await payIn(dreamer, () => [...dreamerTheirs, ...facts(dreamer)]);

    const dish = await ne(await fixture<DishhomeRecharge>(html`<dishhome-recharge endpoint="/api" locale="ne" customer-id="1111" .clock=${fastClock()}></dishhome-recharge>`));
    await lookUp(dish);
    $$(dish, 'label.choice input')[0]!.click();
    await dish.updateComplete;
    const dishTheirs = facts(dish);
    await payIn(dish, () => [...dishTheirs, ...facts(dish)]);
  });

  it('gives the Bikram Sambat date of the day in Nepal, whatever the browser time zone', async () => {
    const { bikramSambat } = await import('../../src/internal/locales/ne.js');
    expect(bikramSambat('2026-12-02T08:00:00Z')).to.equal('१६ मंसिर २०८३');
    // 00:15 on 2 December in Kathmandu (UTC+5:45) is still 1 December in UTC.
    expect(bikramSambat('2026-12-01T18:30:00Z')).to.equal('१६ मंसिर २०८३');
    expect(bikramSambat('2026-12-01T18:00:00Z')).to.equal('१५ मंसिर २०८३');
  });

  it('maps the biller English it knows and shows any other as it came', () => {
    const m = messages('ne');
    expect(billerText(m, 'ne', 'Normal')).to.equal('सामान्य');
    expect(billerText(m, 'ne', '-25% Penalty')).to.equal('-२५% जरिवाना');
    expect(billerText(m, 'ne', '+5% Penalty')).to.equal('+५% जरिवाना');
    expect(billerText(m, 'ne', '2081 Kartik')).to.equal('२०८१ कात्तिक');
    expect(billerText(m, 'ne', '2078 BAISHAK')).to.equal('२०७८ वैशाख');
    expect(billerText(m, 'ne', 'Special Rate')).to.equal('Special Rate');
    expect(billerText(m, 'ne', '2081 Special')).to.equal('2081 Special');
    expect(billerText(messages('en'), 'en', '2081 Kartik')).to.equal('2081 Kartik');
    // A no-break space between the sign and the amount.
    expect(formatNpr(45000, 'ne')).to.equal('रू\u00a0४५०.००');
  });
});
