import { html } from 'lit';
import { CUSTOMER_CODE, type DreamerService, type Quote } from './api.js';
import { PayElement } from './internal/pay-element.js';
import { latinDigits, matches, oneOf, required, validateFields, type MessageKey } from './internal/validators.js';

/**
 * Pays a Dreamer Electricity bill (e.g. Khamari Khola Electricity) through the merchant proxy: choose the
 * provider (hidden when the merchant enables only one), enter the customer code, see the due bills with
 * their discounts and penalties, confirm the total payable, pay, and get a receipt with the receipt no.
 */
export class DreamerPay extends PayElement<'dreamer'> {
  static override properties = {
    serviceSlug: { attribute: 'service-slug' },
    customerCode: { attribute: 'customer-code' },
    errors: { state: true, attribute: false },
  };

  readonly service = 'dreamer' as const;

  /** Prefill: the Dreamer service's slug, e.g. `khamari-khola-electricity`. */
  serviceSlug = '';

  /** Prefill: the customer code, e.g. `01-1`. */
  customerCode = '';

  readonly #services = this.flow.list('dreamerServices');
  private errors: Partial<Record<'service' | 'code', MessageKey | null>> = {};

  get #list(): DreamerService[] {
    return this.#services.value?.services ?? [];
  }

  /** The chosen service: the prefilled one, or the only one there is. */
  get #slug(): string {
    const [only, ...others] = this.#list;
    return this.serviceSlug || (only && !others.length ? only.slug : '');
  }

  protected override heading() {
    return this.m.titles.dreamer;
  }

  async #submit(e: Event) {
    e.preventDefault();
    const slug = this.#slug;
    const { errors, valid } = validateFields({
      service: [slug, oneOf(this.#list.map((s) => s.slug), 'required')],
      code: [this.customerCode, required, matches(CUSTOMER_CODE, 'invalidCustomerCode')],
    });
    this.errors = errors;
    if (!valid) return this.focusInvalid();
    await this.flow.lookup({ service_slug: slug, customer_code: latinDigits(this.customerCode.trim()) });
  }

  protected override renderLookup() {
    const m = this.m;
    return html`${this.stepHeading(m.stepLookup)}
      <form @submit=${this.#submit} novalidate>
        ${this.#list.length > 1
          ? html`<div>
              <label for="service">${m.service}</label>
              <select
                id="service"
                aria-invalid=${this.errors.service ? 'true' : 'false'}
                aria-describedby="service-error"
                @change=${(e: Event) => (this.serviceSlug = (e.target as HTMLSelectElement).value)}
              >
                <option value="" ?selected=${!this.#slug}>—</option>
                ${this.#list.map((s) => html`<option value=${s.slug} ?selected=${s.slug === this.#slug}>${s.name}</option>`)}
              </select>
              <p class="invalid" id="service-error">${this.invalid(this.errors.service)}</p>
            </div>`
          : ''}
        ${this.field('customer-code', m.customerCode, m.customerCodeHint, this.errors.code, this.customerCode, (v) => (this.customerCode = v))}
        <div class="actions">
          <button type="submit" class="primary" part="button" ?disabled=${this.flow.busy === 'lookup' || !this.#list.length}>${this.busyLabel(m.lookUp, this.flow.busy === 'lookup')}</button>
          ${this.renderCancel()}
        </div>
      </form>`;
  }

  protected override renderChoice(quote: Quote) {
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
          void this.flow.choose(quote.max_paisa);
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

  protected override currentChoice(quote: Quote) {
    return quote.bills.length ? { amount: quote.max_paisa } : null;
  }

  protected override accountLines(): [string, string][] {
    const name = this.#list.find((s) => s.slug === this.#slug)?.name ?? this.#slug;
    return [
      [this.m.service, name],
      [this.m.customerCode, latinDigits(this.customerCode.trim())],
    ];
  }

  protected override coveredLines(quote: Quote | null, _amount: number, _packageId: number | undefined, done: boolean): [string, string][] {
    const m = this.m;
    return quote?.bills.length ? [[done ? m.billsPaid : m.billsCovered, quote.bills.map((b) => this.biller(b.label)).join(', ')]] : [];
  }
}

customElements.define('dreamer-pay', DreamerPay);

declare global {
  interface HTMLElementTagNameMap {
    'dreamer-pay': DreamerPay;
  }
}
