import { html } from 'lit/html.js';
import { addEnglish, latinDigits } from './internal/i18n.js';
import { enDishhome } from './internal/locales/en-lookup.js';
import { PayElement } from './internal/pay-element.js';
import './internal/view-kit.js';
import type { MessageKey } from './internal/validators.js';

addEnglish(enDishhome);

/**
 * Recharges a Dish Home TV/ISP subscription through the merchant proxy: enter the customer ID, see the
 * customer's card (package, status, expiry, zone and district), choose a duration package (months and
 * bonus) or a regular top-up, confirm, recharge, and get a receipt with the new expiry date.
 */
export class DishhomeRecharge extends PayElement<'dishhome'> {
  static override properties = {
    customerId: { attribute: 'customer-id' },
    error: { state: true, attribute: false },
  };

  readonly service = 'dishhome' as const;

  /** Prefill: the Dish Home customer ID, e.g. `71909771942`. */
  customerId = '';

  /** @internal The lookup form's field error (its steps check it: dishhome-recharge-steps.ts). */
  error: MessageKey | null = null;

  protected override heading() {
    return this.m.titles.dishhome;
  }

  async #submit(e: Event) {
    e.preventDefault();
    await this.submitLookup({ customer_id: latinDigits(this.customerId.trim()) });
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


  protected override stepsModule() {
    return import('./dishhome-recharge-steps.js');
  }
}

customElements.define('dishhome-recharge', DishhomeRecharge);

declare global {
  interface HTMLElementTagNameMap {
    'dishhome-recharge': DishhomeRecharge;
  }
}
