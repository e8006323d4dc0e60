import { html } from 'lit/html.js';
import type { DreamerService } from './api.js';
import { addEnglish, latinDigits } from './internal/i18n.js';
import { enDreamer } from './internal/locales/en-lookup.js';
import { isDreamerServicesResponse } from './internal/guards.generated.js';
import { css } from './internal/base-element.js';
import { PayElement } from './internal/pay-element.js';
import { payStyles } from './internal/styles.js';
import './internal/view-kit.js';
import type { MessageKey } from './internal/validators.js';

addEnglish(enDreamer);

/**
 * Pays a Dreamer Electricity bill (e.g. Khamari Khola Electricity) through the merchant proxy: choose the
 * provider (hidden when the merchant enables only one), enter the customer code, see the due bills with
 * their discounts and penalties, confirm the total payable, pay, and get a receipt with the receipt no.
 */
export class DreamerPay extends PayElement<'dreamer'> {
  /** The shared styles, and the provider chooser's (only Dreamer's lookup has a select). */
  static override styles = [
    ...payStyles,
    css`
  label + select {
    margin-top: 0.35rem;
  }
  select {
    max-width: 100%;
    font: inherit;
  }
`,
  ];

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

  readonly #services = this.flow.list('dreamerServices', isDreamerServicesResponse);
  /** @internal The lookup form's field errors (its steps check it: dreamer-pay-steps.ts). */
  errors: Partial<Record<'service' | 'code', MessageKey | null>> = {};

  get #list(): DreamerService[] {
    return this.#services.value?.services ?? [];
  }

  /** @internal The services the merchant enabled (once their list is here). */
  get services(): DreamerService[] {
    return this.#list;
  }

  /** @internal The chosen service: the prefilled one, or the only one there is. */
  get slug(): string {
    const [only, ...others] = this.#list;
    return this.serviceSlug || (only && !others.length ? only.slug : '');
  }

  protected override heading() {
    return this.m.titles.dreamer;
  }

  async #submit(e: Event) {
    e.preventDefault();
    await this.submitLookup({ service_slug: this.slug, customer_code: latinDigits(this.customerCode.trim()) });
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
                <option value="" ?selected=${!this.slug}>—</option>
                ${this.#list.map((s) => html`<option value=${s.slug} ?selected=${s.slug === this.slug}>${s.name}</option>`)}
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

  /** @internal The chosen provider's name (the confirmation and the receipt show it). */
  get serviceName(): string {
    return this.#list.find((s) => s.slug === this.slug)?.name ?? this.slug;
  }

  protected override stepsModule() {
    return import('./dreamer-pay-steps.js');
  }
}

customElements.define('dreamer-pay', DreamerPay);

declare global {
  interface HTMLElementTagNameMap {
    'dreamer-pay': DreamerPay;
  }
}
