import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { PayErrorDetail, PayFundingDetail, PayPendingDetail, PaySuccessDetail } from '../../src/internal/events.js';
import type { Leave } from '../../src/internal/flow.js';
import type { NeaPay } from '../../src/nea-pay.js';
import { $, $$, SEED, button, customer, fastClock, lookUp, resetSandbox, toConfirm, until, widget } from './helpers.js';

const text = (el: Element | null) => el!.textContent!.replace(/\s+/g, ' ').trim();

/** The page's address before each test (the runner's own query): a resumed widget puts it back. */
const PAGE = location.href;

// One account per test: the proxy refuses a second payment of an account while one awaits its gateway.
const BHAKTAPUR = '245:bhaktapur-dc';
const HARI = customer('333', BHAKTAPUR, '001.01.333');
const SITA = customer('154', BHAKTAPUR, '001.01.154');
const GITA = customer('555', BHAKTAPUR, '001.01.555');
const GATEWAY_ERROR = customer('903');

/** The seed customer on the confirm step, the page's departures captured instead of made. */
async function confirmed(c = SEED) {
  const el = await widget(c);
  const left: Leave[] = [];
  el.navigate = (to) => left.push(to);
  await lookUp(el);
  await toConfirm(el);
  return { el, left };
}

const radios = (el: NeaPay) => $$(el, 'fieldset.methods input[type=radio]') as HTMLInputElement[];
async function pick(el: NeaPay, method: string) {
  radios(el).find((r) => r.value === method)!.click();
  await el.updateComplete;
}

/** Pays with `method` and waits until the widget sends the page away; answers the departure and the pay-funding event. */
async function payAway(el: NeaPay, left: Leave[], method: string) {
  await pick(el, method);
  setTimeout(() => button(el, 'Pay Rs').click());
  const { detail } = (await oneEvent(el, 'pay-funding')) as CustomEvent<PayFundingDetail>;
  await until(el, () => left.length === 1, 'left for the gateway');
  return { detail, to: left[0]! };
}

/** At the Khalti sandbox's page: the tester's action; answers the address the gateway sends the browser back to. */
async function atKhalti(url: string, action: 'pay' | 'cancel'): Promise<string> {
  const pidx = new URL(url).searchParams.get('pidx')!;
  const answer = await fetch(new URL('./', url), {
    method: 'POST',
    body: new URLSearchParams({ pidx, mobile: '9800000000', mpin: '1111', action }),
  });
  return answer.url;
}

/** Back on the page at `url`: a new widget (the page was reloaded), which resumes by itself. */
async function comeBack(url: string) {
  const back = new URL(url);
  history.replaceState(null, '', `${back.pathname}${back.search}`);
  return fixture<NeaPay>(html`<nea-pay endpoint="/api" .clock=${fastClock()}></nea-pay>`);
}

describe('paying through a gateway (funding)', () => {
  beforeEach(resetSandbox);
  afterEach(() => history.replaceState(null, '', PAGE));

  it('offers the methods the proxy lists as a keyboard-accessible radio group, the first chosen', async () => {
    const { el } = await confirmed();
    expect($(el, 'fieldset.methods legend')!.textContent).to.equal('Pay with');
    expect(radios(el).map((r) => [r.value, r.checked])).to.deep.equal([
      ['host', true],
      ['khalti', false],
      ['esewa', false],
    ]);
    expect($$(el, 'fieldset.methods label').map((l) => l.textContent!.trim())).to.deep.equal(['Pay from your balance', 'Khalti', 'eSewa']);
    radios(el)[0]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(radios(el).find((r) => r.checked)!.value).to.equal('khalti');
    await expect(el).to.be.accessible();
  });

  it('Khalti: saves the attempt, tells the host (pay-funding) and sends the page to the gateway', async () => {
    const { el, left } = await confirmed(HARI);
    const { detail, to } = await payAway(el, left, 'khalti');
    expect(detail.service).to.equal('nea');
    expect(detail.method).to.equal('khalti');
    expect(detail.reference).to.match(/^[A-Za-z0-9]+$/);
    expect(to.kind).to.equal('redirect');
    expect((to as { url: string }).url).to.match(/\/sandbox\/khalti\/pay\/\?pidx=/);
    const saved = JSON.parse(sessionStorage.getItem('bill-pay:nea:/api')!);
    expect(saved.funding).to.equal('khalti');
    expect(saved.pending.reference).to.equal(detail.reference);
    expect(text($(el, 'h3'))).to.match(/^Taking you to Khalti to pay Rs [\d,.]+…$/);
    await expect(el).to.be.accessible();
  });

  it('back from Khalti, paid: confirms with Khalti, shows the receipt, cleans the address, funding in the event', async () => {
    const { el, left } = await confirmed();
    const { detail: away, to } = await payAway(el, left, 'khalti');
    const returned = await atKhalti((to as { url: string }).url, 'pay');
    expect(new URL(returned).searchParams.get('status')).to.equal('Completed');
    expect(new URL(returned).searchParams.get('bill-pay-return')).to.be.a('string');
    el.remove();
    const success = new Promise<PaySuccessDetail>((resolve) => document.addEventListener('pay-success', (e) => resolve(e.detail), { once: true }));
    const back = await comeBack(returned);
    expect($(back, '[role=status]')!.textContent).to.equal('Confirming your payment with Khalti…');
    const detail = await success;
    expect(detail).to.include({ reference: away.reference, totalPaisa: 45000 });
    expect(detail.funding).to.deep.equal({ method: 'khalti', state: 'captured' });
    await until(back, () => back.getAttribute('step') === 'done', 'receipt');
    expect(location.href).to.equal(PAGE);
    expect(sessionStorage.getItem('bill-pay:nea:/api')).to.equal(null);
  });

  it('back from Khalti, cancelled: nothing charged, then the same amount again with another method', async () => {
    const { el, left } = await confirmed(SITA);
    const { to } = await payAway(el, left, 'khalti');
    const returned = await atKhalti((to as { url: string }).url, 'cancel');
    el.remove();
    const failed = new Promise<PayErrorDetail>((resolve) => document.addEventListener('pay-error', (e) => resolve(e.detail), { once: true }));
    const back = await comeBack(returned);
    const detail = await failed;
    expect(detail).to.include({ code: 'FUNDING_CANCELLED', message: 'You cancelled at Khalti; nothing was charged.' });
    expect(detail.funding).to.deep.equal({ method: 'khalti', state: 'abandoned' });
    await until(back, () => back.getAttribute('step') === 'failed', 'failed');
    expect($(back, '[part=error]')!.textContent!.trim()).to.equal('You cancelled at Khalti; nothing was charged.');
    await expect(back).to.be.accessible();
    button(back, 'Try again or pay another way').click();
    await until(back, () => back.getAttribute('step') === 'confirm', 'confirm again');
    expect(radios(back).length).to.equal(3);
    setTimeout(() => button(back, 'Pay Rs').click());
    const { detail: paid } = (await oneEvent(back, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(paid.funding).to.deep.equal({ method: 'host', state: 'captured' });
  });

  it('says the cancel in Nepali', async () => {
    const { el, left } = await confirmed(GITA);
    const { to } = await payAway(el, left, 'khalti');
    const returned = await atKhalti((to as { url: string }).url, 'cancel');
    el.remove();
    const back = new URL(returned);
    history.replaceState(null, '', `${back.pathname}${back.search}`);
    const ne = await fixture<NeaPay>(html`<nea-pay endpoint="/api" locale="ne" .clock=${fastClock()}></nea-pay>`);
    await until(ne, () => ne.getAttribute('step') === 'failed' && $(ne, '[part=error]') !== null, 'failed');
    expect($(ne, '[part=error]')!.textContent!.trim()).to.equal('तपाईंले खल्ती मा रद्द गर्नुभयो; कुनै रकम काटिएको छैन।');
  });

  it('eSewa: posts a real form in the light DOM with the signed fields, and no secret', async () => {
    const { el, left } = await confirmed(GATEWAY_ERROR);
    const { detail, to } = await payAway(el, left, 'esewa');
    expect(to.kind).to.equal('form');
    const form = (to as { form: HTMLFormElement }).form;
    expect(form.parentElement).to.equal(el);
    expect(form.method).to.equal('post');
    expect(form.action).to.match(/\/sandbox\/esewa\/api\/epay\/main\/v2\/form$/);
    expect([...form.elements].every((e) => (e as HTMLInputElement).type === 'hidden')).to.equal(true);
    const fields = Object.fromEntries(new FormData(form)) as Record<string, string>;
    expect(fields).to.include({ transaction_uuid: detail.reference, product_code: 'EPAYTEST', signed_field_names: 'total_amount,transaction_uuid,product_code' });
    expect(fields.total_amount).to.match(/^\d+(\.\d+)?$/);
    expect(fields.signature).to.match(/^[A-Za-z0-9+/=]{40,}$/);
    expect(new URL(fields.success_url!).searchParams.get('bill-pay-return')).to.be.a('string');
    expect(JSON.stringify(fields)).not.to.contain('8gBm');
    expect(form.querySelector('script')).to.equal(null);
  });

  it('paid from the balance and the commit unknown: the money is held, said plainly', async () => {
    const { el } = await confirmed(customer('902'));
    setTimeout(() => button(el, 'Pay Rs').click());
    const { detail } = (await oneEvent(el, 'pay-pending')) as CustomEvent<PayPendingDetail>;
    expect(detail.funding).to.deep.equal({ method: 'host', state: 'secured' });
    await el.updateComplete;
    expect(text($(el, '.held'))).to.match(/^Rs [\d,.]+ from your balance is held until the biller confirms this payment/);
  });
});
