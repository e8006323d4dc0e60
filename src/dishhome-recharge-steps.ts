/** `<dishhome-recharge>`'s steps after the lookup (in the steps chunk): the package chooser, its confirmation and receipt lines. */
import type { Package, Quote } from './api.js';
import type { DishhomeRecharge } from './dishhome-recharge.js';
import { plural } from './internal/format.js';
import { fromKit } from './internal/from-kit.js';
import { enSteps } from './internal/locales/en-steps.js';
import { StepsView } from './internal/steps.js';
import { matches, required, validate } from './internal/validators.js';
import { DISHHOME_CUSTOMER_ID } from './patterns.js';

const { fill, html, latinDigits, nothing } = fromKit('fill', 'html', 'latinDigits', 'nothing');

/** The steps after the lookup, which this chunk carries for the flow (internal/flow.ts `loadSteps`). */
export { Checkout } from './internal/checkout.js';

export default class DishhomeSteps extends StepsView<DishhomeRecharge> {
  override checkLookup(): boolean {
    this.el.error = validate(this.el.customerId, required, matches(DISHHOME_CUSTOMER_ID, 'invalidDishCustomerId'));
    return this.el.error === null;
  }

  /** The package chosen, for the quote it was chosen from (a new lookup starts with none). */
  #choice: { quote: Quote; id: number } | null = null;

  get #chosen(): number | null {
    const quote = this.quote;
    return this.#choice && this.#choice.quote === quote ? this.#choice.id : null;
  }

  set #chosen(id: number) {
    const quote = this.quote;
    if (quote) this.#choice = { quote, id };
    this.el.requestUpdate();
  }

  override payLabel(total: string) {
    return fill(this.m.rechargeNow, { total });
  }

  /** Dish Home knows the customer by the ID alone: it is labelled as the lookup step asks for it. */
  override customerLabel() {
    return this.m.dishCustomerId;
  }

  override againLabel() {
    return this.m.rechargeAnother;
  }

  /** The biller's own description of a package, unless it only says what the option already says ("3 Months", "Regular"). */
  #description(p: Package): string {
    const text = p.description.trim();
    const plain = p.regular ? 'regular' : plural(enSteps.months, 'en', p.months).replace('{count}', String(p.months)).toLowerCase();
    return text.toLowerCase() === plain ? '' : text;
  }

  #option(p: Package) {
    const m = this.m;
    const what = p.regular ? this.money(p.price_paisa) : `${this.plural(m.months, p.months)}: ${this.money(p.price_paisa)}`;
    const description = this.#description(p);
    return html`<label class="choice">
      <input type="radio" name="package" .checked=${this.#chosen === p.id} @change=${() => (this.#chosen = p.id)} />
      <span
        >${description ? html`<strong>${description}</strong> ` : nothing}${what}${p.bonus_paisa
          ? html` <span class="hint">(${fill(m.bonus, { amount: this.money(p.bonus_paisa) })})</span>`
          : nothing}</span
      >
    </label>`;
  }

  override renderChoice(quote: Quote) {
    const m = this.m;
    const durations = quote.packages.filter((p) => !p.regular);
    const topUps = quote.packages.filter((p) => p.regular);
    const chosen = quote.packages.find((p) => p.id === this.#chosen);
    return html`${this.stepHeading(m.choosePackage)}
      <dl>
        <dt>${this.customerLabel()}</dt>
        <dd>${quote.customer_name}</dd>
      </dl>
      ${this.renderFacts(quote.facts)}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          if (chosen) void this.checkout.choose(chosen.price_paisa, chosen.id);
        }}
      >
        ${durations.length ? html`<fieldset><legend>${m.packages}</legend>${durations.map((p) => this.#option(p))}</fieldset>` : nothing}
        ${topUps.length ? html`<fieldset><legend>${m.topUps}</legend>${topUps.map((p) => this.#option(p))}</fieldset>` : nothing}
        ${quote.packages.some((p) => p.bonus_paisa) ? html`<p class="hint">${m.bonusExplained}</p>` : nothing}
        ${this.renderChoiceActions(chosen !== undefined)}
      </form>`;
  }

  override currentChoice(quote: Quote) {
    const chosen = quote.packages.find((p) => p.id === this.#chosen);
    return chosen ? { amount: chosen.price_paisa, packageId: chosen.id } : null;
  }

  override accountLines(): [string, string][] {
    return [[this.m.dishCustomerId, latinDigits(this.el.customerId.trim())]];
  }

  override coveredLines(quote: Quote | null, _amount: number, packageId: number | undefined): [string, string][] {
    const chosen = quote?.packages.find((p) => p.id === packageId);
    const label = this.m.facts.package;
    if (!chosen || !label) return [];
    const what = chosen.regular ? this.m.topUps : this.plural(this.m.months, chosen.months);
    const description = this.#description(chosen);
    return [[label, description ? `${description} (${what})` : what]];
  }
}
