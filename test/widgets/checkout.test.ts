import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { DishhomeRecharge } from '../../src/dishhome-recharge.js';
import type { DreamerPay } from '../../src/dreamer-pay.js';
import type { PaySuccessDetail } from '../../src/internal/events.js';
// The elements (the first load) provide what the steps' modules take from the kit (internal/kit.ts): before them.
import '../../src/index.js';
import { PREVIEW_DEBOUNCE_MS } from '../../src/internal/checkout.js';
import { $, $$, SEED, button, customer, fastClock, lookUp, manualClock, resetSandbox, toConfirm, type, until, widget } from './helpers.js';

const BHAKTAPUR = '245:bhaktapur-dc';
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const preview = (el: Element) => $(el, '.preview');

/**
 * Records the proxy's /charge requests the page sends (their amount, and whether they were cancelled),
 * and holds each on the network until the test calls `release()`: a slow connection, without waiting.
 */
function watchCharges() {
  const original = window.fetch;
  const seen: { amount: number; signal: AbortSignal | null | undefined }[] = [];
  let release = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  window.fetch = async (input, init) => {
    if (!String(input).endsWith('/charge')) return original(input, init);
    seen.push({ amount: JSON.parse(String(init?.body)).amount_paisa, signal: init?.signal });
    await new Promise<void>((resolve, reject) => {
      void gate.then(resolve);
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
    return original(input, init);
  };
  return {
    seen,
    release() {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    restore: () => (window.fetch = original),
  };
}

/** The summary's terms and descriptions as "label: value" lines. */
const summary = (root: Element) =>
  [...root.querySelectorAll('dt')].map((dt) => `${text(dt)}: ${text(dt.nextElementSibling)}`);

async function pay(el: HTMLElement): Promise<PaySuccessDetail> {
  setTimeout(() => $<HTMLButtonElement>(el, '[part~=pay-button]')!.click());
  const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return detail;
}

describe('checkout: charge preview, confirm summary, receipt', () => {
  beforeEach(resetSandbox);

  it('previews the service charge and total of the chosen amount, after the customer stops choosing', async () => {
    const clock = manualClock();
    const el = await widget(customer('555', BHAKTAPUR, '001.01.555'), clock);
    await lookUp(el);
    // All dues are preselected: asked of the proxy once the debounce wait is over.
    expect(text(preview(el))).to.equal('Working out the service charge…');
    await until(el, () => clock.waiting === 1, 'debouncing');
    clock.tick();
    await until(el, () => preview(el)?.dataset.preview === 'ready', 'previewed');
    expect(text(preview(el))).to.equal('For Rs 1,250.00: service charge Rs 10.00, total Rs 1,260.00');
    await expect(el).to.be.accessible();
  });

  it('cancels stale previews: only the last amount typed is asked, and a request in flight is aborted', async () => {
    const clock = manualClock();
    const el = await widget(SEED, clock);
    await lookUp(el);
    await until(el, () => clock.waiting === 1, 'debouncing');
    const charges = watchCharges();
    try {
      $$(el, 'label.choice input')[2]!.click();
      await el.updateComplete;
      const input = $<HTMLInputElement>(el, '#custom-amount')!;
      for (const amount of ['3', '30', '300', '3000', '320']) {
        type(input, amount);
        await el.updateComplete;
      }
      // Each keystroke cut the wait before it short: one wait left, and nothing asked yet.
      await until(el, () => clock.waiting === 1, 'one debounce wait');
      expect(charges.seen).to.have.length(0);
      clock.tick();
      await until(el, () => charges.seen.length === 1, 'asked once');
      expect(charges.seen[0]!.amount).to.equal(32000);
      // Changed while that request is in flight: it is aborted, and its answer never shows.
      type(input, '330');
      await el.updateComplete;
      await until(el, () => charges.seen[0]!.signal!.aborted, 'stale request aborted');
      expect(preview(el)!.dataset.preview).to.equal('asking');
      await until(el, () => clock.waiting === 1, 'debouncing again');
      clock.tick();
      await until(el, () => charges.seen.length === 2, 'asked again');
      charges.release();
      await until(el, () => preview(el)?.dataset.preview === 'ready', 'previewed');
      expect(charges.seen.map((c) => c.amount)).to.deep.equal([32000, 33000]);
      expect(text(preview(el))).to.equal('Total: Rs 330.00');
      // An amount out of range is not asked about at all.
      type(input, '10');
      await el.updateComplete;
      expect(preview(el)).to.equal(null);
      expect(clock.waiting).to.equal(0);
    } finally {
      charges.restore();
    }
    expect(PREVIEW_DEBOUNCE_MS).to.be.greaterThan(0);
  });

  it('confirm step sums up the account, the bills covered, what stays due, amount and total (no zero charge)', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    $$(el, 'label.choice input')[0]!.click();
    await el.updateComplete;
    await toConfirm(el);
    const lines = summary(el.shadowRoot!.querySelector('dl')!);
    expect(lines).to.deep.equal([
      'Customer: Michael Jackson',
      'NEA counter: RATNAPARK DC',
      'SC No: 024.12.512',
      'Consumer ID: 3042',
      'Bills this pays: 2073 Magh',
      'Still due after this payment: Rs 250.00',
      'Amount: Rs 200.00',
      'Total: Rs 200.00',
    ]);
    expect(text(el.shadowRoot as unknown as Element)).not.to.contain('Service charge');
    await expect(el).to.be.accessible();
  });

  it('confirm step shows the charge where there is one', async () => {
    const el = await widget(customer('555', BHAKTAPUR, '001.01.555'));
    await lookUp(el);
    await toConfirm(el);
    const lines = summary(el.shadowRoot!.querySelector('dl')!);
    expect(lines).to.include('Service charge: Rs 10.00').and.include('Total: Rs 1,260.00').and.include('NEA counter: BHAKTAPUR DC');
  });

  it('Dish Home confirm step names the customer ID and the package', async () => {
    const el = await fixture<DishhomeRecharge>(html`<dishhome-recharge endpoint="/api" customer-id="1111" .clock=${fastClock()}></dishhome-recharge>`);
    await lookUp(el);
    $$(el, 'label.choice').find((l) => text(l).includes('3 months'))!.querySelector('input')!.click();
    await until(el, () => preview(el)?.dataset.preview === 'ready', 'previewed');
    expect(text(preview(el))).to.equal('Total: Rs 1,200.00');
    await toConfirm(el);
    const lines = summary(el.shadowRoot!.querySelector('dl')!);
    expect(lines).to.include('Customer ID: 1111').and.include('Package: 3 months').and.include('Total: Rs 1,200.00');
  });

  it('the receipt has the date, the account, what was paid, what stays due, and a copyable reference', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    $$(el, 'label.choice input')[0]!.click();
    await el.updateComplete;
    await toConfirm(el);
    const detail = await pay(el);
    const receipt = $(el, '[part=receipt]')!;
    const lines = summary(receipt);
    expect(lines[0]).to.match(/^Date and time: \d{1,2} \w{3} \d{4}, \d{2}:\d{2}$/);
    expect(lines).to.include('NEA counter: RATNAPARK DC').and.include('SC No: 024.12.512').and.include('Consumer ID: 3042');
    expect(lines).to.include('Bills paid: 2073 Magh').and.include('Still due after this payment: Rs 250.00').and.include('Total: Rs 200.00');
    expect(lines.join('\n')).not.to.contain('Service charge').and.not.contain('Bikram');
    // The reference is one unbroken word, and the copy button copies it.
    const code = receipt.querySelector<HTMLElement>('.reference code')!;
    expect(code.textContent).to.equal(detail.reference);
    expect(getComputedStyle(code).whiteSpace).to.equal('nowrap');
    const copied: string[] = [];
    const clipboard = navigator.clipboard;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void copied.push(t) } });
    try {
      button(el, 'Copy').click();
      await until(el, () => copied.length === 1, 'copied');
      expect(copied).to.deep.equal([detail.reference]);
      expect(button(el, 'Copied')).to.exist;
      // Without a clipboard API: the reference is selected and copied the old way.
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: undefined });
      const execCommand = document.execCommand;
      const commands: string[] = [];
      document.execCommand = (command: string) => (commands.push(`${command}:${getSelection()!.toString()}`), true);
      try {
        el.requestUpdate();
        await el.updateComplete;
        el.steps!.copiedReference = '';
        el.requestUpdate();
        await el.updateComplete;
        button(el, 'Copy').click();
        await until(el, () => commands.length === 1, 'copied by execCommand');
        expect(commands).to.deep.equal([`copy:${detail.reference}`]);
      } finally {
        document.execCommand = execCommand;
      }
    } finally {
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: clipboard });
    }
    await expect(el).to.be.accessible();
  });

  it('prints the receipt alone: the Print button marks the element and the page style hides the rest', async () => {
    const el = await widget(SEED);
    await lookUp(el);
    await toConfirm(el);
    await pay(el);
    const print = window.print;
    let printed = 0;
    window.print = () => void printed++;
    try {
      button(el, 'Print').click();
      expect(printed).to.equal(1);
      expect(el.hasAttribute('data-bill-pay-printing')).to.equal(true);
      expect(document.getElementById('bill-pay-print')!.textContent).to.contain('@media print');
      window.dispatchEvent(new Event('afterprint'));
      expect(el.hasAttribute('data-bill-pay-printing')).to.equal(false);
    } finally {
      window.print = print;
    }
  });

  it('Dreamer: a receipt with the provider, the customer code and the bills, and no zero service charge', async () => {
    const el = await fixture<DreamerPay>(html`<dreamer-pay endpoint="/api" customer-code="01-1" .clock=${fastClock()}></dreamer-pay>`);
    await until(el, () => !el.hasAttribute('loading'), 'services loaded');
    await lookUp(el);
    await toConfirm(el);
    await pay(el);
    const lines = summary($(el, '[part=receipt]')!);
    expect(lines).to.include('Electricity provider: Khamari Khola Electricity').and.include('Customer code: 01-1');
    expect(lines.some((l) => l.startsWith('Bills paid: '))).to.equal(true);
    expect(lines.some((l) => l.startsWith('Receipt no.: '))).to.equal(true);
    expect(lines.join('\n')).not.to.contain('Service charge');
  });
});
