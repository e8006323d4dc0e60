/** `<nea-pay>`'s steps after the lookup (in the steps chunk): the bills and the amount, its confirmation and receipt lines. */
import type { Quote } from './api.js';
import { billsReached } from './bills.js';
import { fromKit } from './internal/from-kit.js';
import { StepsView } from './internal/steps.js';
import { matches, required, validateFields } from './internal/validators.js';
import { CONSUMER_ID, CONSUMER_NO, SC_NO } from './patterns.js';
import { rupeesToPaisa } from './money.js';
import type { NeaPay } from './nea-pay.js';

const { fill, html, latinDigits, nothing } = fromKit('fill', 'html', 'latinDigits', 'nothing');

const CUSTOM = -1;

/** The steps after the lookup, which this chunk carries for the flow (internal/flow.ts `loadSteps`). */
export { Checkout } from './internal/checkout.js';

export default class NeaSteps extends StepsView<NeaPay> {
  /** The amount option and custom amount, for the quote they were chosen from (a new lookup starts afresh). */
  #choice: { quote: Quote | null; option: number; custom: string } = { quote: null, option: 0, custom: '' };

  /**
   * The numbers at a counter migrated to NEA's second generation: the new consumer number, or the old numbers when the
   * customer only knows those (the proxy finds the new one from them).
   */
  renderMigrated(form: 'consumer-no' | 'old-numbers') {
    const { el, m } = this;
    if (form === 'consumer-no') {
      return html`<p class="note">${m.migratedCounter}</p>
        ${el.field('consumer-no', m.consumerNo, m.consumerNoHint, el.errors.no, el.consumerNo, (v) => (el.consumerNo = v), {
          inputmode: 'numeric',
        })}
        <button type="button" class="link" @click=${() => this.#switchForm(true)}>${m.useOldNumbers}</button>`;
    }
    return html`<p class="note">${m.oldNumbersHint}</p>
      ${el.oldNumberFields()}
      <button type="button" class="link" @click=${() => this.#switchForm(false)}>${m.useConsumerNo}</button>`;
  }

  async #switchForm(oldNumbers: boolean) {
    const { el } = this;
    el.oldNumbers = oldNumbers;
    el.errors = { counter: el.errors.counter };
    await el.updateComplete;
    el.renderRoot.querySelector<HTMLInputElement>(oldNumbers ? '#sc-no' : '#consumer-no')?.focus();
  }

  override checkLookup(): boolean {
    const el = this.el;
    const { errors, valid } = validateFields({
      // One of the list's counters.
      counter: [el.officeCode, () => (el.selected ? null : 'invalidCounter')],
      ...(el.form === 'consumer-no'
        ? { no: [el.consumerNo, required, matches(CONSUMER_NO, 'invalidConsumerNo')] }
        : { sc: [el.scNo, required, matches(SC_NO, 'invalidScNo')], id: [el.consumerId, required, matches(CONSUMER_ID, 'invalidConsumerId')] }),
    });
    el.errors = errors;
    return valid;
  }

  /** The choice for the quote on screen: preselected all due bills; with none due (NEA v2), an amount in advance. */
  get #current() {
    const quote = this.quote;
    if (quote && this.#choice.quote !== quote) this.#choice = { quote, option: quote.bills.length || CUSTOM, custom: '' };
    return this.#choice;
  }

  get #option(): number {
    return this.#current.option;
  }

  set #option(option: number) {
    this.#current.option = option;
    this.el.requestUpdate();
  }

  get #custom(): string {
    return this.#current.custom;
  }

  set #custom(custom: string) {
    this.#current.custom = custom;
    this.el.requestUpdate();
  }

  /** The amount the customer chose, or null while a custom amount is not valid. */
  #amount(quote: Quote): number | null {
    if (this.#option !== CUSTOM) {
      return quote.bills.slice(0, this.#option).reduce((sum, b) => sum + b.payable_paisa, 0) || null;
    }
    const paisa = rupeesToPaisa(latinDigits(this.#custom));
    return paisa !== null && paisa >= quote.min_paisa && paisa <= quote.max_paisa ? paisa : null;
  }

  override renderChoice(quote: Quote) {
    const m = this.m;
    const v2 = quote.generation === 'v2';
    const advance = !quote.bills.length;
    if (advance && !v2) return this.renderNoDues(quote);
    const rule = { min: this.money(quote.min_paisa), max: this.money(quote.max_paisa), total: this.money(quote.total_due_paisa) };
    let running = 0;
    const amount = this.#amount(quote);
    const customInvalid = this.#option === CUSTOM && this.#custom !== '' && amount === null;
    return html`${this.stepHeading(m.stepChoose)}
      ${quote.new_consumer_no ? html`<p class="note" role="note">${fill(m.newConsumerNo, { number: quote.new_consumer_no })}</p>` : nothing}
      <dl>
        <dt>${m.customer}</dt>
        <dd>${quote.customer_name}</dd>
        ${quote.facts.map((f) => html`<dt>${m.facts[f.key] ?? f.key}</dt><dd>${this.biller(f.value)}</dd>`)}
      </dl>
      ${advance
        ? nothing
        : this.billsTable(quote.bills, [
        [m.period, (b) => this.biller(b.label)],
        [m.status, (b) => this.biller(b.status ?? '')],
        [m.days, (b) => this.count(b.days), true],
        [m.payable, (b) => this.money(b.payable_paisa), true],
      ])}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          if (amount !== null) void this.checkout.choose(amount);
        }}
      >
        <fieldset>
          <legend>${m.chooseAmount}</legend>
          <p class="hint" id="rule">${fill(v2 ? (advance ? m.advanceRule : m.amountRuleV2) : m.amountRule, rule)}</p>
          ${quote.bills.map((b, i) => {
            running += b.payable_paisa;
            return html`<label class="choice">
              <input type="radio" name="amount" .checked=${this.#option === i + 1} @change=${() => (this.#option = i + 1)} />
              ${this.plural(m.payBills, i + 1, { amount: this.money(running) })}
            </label>`;
          })}
          ${advance
            ? html`<label for="custom-amount">${m.advanceAmount}</label>`
            : quote.min_paisa === quote.max_paisa
              ? nothing // one amount only: nothing else to offer
              : html`<label class="choice">
                <input type="radio" name="amount" .checked=${this.#option === CUSTOM} @change=${() => (this.#option = CUSTOM)} />
                ${m.customAmount}
              </label>`}
          ${this.#option === CUSTOM
            ? html`<input
                  id="custom-amount"
                  inputmode="decimal"
                  aria-label=${advance ? nothing : m.customAmount}
                  aria-describedby="rule custom-error"
                  aria-invalid=${customInvalid ? 'true' : 'false'}
                  .value=${this.#custom}
                  @input=${(e: Event) => (this.#custom = (e.target as HTMLInputElement).value)}
                />
                <p class="invalid" id="custom-error">${customInvalid ? fill(m.invalidAmount, rule) : ''}</p>`
            : nothing}
        </fieldset>
        ${this.renderChoiceActions(amount !== null)}
      </form>`;
  }

  override currentChoice(quote: Quote) {
    const amount = this.#amount(quote);
    return amount === null ? null : { amount };
  }

  override accountLines(): [string, string][] {
    const m = this.m;
    const quote = this.quote;
    const lines: [string, string][] = [[m.counter, this.el.selected?.name ?? this.el.officeCode]];
    if (this.el.form !== 'consumer-no') lines.push([m.scNo, latinDigits(this.el.scNo.trim())], [m.consumerId, latinDigits(this.el.consumerId.trim())]);
    const consumerNo = quote?.facts.find((f) => f.key === 'consumer_no')?.value ?? quote?.new_consumer_no ?? (this.el.form === 'consumer-no' ? latinDigits(this.el.consumerNo.trim()) : '');
    lines.push([m.consumerNo, consumerNo]);
    return lines;
  }

  /** The bills the amount reaches (oldest first), what it pays in advance, and what stays due. */
  override coveredLines(quote: Quote | null, amount: number, _packageId: number | undefined, done: boolean): [string, string][] {
    if (!quote) return [];
    const m = this.m;
    const lines: [string, string][] = [];
    const paid = billsReached(quote.bills, amount);
    if (paid.length) lines.push([done ? m.billsPaid : m.billsCovered, paid.map((b) => this.biller(b.label)).join(', ')]);
    const ahead = amount - quote.total_due_paisa;
    if (ahead > 0) lines.push([m.paidInAdvance, this.money(ahead)]);
    if (ahead < 0) lines.push([m.remainingDue, this.money(-ahead)]);
    return lines;
  }
}
