import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CONSUMER_ID, SC_NO, type Counter, type Quote } from './api.js';
import { fill } from './internal/i18n.js';
import { PayElement } from './internal/pay-element.js';
import { matches, oneOf, required, validateFields, type MessageKey } from './internal/validators.js';
import { rupeesToPaisa } from './money.js';

const CUSTOM = -1;

/**
 * Pays an NEA (Nepal Electricity Authority) bill through the merchant proxy: choose the counter, enter
 * SC No and consumer ID, see the due bills, choose how much to pay (the oldest bills first, or an amount
 * between the oldest bill and all dues), confirm with the service charge, pay, and get a receipt.
 */
@customElement('nea-pay')
export class NeaPay extends PayElement<'nea'> {
  readonly service = 'nea' as const;

  /** Prefill: the NEA counter's value, e.g. `201:ratnapark-dc`. */
  @property({ attribute: 'office-code' }) officeCode = '';

  /** Prefill: the customer's SC No, e.g. `024.12.512`. */
  @property({ attribute: 'sc-no' }) scNo = '';

  /** Prefill: the customer's consumer ID, e.g. `3042`. */
  @property({ attribute: 'consumer-id' }) consumerId = '';

  readonly #counters = this.flow.list('counters');
  @state() private query = '';
  @state() private open = false;
  @state() private active = 0;
  @state() private errors: Partial<Record<'counter' | 'sc' | 'id', MessageKey | null>> = {};
  @state() private option = 0;
  @state() private custom = '';

  get #list(): Counter[] {
    return this.#counters.value?.counters ?? [];
  }

  protected override heading() {
    return this.m.titles.nea;
  }

  get #selected(): Counter | undefined {
    return this.#list.find((c) => c.value === this.officeCode);
  }

  get #matches(): Counter[] {
    const q = this.query.trim().toLowerCase();
    return q ? this.#list.filter((c) => c.name.toLowerCase().includes(q) || c.value.includes(q)) : this.#list;
  }

  #pick(counter: Counter) {
    this.officeCode = counter.value;
    this.query = counter.name;
    this.open = false;
    this.errors = { ...this.errors, counter: null };
  }

  #onComboKey(e: KeyboardEvent) {
    const matches = this.#matches;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      this.active = this.open ? (this.active + step + matches.length) % Math.max(matches.length, 1) : 0;
      this.open = true;
    } else if (e.key === 'Enter' && this.open) {
      e.preventDefault();
      const counter = matches[this.active];
      if (counter) this.#pick(counter);
    } else if (e.key === 'Escape') {
      this.open = false;
    }
  }

  async #submit(e: Event) {
    e.preventDefault();
    const { errors, valid } = validateFields({
      counter: [this.officeCode, oneOf(this.#list.map((c) => c.value), 'invalidCounter')],
      sc: [this.scNo, required, matches(SC_NO, 'invalidScNo')],
      id: [this.consumerId, required, matches(CONSUMER_ID, 'invalidConsumerId')],
    });
    this.errors = errors;
    if (!valid) return this.focusInvalid();
    await this.flow.lookup({ office_code: this.officeCode, sc_no: this.scNo.trim(), consumer_id: this.consumerId.trim() });
    // Preselected: all due bills.
    this.option = this.flow.quote?.bills.length ?? 0;
    this.custom = '';
  }

  protected override renderLookup() {
    const m = this.m;
    const matches = this.#matches;
    const busy = this.flow.busy;
    const text = this.query || this.#selected?.name || '';
    return html`${this.stepHeading(m.stepLookup)}
      <form @submit=${this.#submit} novalidate>
        <div>
          <label for="counter">${m.counter}</label>
          <p class="hint" id="counter-hint">${m.counterHint}</p>
          <input
            id="counter"
            role="combobox"
            autocomplete="off"
            aria-autocomplete="list"
            aria-controls="counter-list"
            aria-expanded=${this.open}
            aria-activedescendant=${this.open && matches[this.active] ? `counter-${this.active}` : ''}
            aria-describedby="counter-hint counter-error"
            aria-invalid=${this.errors.counter ? 'true' : 'false'}
            .value=${text}
            @input=${(e: Event) => {
              this.query = (e.target as HTMLInputElement).value;
              this.officeCode = '';
              this.open = true;
              this.active = 0;
            }}
            @keydown=${this.#onComboKey}
            @blur=${() => (this.open = false)}
          />
          <ul id="counter-list" role="listbox" aria-label=${m.counter} ?hidden=${!this.open}>
            ${matches.length
              ? matches.map(
                  (c, i) => html`<li
                    id="counter-${i}"
                    role="option"
                    class=${i === this.active ? 'active' : ''}
                    aria-selected=${c.value === this.officeCode}
                    @mousedown=${(e: Event) => e.preventDefault()}
                    @click=${() => this.#pick(c)}
                  >
                    ${c.name}
                  </li>`,
                )
              : html`<li role="option" aria-disabled="true" aria-selected="false">${m.counterNone}</li>`}
          </ul>
          <p class="invalid" id="counter-error">${this.invalid(this.errors.counter)}</p>
        </div>
        ${this.field('sc-no', m.scNo, m.scNoHint, this.errors.sc, this.scNo, (v) => (this.scNo = v))}
        ${this.field('consumer-id', m.consumerId, m.consumerIdHint, this.errors.id, this.consumerId, (v) => (this.consumerId = v), {
          inputmode: 'numeric',
        })}
        <div class="actions">
          <button type="submit" class="primary" part="button" ?disabled=${busy === 'lookup' || busy === 'load'}>${m.lookUp}</button>
          ${this.renderCancel()}
        </div>
      </form>`;
  }

  /** The amount the customer chose, or null while a custom amount is not valid. */
  #amount(quote: Quote): number | null {
    if (this.option !== CUSTOM) {
      return quote.bills.slice(0, this.option).reduce((sum, b) => sum + b.payable_paisa, 0) || null;
    }
    const paisa = rupeesToPaisa(this.custom);
    return paisa !== null && paisa >= quote.min_paisa && paisa <= quote.max_paisa ? paisa : null;
  }

  protected override renderChoice(quote: Quote) {
    const m = this.m;
    if (!quote.bills.length) return this.renderNoDues(quote);
    const rule = { min: this.money(quote.min_paisa), max: this.money(quote.max_paisa) };
    let running = 0;
    const amount = this.#amount(quote);
    const customInvalid = this.option === CUSTOM && this.custom !== '' && amount === null;
    return html`${this.stepHeading(m.stepChoose)}
      <dl>
        <dt>${m.customer}</dt>
        <dd>${quote.customer_name}</dd>
      </dl>
      ${this.billsTable(quote.bills, [
        [m.period, (b) => b.label],
        [m.status, (b) => b.status ?? ''],
        [m.days, (b) => this.count(b.days), true],
        [m.payable, (b) => this.money(b.payable_paisa), true],
      ])}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          if (amount !== null) void this.flow.choose(amount);
        }}
      >
        <fieldset>
          <legend>${m.chooseAmount}</legend>
          <p class="hint" id="rule">${fill(m.amountRule, rule)}</p>
          ${quote.bills.map((b, i) => {
            running += b.payable_paisa;
            return html`<label class="choice">
              <input type="radio" name="amount" .checked=${this.option === i + 1} @change=${() => (this.option = i + 1)} />
              ${this.plural(m.payBills, i + 1, { amount: this.money(running) })}
            </label>`;
          })}
          <label class="choice">
            <input type="radio" name="amount" .checked=${this.option === CUSTOM} @change=${() => (this.option = CUSTOM)} />
            ${m.customAmount}
          </label>
          ${this.option === CUSTOM
            ? html`<input
                  id="custom-amount"
                  inputmode="decimal"
                  aria-label=${m.customAmount}
                  aria-describedby="rule custom-error"
                  aria-invalid=${customInvalid ? 'true' : 'false'}
                  .value=${this.custom}
                  @input=${(e: Event) => (this.custom = (e.target as HTMLInputElement).value)}
                />
                <p class="invalid" id="custom-error">${customInvalid ? fill(m.invalidAmount, rule) : ''}</p>`
            : nothing}
        </fieldset>
        ${this.renderChoiceActions(amount !== null)}
      </form>`;
  }

  protected override receiptLines(): [string, string][] {
    return [
      [this.m.counter, this.#selected?.name ?? this.officeCode],
      [this.m.scNo, this.scNo],
      [this.m.consumerId, this.consumerId],
    ];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'nea-pay': NeaPay;
  }
}
