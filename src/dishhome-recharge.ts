import { html, nothing } from 'lit';
import { DISHHOME_CUSTOMER_ID, type Package, type Quote } from './api.js';
import { en, fill, plural } from './internal/i18n.js';
import { PayElement } from './internal/pay-element.js';
import { latinDigits, matches, required, validate, type MessageKey } from './internal/validators.js';

/**
 * Recharges a Dish Home TV/ISP subscription through the merchant proxy: enter the customer ID, see the
 * customer's card (package, status, expiry, zone and district), choose a duration package (months and
 * bonus) or a regular top-up, confirm, recharge, and get a receipt with the new expiry date.
 */
export class DishhomeRecharge extends PayElement<'dishhome'> {
  static override properties = {
    customerId: { attribute: 'customer-id' },
    error: { state: true, attribute: false },
    chosen: { state: true, attribute: false },
  };

  readonly service = 'dishhome' as const;

  /** Prefill: the Dish Home customer ID, e.g. `71909771942`. */
  customerId = '';

  private error: MessageKey | null = null;
  private chosen: number | null = null;

  protected override heading() {
    return this.m.titles.dishhome;
  }

  protected override payLabel(total: string) {
    return fill(this.m.rechargeNow, { total });
  }

  /** Dish Home knows the customer by the ID alone: it is labelled as the lookup step asks for it. */
  protected override customerLabel() {
    return this.m.dishCustomerId;
  }

  protected override againLabel() {
    return this.m.rechargeAnother;
  }

  async #submit(e: Event) {
    e.preventDefault();
    this.error = validate(this.customerId, required, matches(DISHHOME_CUSTOMER_ID, 'invalidDishCustomerId'));
    if (this.error) return this.focusInvalid();
    this.chosen = null;
    await this.flow.lookup({ customer_id: latinDigits(this.customerId.trim()) });
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

  /** The biller's own description of a package, unless it only says what the option already says ("3 Months", "Regular"). */
  #description(p: Package): string {
    const text = p.description.trim();
    const plain = p.regular ? 'regular' : plural(en.months, 'en', p.months).replace('{count}', String(p.months)).toLowerCase();
    return text.toLowerCase() === plain ? '' : text;
  }

  #option(p: Package) {
    const m = this.m;
    const what = p.regular ? this.money(p.price_paisa) : `${this.plural(m.months, p.months)}: ${this.money(p.price_paisa)}`;
    const description = this.#description(p);
    return html`<label class="choice">
      <input type="radio" name="package" .checked=${this.chosen === p.id} @change=${() => (this.chosen = p.id)} />
      <span
        >${description ? html`<strong>${description}</strong> ` : nothing}${what}${p.bonus_paisa
          ? html` <span class="hint">(${fill(m.bonus, { amount: this.money(p.bonus_paisa) })})</span>`
          : nothing}</span
      >
    </label>`;
  }

  protected override renderChoice(quote: Quote) {
    const m = this.m;
    const durations = quote.packages.filter((p) => !p.regular);
    const topUps = quote.packages.filter((p) => p.regular);
    const chosen = quote.packages.find((p) => p.id === this.chosen);
    return html`${this.stepHeading(m.choosePackage)}
      <dl>
        <dt>${this.customerLabel()}</dt>
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
        ${quote.packages.some((p) => p.bonus_paisa) ? html`<p class="hint">${m.bonusExplained}</p>` : nothing}
        ${this.renderChoiceActions(chosen !== undefined)}
      </form>`;
  }

  protected override currentChoice(quote: Quote) {
    const chosen = quote.packages.find((p) => p.id === this.chosen);
    return chosen ? { amount: chosen.price_paisa, packageId: chosen.id } : null;
  }

  protected override accountLines(): [string, string][] {
    return [[this.m.dishCustomerId, latinDigits(this.customerId.trim())]];
  }

  protected override coveredLines(quote: Quote | null, _amount: number, packageId: number | undefined): [string, string][] {
    const chosen = quote?.packages.find((p) => p.id === packageId);
    const label = this.m.facts.package;
    if (!chosen || !label) return [];
    const what = chosen.regular ? this.m.topUps : this.plural(this.m.months, chosen.months);
    const description = this.#description(chosen);
    return [[label, description ? `${description} (${what})` : what]];
  }
}

customElements.define('dishhome-recharge', DishhomeRecharge);

declare global {
  interface HTMLElementTagNameMap {
    'dishhome-recharge': DishhomeRecharge;
  }
}
