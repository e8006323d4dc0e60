import { html } from 'lit/html.js';
import type { Counter } from './api.js';
import type NeaSteps from './nea-pay-steps.js';
import { addEnglish, latinDigits } from './internal/i18n.js';
import { enNea } from './internal/locales/en-lookup.js';
import { isCountersResponse } from './internal/guards.generated.js';
import { css } from './internal/base-element.js';
import { PayElement } from './internal/pay-element.js';
import { payStyles } from './internal/styles.js';
import './internal/view-kit.js';
import type { MessageKey } from './internal/validators.js';

addEnglish(enNea);

/** Which lookup form the counter asks for: the seed's (v1), or at a migrated counter the new number or the old ones. */
export type Form = 'v1' | 'consumer-no' | 'old-numbers';

/**
 * Pays an NEA (Nepal Electricity Authority) bill through the merchant proxy: choose the counter, enter
 * SC No and consumer ID, see the due bills, choose how much to pay (the oldest bills first, or an amount
 * between the oldest bill and all dues), confirm with the service charge, pay, and get a receipt.
 *
 * At a counter migrated to NEA's second generation (`migrated_to_v2`) the customer enters the new
 * consumer number, or the old SC No and consumer ID (the widget then tells them their new number); the
 * amount is at least the oldest bill, more than all dues is allowed, and with nothing due the customer
 * may pay in advance. The receipt lists the bills the payment reached; the events carry `generation`.
 */
export class NeaPay extends PayElement<'nea'> {
  /** The shared styles, and the counter combobox's (only NEA's lookup has one). */
  static override styles = [
    ...payStyles,
    css`
  .hint + .combo {
    margin-top: 0.35rem;
  }
  [role='listbox'] {
    list-style: none;
    margin: 0.25em 0 0;
    padding: 0;
    max-height: 12rem;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }
  [role='option'] {
    padding: 0.35em 0.6em;
    cursor: pointer;
  }
  [role='option'][aria-selected='true'],
  [role='option'].active {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .combo {
    display: flex;
  }
  .combo input {
    flex: 1;
    min-width: 0;
    border-start-end-radius: 0;
    border-end-end-radius: 0;
  }
  .combo .toggle {
    border-start-start-radius: 0;
    border-end-start-radius: 0;
    padding: 0 0.75em;
  }
`,
  ];

  static override properties = {
    officeCode: { attribute: 'office-code' },
    scNo: { attribute: 'sc-no' },
    consumerId: { attribute: 'consumer-id' },
    consumerNo: { attribute: 'consumer-no' },
    query: { state: true, attribute: false },
    open: { state: true, attribute: false },
    active: { state: true, attribute: false },
    errors: { state: true, attribute: false },
    oldNumbers: { state: true, attribute: false },
  };

  readonly service = 'nea' as const;

  /** Prefill: the NEA counter's value, e.g. `201:ratnapark-dc`. */
  officeCode = '';

  /** Prefill: the customer's SC No, e.g. `024.12.512`. */
  scNo = '';

  /** Prefill: the customer's consumer ID, e.g. `3042`. */
  consumerId = '';

  /** Prefill: the new consumer number, at a counter migrated to NEA's second generation, e.g. `1001595737`. */
  consumerNo = '';

  readonly #counters = this.flow.list('counters', isCountersResponse);
  private query = '';
  private open = false;
  private active = 0;
  /** @internal The lookup form's field errors (its steps check it: nea-pay-steps.ts). */
  errors: Partial<Record<'counter' | 'sc' | 'id' | 'no', MessageKey | null>> = {};
  /** @internal At a migrated counter: whether the customer gives the old numbers (null: as the prefill suggests). */
  oldNumbers: boolean | null = null;

  get #list(): Counter[] {
    return this.#counters.value?.counters ?? [];
  }

  protected override heading() {
    return this.m.titles.nea;
  }

  /** @internal The chosen counter (the confirmation and the receipt name it). */
  get selected(): Counter | undefined {
    return this.#list.find((c) => c.value === this.officeCode);
  }

  /**
   * The counters that match the query: those that start with it first, then those with a word that does, then the
   * rest that hold it (each group in the list's order: the sort is stable).
   */
  get #matches(): Counter[] {
    const q = this.query.trim().toLowerCase();
    const rank = (c: Counter) => {
      const name = c.name.toLowerCase();
      return name.startsWith(q) || c.value.startsWith(q)
        ? 0
        : name.split(/[^\p{L}\p{N}]+/u).some((word) => word.startsWith(q))
          ? 1
          : name.includes(q) || c.value.includes(q)
            ? 2
            : 3;
    };
    return q ? this.#list.filter((c) => rank(c) < 3).sort((a, b) => rank(a) - rank(b)) : this.#list;
  }

  /** The counter whose name is exactly the query (any case): typing it counts as picking it. */
  #exact(query: string): Counter | undefined {
    const q = query.trim().toLowerCase();
    return q ? this.#list.find((c) => c.name.toLowerCase() === q) : undefined;
  }

  /**
   * The form the chosen counter asks for. At a migrated counter: the new consumer number, unless the
   * customer chose the old numbers (or only the old numbers were prefilled).
   */
  /** @internal */
  get form(): Form {
    if (!this.selected?.migrated_to_v2) return 'v1';
    const old = this.oldNumbers ?? (!this.consumerNo && Boolean(this.scNo || this.consumerId));
    return old ? 'old-numbers' : 'consumer-no';
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
    // A prefilled or typed counter is checked against the list: wait for it if it is still loading.
    if (this.flow.busy === 'load') await this.#counters.taskComplete.catch(() => undefined);
    if (!this.officeCode) {
      const exact = this.#exact(this.query);
      if (exact) this.#pick(exact);
    }
    const office_code = this.officeCode;
    const digits = (value: string) => latinDigits(value.trim());
    await this.submitLookup(
      this.form === 'consumer-no' ? { office_code, consumer_no: digits(this.consumerNo) } : { office_code, sc_no: digits(this.scNo), consumer_id: digits(this.consumerId) },
    );
  }

  protected override renderLookup() {
    const m = this.m;
    const matches = this.#matches;
    const busy = this.flow.busy;
    const text = this.query || this.selected?.name || '';
    return html`${this.stepHeading(m.stepLookup)}
      <form @submit=${this.#submit} novalidate>
        <div>
          <label for="counter">${m.counter}</label>
          <p class="hint" id="counter-hint">${m.counterHint}</p>
          <div class="combo">
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
                this.officeCode = this.#exact(this.query)?.value ?? '';
                this.open = true;
                this.active = 0;
              }}
              @click=${() => (this.open = true)}
              @keydown=${this.#onComboKey}
              @blur=${() => (this.open = false)}
            />
            <button
              type="button"
              class="toggle"
              tabindex="-1"
              aria-label=${m.showCounters}
              aria-controls="counter-list"
              aria-expanded=${this.open}
              @mousedown=${(e: Event) => e.preventDefault()}
              @click=${() => {
                this.open = !this.open;
                this.renderRoot.querySelector<HTMLInputElement>('#counter')?.focus();
              }}
            >
              <span aria-hidden="true">▾</span>
            </button>
          </div>
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
        ${this.#numbers()}
        <div class="actions">
          <button type="submit" class="primary" part="button" ?disabled=${busy === 'lookup' || busy === 'load'}>${this.busyLabel(m.lookUp, busy === 'lookup')}</button>
          ${this.renderCancel()}
        </div>
      </form>`;
  }

  /** @internal The old numbers' fields (SC No and consumer ID): a counter's form, unless it is migrated and the customer gives the new number. */
  oldNumberFields() {
    const m = this.m;
    return html`${this.field('sc-no', m.scNo, m.scNoHint, this.errors.sc, this.scNo, (v) => (this.scNo = v))}
    ${this.field('consumer-id', m.consumerId, m.consumerIdHint, this.errors.id, this.consumerId, (v) => (this.consumerId = v), {
      inputmode: 'numeric',
    })}`;
  }

  /**
   * The customer's numbers, as the counter asks for them: a migrated counter's forms come with the steps (until they are
   * here a skeleton, which assistive technology reads as a loading indicator).
   */
  #numbers() {
    const form = this.form;
    if (form === 'v1') return this.oldNumberFields();
    return (this.steps as NeaSteps | null)?.renderMigrated(form) ?? html`<div class="skeleton" role="progressbar" aria-label=${this.m.loading}></div>`;
  }

  protected override stepsModule() {
    return import('./nea-pay-steps.js');
  }
}

customElements.define('nea-pay', NeaPay);

declare global {
  interface HTMLElementTagNameMap {
    'nea-pay': NeaPay;
  }
}
