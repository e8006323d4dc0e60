import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { NeaPay } from '../../src/nea-pay.js';
import type { PayAuthRequiredDetail, PaySuccessDetail } from '../../src/internal/events.js';
import { $, SEED, button, lookUp, resetSandbox, toConfirm, until } from './helpers.js';

/** A portal access token from the test server: fresh, or already expired (negative ttl). */
const token = async (ttl = 300, sub = 'consumer-alice') =>
  ((await (await fetch(`/auth/token?sub=${sub}&ttl=${ttl}`)).json()) as { token: string }).token;

type Renew = (e: CustomEvent<PayAuthRequiredDetail>) => void;

/** A widget as a signed-in host page sets it up: token and renewal in place before it connects. */
async function mount(setup: { accessToken?: string; getAccessToken?: () => Promise<string>; renew?: Renew }) {
  const el = await fixture<NeaPay>(html`<nea-pay
    endpoint="/auth/api"
    office-code=${SEED.office!}
    sc-no=${SEED.sc}
    consumer-id=${SEED.id}
    .accessToken=${setup.accessToken ?? ''}
    .getAccessToken=${setup.getAccessToken}
    @pay-auth-required=${setup.renew ?? (() => undefined)}
  ></nea-pay>`);
  await until(el, () => !el.hasAttribute('loading'), 'counters answered');
  return el;
}

describe('host authentication in the widget', () => {
  beforeEach(resetSandbox);

  it('asks the host to renew a refused token, waits for the renewal, and retries once', async () => {
    const renewals: string[] = [];
    const expired = await token(-60);
    const el: NeaPay = await mount({
      accessToken: expired,
      renew: (e) => {
        renewals.push(e.detail.service);
        // The listener renews on the element that asked (it may fire while the page sets it up).
        const widget = e.target as NeaPay;
        e.detail.waitUntil(token().then((fresh) => (widget.accessToken = fresh)));
      },
    });
    expect($(el, '[role=alert]') === null).to.equal(true, 'the counters loaded after the renewal');
    await lookUp(el);
    expect(el.getAttribute('step')).to.equal('choose');
    expect(renewals).to.deep.equal(['nea'], 'renewed once, for the first refused request');
    expect(el.getAttribute('office-code')).to.equal(SEED.office);
  });

  it('calls getAccessToken before each request, and pays after a renewal in the middle of the flow', async () => {
    let current = await token();
    let asked = 0;
    const el = await mount({
      getAccessToken: async () => {
        asked++;
        return current;
      },
      renew: (e) => e.detail.waitUntil(token().then((fresh) => (current = fresh))),
    });
    await lookUp(el);
    await toConfirm(el);
    current = await token(-60);
    setTimeout(() => button(el, 'Pay').click());
    const { detail } = (await oneEvent(el, 'pay-success')) as CustomEvent<PaySuccessDetail>;
    expect(detail.amountPaisa).to.equal(45000);
    expect(asked).to.equal(5, 'counters, lookup, charge, pay refused, pay again');
  });

  it('shows a clear error when the renewal does not help, after exactly one retry', async () => {
    let events = 0;
    const el = await mount({ accessToken: await token(-60), renew: () => events++ });
    expect($(el, '[role=alert]')!.textContent).to.contain('Sign in again');
    expect(events).to.equal(1);
    expect(el.getAttribute('step')).to.equal('lookup');
  });

  it('survives a host whose renewal fails: the error is shown, nothing breaks', async () => {
    const el = await mount({
      accessToken: await token(-60),
      renew: (e) => e.detail.waitUntil(Promise.reject(new Error('refresh token expired too'))),
    });
    expect($(el, '[role=alert]')!.textContent).to.contain('Sign in again');
  });
});
