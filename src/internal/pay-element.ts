/**
 * What every payment element shares: properties, the flow core, the confirm / pending / receipt /
 * failure steps, progress and error rendering, state attributes and focus handling. An element adds
 * its lookup form, its choice step and its receipt lines.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { ServiceId } from '../api.js';
import { formatNpr } from '../money.js';
import { errorText, fill, loadLocale, messages, type Messages } from './i18n.js';
import { PayFlow, type Busy } from './flow.js';
import { payStyles } from './styles.js';

const PROGRESS: Record<Exclude<Busy, null>, keyof Messages> = {
  load: 'loadingCounters',
  lookup: 'lookingUp',
  charge: 'pricing',
  pay: 'paying',
  status: 'checking',
};

export abstract class PayElement extends LitElement {
  static override styles = payStyles;

  /** URL of the merchant proxy's API (this package's server); the widget talks to nothing else. */
  @property() endpoint = '/api';

  /** Language of the widget: `en` or `ne`. */
  @property({ reflect: true }) locale = 'en';

  /** Colour theme: `light` (default) or `dark`. Custom properties `--pay-*` refine any theme. */
  @property({ reflect: true }) theme = 'light';

  abstract readonly service: ServiceId;

  protected readonly flow = new PayFlow(this);
  #renderedStep = this.flow.step;

  protected get m(): Messages {
    return messages(this.locale);
  }

  protected money(paisa: number): string {
    return formatNpr(paisa, this.locale);
  }

  protected abstract heading(): string;
  protected abstract renderLookup(): TemplateResult;
  protected abstract renderChoice(): TemplateResult;
  /** Extra receipt lines (label, value) after the common ones. */
  protected receiptLines(): [string, string][] {
    return [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) void loadLocale(this.locale).then((fresh) => fresh && this.requestUpdate());
    this.setAttribute('step', this.flow.step);
    this.toggleAttribute('loading', this.flow.busy !== null);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.flow.step !== this.#renderedStep) {
      this.#renderedStep = this.flow.step;
      // Each new step takes the focus, so keyboard and screen-reader users land on it.
      this.renderRoot.querySelector<HTMLElement>('[data-focus]')?.focus();
    }
  }

  protected override render() {
    const { step, busy, quote } = this.flow;
    const m = this.m;
    return html`<section part="base" aria-busy=${busy !== null} lang=${this.locale}>
      <h2 part="header">${this.heading()}</h2>
      ${quote?.test_mode ? html`<p class="badge">${m.testMode}</p>` : nothing}
      ${step === 'lookup'
        ? this.renderLookup()
        : step === 'choose'
          ? this.renderChoice()
          : step === 'confirm'
            ? this.#confirm()
            : step === 'pending'
              ? this.#pending()
              : step === 'done'
                ? this.#receipt()
                : this.#failed()}
      <p role="status">${busy ? m[PROGRESS[busy]] : ''}</p>
      ${step === 'failed' ? nothing : this.renderError()}
    </section>`;
  }

  /** A step's heading: focused when the step opens. */
  protected stepHeading(text: string) {
    return html`<h3 tabindex="-1" data-focus>${text}</h3>`;
  }

  protected renderError() {
    const error = this.flow.error;
    if (!error) return nothing;
    return html`<div part="error" role="alert">
      <p>${errorText(this.m, error.code)}${error.reason ? html` (${error.reason})` : nothing}</p>
      ${error.retry ? html`<button @click=${error.retry}>${this.m[error.code === 'PAY_UNCONFIRMED' ? 'checkNow' : 'retry']}</button>` : nothing}
    </div>`;
  }

  /** Cancel for a running lookup or price request (never for a payment). */
  protected renderCancel() {
    const busy = this.flow.busy;
    return busy && busy !== 'pay' ? html`<button type="button" @click=${() => this.flow.cancel()}>${this.m.cancel}</button>` : nothing;
  }

  #amounts(amount: number, charge: number, total: number) {
    const m = this.m;
    return html`<dl>
      <dt>${m.customer}</dt>
      <dd>${this.flow.quote?.customer_name ?? this.flow.payment?.customer_name}</dd>
      <dt>${m.amount}</dt>
      <dd>${this.money(amount)}</dd>
      <dt>${m.serviceCharge}</dt>
      <dd>${this.money(charge)}</dd>
      <dt class="total">${m.total}</dt>
      <dd class="total">${this.money(total)}</dd>
    </dl>`;
  }

  #confirm() {
    const { charge, busy, error } = this.flow;
    const m = this.m;
    if (!charge) return nothing;
    const paying = busy === 'pay';
    const unconfirmed = error?.code === 'PAY_UNCONFIRMED';
    return html`${this.stepHeading(m.confirmTitle)}
      ${this.#amounts(charge.amount_paisa, charge.service_charge_paisa, charge.total_paisa)}
      <div class="actions">
        ${unconfirmed
          ? nothing
          : html`<button class="primary" part="button pay-button" ?disabled=${paying} @click=${() => this.flow.pay()}>
              ${fill(m.payNow, { total: this.money(charge.total_paisa) })}
            </button>`}
        ${paying || unconfirmed ? nothing : html`<button @click=${() => this.flow.back()}>${m.back}</button>`}
      </div>`;
  }

  #reference() {
    const p = this.flow.payment;
    return p ? html`<dl><dt>${this.m.reference}</dt><dd>${p.reference}</dd></dl>` : nothing;
  }

  #pending() {
    const m = this.m;
    return html`${this.stepHeading(m.pendingTitle)}
      <p>${m.pendingBody}</p>
      ${this.#reference()}
      <div class="actions">
        <button ?disabled=${this.flow.busy === 'status'} @click=${() => this.flow.check()}>${m.checkNow}</button>
      </div>`;
  }

  #receipt() {
    const p = this.flow.payment!;
    const m = this.m;
    return html`<div part="receipt" class="grid">
      ${this.stepHeading(m.receiptTitle)}
      ${this.#amounts(p.amount_paisa, p.service_charge_paisa, p.total_paisa)}
      <dl>
        <dt>${m.reference}</dt>
        <dd>${p.reference}</dd>
        ${p.transaction_id ? html`<dt>${m.transactionId}</dt><dd>${p.transaction_id}</dd>` : nothing}
        ${this.receiptLines().map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}
      </dl>
      <div class="actions"><button class="primary" @click=${() => this.flow.reset()}>${m.payAnother}</button></div>
    </div>`;
  }

  #failed() {
    const m = this.m;
    return html`${this.stepHeading(m.failedTitle)} ${this.renderError()} ${this.#reference()}
      <div class="actions"><button class="primary" @click=${() => this.flow.reset()}>${m.startOver}</button></div>`;
  }

  /** A labelled input with hint and inline error, wired with aria-describedby / aria-invalid. */
  protected field(
    id: string,
    label: string,
    hint: string,
    error: string | null,
    value: string,
    onInput: (value: string) => void,
    extra: { inputmode?: string; autocomplete?: string } = {},
  ) {
    return html`<div>
      <label for=${id}>${label}</label>
      <p class="hint" id="${id}-hint">${hint}</p>
      <input
        id=${id}
        name=${id}
        .value=${value}
        inputmode=${extra.inputmode ?? 'text'}
        autocomplete=${extra.autocomplete ?? 'off'}
        aria-describedby="${id}-hint ${id}-error"
        aria-invalid=${error ? 'true' : 'false'}
        @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)}
      />
      <p class="invalid" id="${id}-error">${error ?? ''}</p>
    </div>`;
  }
}
