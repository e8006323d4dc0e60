import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CUSTOMER_CODE, dreamerServicesResponse, type DreamerService } from './api.js';
import { PayElement } from './internal/pay-element.js';

/**
 * Pays a Dreamer Electricity bill (e.g. Khamari Khola Electricity) through the merchant proxy: choose the
 * provider (hidden when the merchant enables only one), enter the customer code, see the due bills with
 * their discounts and penalties, confirm the total payable, pay, and get a receipt with the receipt no.
 */
@customElement('dreamer-pay')
export class DreamerPay extends PayElement {
  readonly service = 'dreamer' as const;

  /** Prefill: the Dreamer service's slug, e.g. `khamari-khola-electricity`. */
  @property({ attribute: 'service-slug' }) serviceSlug = '';

  /** Prefill: the customer code, e.g. `01-1`. */
  @property({ attribute: 'customer-code' }) customerCode = '';

  @state() private services: DreamerService[] = [];
  @state() private errors: Record<string, string | null> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.services.length) this.preload('/dreamer/services', dreamerServicesResponse, (v) => (this.services = v.services));
  }

  /** The chosen service: the prefilled one, or the only one there is. */
  get #slug(): string {
    return this.serviceSlug || (this.services.length === 1 ? this.services[0]!.slug : '');
  }

  protected override heading() {
    return this.m.dreamerTitle;
  }

  async #submit(e: Event) {
    e.preventDefault();
    const code = this.customerCode.trim();
    const slug = this.#slug;
    const m = this.m;
    this.errors = {
      service: this.services.some((s) => s.slug === slug) ? null : m.required,
      code: !code ? m.required : CUSTOMER_CODE.test(code) ? null : m.invalidCustomerCode,
    };
    if (Object.values(this.errors).some(Boolean)) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    await this.flow.lookup({ service_slug: slug, customer_code: code });
  }

  protected override renderLookup() {
    const m = this.m;
    return html`${this.stepHeading(m.stepLookup)}
      <form @submit=${this.#submit} novalidate>
        ${this.services.length > 1
          ? html`<div>
              <label for="service">${m.service}</label>
              <select
                id="service"
                aria-invalid=${this.errors.service ? 'true' : 'false'}
                aria-describedby="service-error"
                @change=${(e: Event) => (this.serviceSlug = (e.target as HTMLSelectElement).value)}
              >
                <option value="" ?selected=${!this.#slug}>—</option>
                ${this.services.map((s) => html`<option value=${s.slug} ?selected=${s.slug === this.#slug}>${s.name}</option>`)}
              </select>
              <p class="invalid" id="service-error">${this.errors.service ?? ''}</p>
            </div>`
          : ''}
        ${this.field('customer-code', m.customerCode, m.customerCodeHint, this.errors.code ?? null, this.customerCode, (v) => (this.customerCode = v))}
        <div class="actions">
          <button type="submit" class="primary" part="button" ?disabled=${this.flow.busy === 'lookup' || !this.services.length}>${m.lookUp}</button>
          ${this.renderCancel()}
        </div>
      </form>`;
  }

  protected override renderChoice() {
    const quote = this.flow.quote!;
    const m = this.m;
    if (!quote.bills.length) return this.renderNoDues();
    const money = (paisa: number | null) => (paisa === null ? '' : this.money(paisa));
    return html`${this.stepHeading(m.stepChoose)}
      <dl>
        <dt>${m.customer}</dt>
        <dd>${quote.customer_name}</dd>
      </dl>
      ${this.renderFacts(quote.facts)}
      ${this.billsTable([
        [m.period, (b) => b.label],
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

  protected override receiptLines(): [string, string][] {
    const name = this.services.find((s) => s.slug === this.#slug)?.name ?? this.#slug;
    return [[this.m.service, name]];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dreamer-pay': DreamerPay;
  }
}
