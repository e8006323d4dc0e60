/** `<dreamer-pay>`'s steps after the lookup (in the steps chunk): the bills, paid in full; its confirmation and receipt lines. */
import type { Quote } from './api.js';
import type { DreamerPay } from './dreamer-pay.js';
import { fromKit } from './internal/from-kit.js';
import { StepsView } from './internal/steps.js';
import { matches, oneOf, required, validateFields } from './internal/validators.js';
import { CUSTOMER_CODE } from './patterns.js';

const { html, latinDigits } = fromKit('html', 'latinDigits');

/** The steps after the lookup, which this chunk carries for the flow (internal/flow.ts `loadSteps`). */
export { Checkout } from './internal/checkout.js';

export default class DreamerSteps extends StepsView<DreamerPay> {
  override checkLookup(): boolean {
    const el = this.el;
    const { errors, valid } = validateFields({
      service: [el.slug, oneOf(el.services.map((s) => s.slug), 'required')],
      code: [el.customerCode, required, matches(CUSTOMER_CODE, 'invalidCustomerCode')],
    });
    el.errors = errors;
    return valid;
  }

  override renderChoice(quote: Quote) {
    const m = this.m;
    if (!quote.bills.length) return this.renderNoDues(quote);
    const money = (paisa: number | null) => (paisa === null ? '' : this.money(paisa));
    // The biller prefixes the name with the customer code ("01-2 Maya Tamang"), shown in its own row just below.
    const code = quote.facts.find((f) => f.key === 'customer_code')?.value;
    const name = code && quote.customer_name.startsWith(`${code} `) ? quote.customer_name.slice(code.length + 1) : quote.customer_name;
    return html`${this.stepHeading(m.stepBills)}
      <dl>
        <dt>${m.customer}</dt>
        <dd>${name}</dd>
      </dl>
      ${this.renderFacts(quote.facts)}
      ${this.billsTable(quote.bills, [
        [m.period, (b) => this.biller(b.label)],
        [m.billAmount, (b) => money(b.bill_paisa), true],
        [m.discount, (b) => money(b.discount_paisa), true],
        [m.penalty, (b) => money(b.penalty_paisa), true],
        [m.days, (b) => this.count(b.days), true],
        [m.total, (b) => money(b.payable_paisa), true],
      ])}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.checkout.choose(quote.max_paisa);
        }}
      >
        <p class="hint">${m.payInFull}</p>
        <dl>
          <dt class="total">${m.totalPayable}</dt>
          <dd class="total">${this.money(quote.total_due_paisa)}</dd>
        </dl>
        ${this.renderChoiceActions(true)}
      </form>`;
  }

  override currentChoice(quote: Quote) {
    return quote.bills.length ? { amount: quote.max_paisa } : null;
  }

  protected override accountLines(): [string, string][] {
    return [
      [this.m.service, this.el.serviceName],
      [this.m.customerCode, latinDigits(this.el.customerCode.trim())],
    ];
  }

  protected override coveredLines(quote: Quote | null, _amount: number, _packageId: number | undefined, done: boolean): [string, string][] {
    const m = this.m;
    return quote?.bills.length ? [[done ? m.billsPaid : m.billsCovered, quote.bills.map((b) => this.biller(b.label)).join(', ')]] : [];
  }
}
