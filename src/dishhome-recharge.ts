import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { DISHHOME_CUSTOMER_ID, type Package, type Quote } from './api.js';
import { fill } from './internal/i18n.js';
import { PayElement, type ReceiptState } from './internal/pay-element.js';
import { matches, required, validate, type MessageKey } from './internal/validators.js';

/**
 * Recharges a Dish Home TV/ISP subscription through the merchant proxy: enter the customer ID, see the
 * customer's card (package, status, expiry, zone and district), choose a duration package (months and
 * bonus) or a regular top-up, confirm, recharge, and get a receipt with the new expiry date.
 */
@customElement('dishhome-recharge')
export class DishhomeRecharge extends PayElement<'dishhome'> {
  readonly service = 'dishhome' as const;

  /** Prefill: the Dish Home customer ID, e.g. `71909771942`. */
  @property({ attribute: 'customer-id' }) customerId = '';

  @state() private error: MessageKey | null = null;
  @state() private chosen: number | null = null;

  protected override heading() {
    return this.m.titles.dishhome;
  }

  protected override payLabel(total: string) {
    return fill(this.m.rechargeNow, { total });
  }

  protected override againLabel() {
    return this.m.rechargeAnother;
  }

  async #submit(e: Event) {
    e.preventDefault();
    this.error = validate(this.customerId, required, matches(DISHHOME_CUSTOMER_ID, 'invalidDishCustomerId'));
    if (this.error) return this.focusInvalid();
    this.chosen = null;
    await this.flow.lookup({ customer_id: this.customerId.trim() });
  }

  protected override renderLookup() {
    const m = this.m;
    return html`${this.stepHeading(m.stepLookup)}
      <form @submit=${this.#submit} novalidate>
        ${this.field('customer-id', m.dishCustomerId, m.dishCustomerIdHint, this.error, this.customerId, (v) => (this.customerId = v), {
          inputmode: 'numeric',
        })}
        <div class="actions">
          <button type="submit" class="primary" part="button" ?disabled=${this.flow.busy === 'lookup'}>${this.busyLabel(m.findCustomer, this.flow.busy === 'lookup')}</button>
          ${this.renderCancel()}
        </div>
      </form>`;
  }

  #option(p: Package) {
    const m = this.m;
    const what = p.regular ? this.money(p.price_paisa) : `${this.plural(m.months, p.months)}: ${this.money(p.price_paisa)}`;
    return html`<label class="choice">
      <input type="radio" name="package" .checked=${this.chosen === p.id} @change=${() => (this.chosen = p.id)} />
      ${what}${p.bonus_paisa ? html` <span class="hint">(${fill(m.bonus, { amount: this.money(p.bonus_paisa) })})</span>` : nothing}
    </label>`;
  }

  protected override renderChoice(quote: Quote) {
    const m = this.m;
    const durations = quote.packages.filter((p) => !p.regular);
    const topUps = quote.packages.filter((p) => p.regular);
    const chosen = quote.packages.find((p) => p.id === this.chosen);
    return html`${this.stepHeading(m.choosePackage)}
      <dl>
        <dt>${m.dishCustomerId}</dt>
        <dd>${quote.customer_name}</dd>
      </dl>
      ${this.renderFacts(quote.facts)}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          if (chosen) void this.flow.choose(chosen.price_paisa, chosen.id);
        }}
      >
        ${durations.length ? html`<fieldset><legend>${m.packages}</legend>${durations.map((p) => this.#option(p))}</fieldset>` : nothing}
        ${topUps.length ? html`<fieldset><legend>${m.topUps}</legend>${topUps.map((p) => this.#option(p))}</fieldset>` : nothing}
        ${this.renderChoiceActions(chosen !== undefined)}
      </form>`;
  }

  protected override receiptLines({ quote, attempt }: ReceiptState): [string, string][] {
    const chosen = quote?.packages.find((p) => p.id === attempt.body.package_id);
    const label = this.m.facts.package;
    return chosen && label ? [[label, chosen.regular ? this.m.topUps : this.plural(this.m.months, chosen.months)]] : [];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dishhome-recharge': DishhomeRecharge;
  }
}
