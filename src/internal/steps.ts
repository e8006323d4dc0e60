/**
 * The steps after the lookup, as every element shows them: the choice step's frame, the confirmation with the
 * payment method chooser, pending, the receipt and the failure. A chunk of its own (with checkout.ts, their
 * strings and styles), fetched when an element connects; each element's module adds its choice step and its
 * lines (e.g. nea-pay-steps.ts).
 */
import type { TemplateResult } from 'lit/html.js';
import type { Bill, Fact, Quote } from '../api.js';
import { formatCount, formatNpr } from '../money.js';
import { fundingText, type Checkout } from './checkout.js';
import type { Chosen, FlowState } from './flow.js';
import { billerText, formatDateTime, plural } from './format.js';
import type { Messages, Plural } from './i18n.js';
import { fromKit } from './from-kit.js';
import { enSteps } from './locales/en-steps.js';
import type { PayElement } from './pay-element.js';
import { stepStyles } from './step-styles.js';

const { addEnglish, addStyles, fill, html, localCalendarDate, nothing, reasonText } = fromKit('addEnglish', 'addStyles', 'fill', 'html', 'localCalendarDate', 'nothing', 'reasonText');

addEnglish(enSteps);
addStyles(stepStyles);

type StepState<S extends FlowState['step']> = Extract<FlowState, { step: S }>;
/** The receipt step's state: the payment, its attempt, and the quote it came from (none after a reload). */
export type ReceiptState = StepState<'done'>;

/** An element's steps after the lookup; its module's default export is the subclass for the element. */
export abstract class StepsView<E extends PayElement = PayElement> {
  /** @internal The reference just copied to the clipboard (its button then says so). */
  copiedReference = '';

  constructor(protected readonly el: E) {}

  protected get m(): Messages {
    return this.el.m;
  }

  protected get flow(): E['flow'] {
    return this.el.flow;
  }

  /** The steps' checkout: a step after the lookup is only reached through it, so it is here whenever a step renders. */
  protected get checkout(): Checkout {
    return this.flow.checkout!;
  }

  /** The quote on screen (for its test-mode flag), if any. */
  protected get quote(): Quote | null {
    const s = this.flow.state;
    return s.step === 'lookup' ? null : s.quote;
  }

  /** Whose payment this is: from the lookup, or the attempt being paid. */
  protected get customerName(): string {
    const s = this.flow.state;
    return s.step === 'lookup' ? '' : s.step === 'choose' ? s.quote.customer_name : s.attempt.customer;
  }

  protected money(paisa: number): string {
    return formatNpr(paisa, this.el.locale);
  }

  protected count(n: number | null): string {
    return n === null ? '' : formatCount(n, this.el.locale);
  }

  /** A count-dependent wording with `{count}` in the locale's digits, e.g. "3 months". */
  protected plural(forms: Plural, n: number, params: Record<string, string> = {}): string {
    return fill(plural(forms, this.el.locale, n), { ...params, count: this.count(n) });
  }

  /** A biller's English wording in the widget's language where it is a known value, else as it came. */
  protected biller(text: string): string {
    return billerText(this.m, this.el.locale, text);
  }

  protected stepHeading(text: string, className = '') {
    return this.el.stepHeading(text, className);
  }

  protected busyLabel(label: string, busy: boolean, busyText = label) {
    return this.el.busyLabel(label, busy, busyText);
  }

  protected renderError() {
    return this.el.renderError();
  }

  protected renderCancel() {
    return this.el.renderCancel();
  }

  /** What the progress line says while a request of these steps runs; back from a gateway, its name ("Confirming your payment with Khalti…"). */
  progress(busy: 'charge' | 'pay' | 'status'): string {
    const { m } = this;
    const gateway = this.checkout.gateway;
    return busy === 'status' && gateway ? fill(m.confirmingWith, { method: m.fundingNames[gateway.method] }) : m[busy === 'charge' ? 'pricing' : busy === 'pay' ? 'paying' : 'checking'];
  }

  /** The choice step: what the element offers for the quote. */
  abstract renderChoice(quote: Quote): TemplateResult;

  /**
   * Checks the element's lookup form (here, out of the first load: the element's `submitLookup` asks): sets the element's
   * field errors, and says whether the form is valid.
   */
  abstract checkLookup(): boolean;

  /** A step after the lookup, with the test-mode badge above it. */
  render(state: Exclude<FlowState, { step: 'lookup' }>) {
    return html`${state.quote?.test_mode ? html`<p class="badge">${this.m.testMode}</p>` : nothing}${this.#step(state)}`;
  }

  #step(state: Exclude<FlowState, { step: 'lookup' }>) {
    switch (state.step) {
      case 'choose':
        return this.renderChoice(state.quote);
      case 'confirm':
        return this.#confirm(state);
      case 'pending':
        return this.#pending(state);
      case 'done':
        return this.#receipt(state);
      case 'failed':
        return this.#failed(state);
    }
  }

  /** Extra receipt lines (label, value) after the common ones and the biller's receipt facts. */
  protected receiptLines(_state: ReceiptState): [string, string][] {
    return [];
  }
  /** What the customer has chosen on the choice step (its charge is previewed as they choose), or null. */
  currentChoice(_quote: Quote): Chosen | null {
    return null;
  }
  /** The account being paid (confirm step and receipt): counter, numbers, provider... (label, value). */
  protected accountLines(): [string, string][] {
    return [];
  }
  /**
   * What an amount pays for (confirm step and receipt): the bills it covers, what stays due, the package.
   * `quote` is null after a reload.
   */
  protected coveredLines(_quote: Quote | null, _amount: number, _packageId: number | undefined, _done: boolean): [string, string][] {
    return [];
  }
  /** The pay button's text for a total. */
  protected payLabel(total: string): string {
    return fill(this.m.payNow, { total });
  }
  /** The label of the customer's row on the confirm and receipt steps: the same as on the steps before. */
  protected customerLabel(): string {
    return this.m.customer;
  }
  /** The text of the button that starts a new payment after a receipt. */
  protected againLabel(): string {
    return this.m.payAnother;
  }

  /** Facts about the customer or the receipt, labelled in the widget's language. */
  protected renderFacts(facts: Fact[]) {
    return facts.length
      ? html`<dl>${facts.map((f) => html`<dt>${this.m.facts[f.key] ?? f.key}</dt><dd>${this.biller(f.value)}</dd>`)}</dl>`
      : nothing;
  }

  /** The due bills as a table; each column is a header and a cell (numeric columns align right). */
  protected billsTable(bills: Bill[], columns: [header: string, cell: (b: Bill) => unknown, numeric?: boolean][]) {
    // Explicit roles: a narrow widget shows the rows stacked (display: block), which must not cost the table its semantics.
    return html`<table role="table">
      <caption class="hint">${this.m.dueBills}</caption>
      <thead role="rowgroup">
        <tr role="row">${columns.map(([header, , numeric]) => html`<th role="columnheader" scope="col" class=${numeric ? 'num' : ''}>${header}</th>`)}</tr>
      </thead>
      <tbody role="rowgroup">
        ${bills.map(
          (b) =>
            html`<tr role="row">
              ${columns.map(([header, cell, numeric]) => {
                const value = cell(b);
                const blank = value === '' || value === null || value === undefined;
                return html`<td role="cell" data-label=${header} class="${numeric ? 'num' : ''} ${blank ? 'blank' : ''}">${value}</td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  /** The choice step's frame when there is nothing to pay. */
  protected renderNoDues(quote: Quote) {
    return html`${this.stepHeading(quote.customer_name)}
      <p>${this.m.noDues}</p>
      <div class="actions"><button @click=${() => this.checkout.back()}>${this.m.back}</button></div>`;
  }

  /** The choice step's actions: continue (to pricing), cancel while pricing, back. */
  protected renderChoiceActions(ready: boolean) {
    const pricing = this.flow.busy === 'charge';
    return html`${this.#preview()}<div class="actions">
      <button type="submit" class="primary" part="button" ?disabled=${pricing || !ready}>${this.busyLabel(this.m.continue, pricing)}</button>
      ${this.renderCancel()}
      <button type="button" @click=${() => this.checkout.back()}>${this.m.back}</button>
    </div>`;
  }

  /** The service charge and total of the amount being chosen, as the proxy tells them (debounced). */
  #preview() {
    const quote = this.quote;
    const chosen = quote && this.flow.state.step === 'choose' ? this.currentChoice(quote) : null;
    if (!chosen) return nothing;
    const charge = this.checkout.preview;
    const m = this.m;
    const text = !charge
      ? m.pricing
      : charge.service_charge_paisa
        ? fill(m.chargeFor, { amount: this.money(charge.amount_paisa), charge: this.money(charge.service_charge_paisa), total: this.money(charge.total_paisa) })
        : `${m.total}: ${this.money(charge.total_paisa)}`;
    return html`<p class="preview" aria-live="polite" data-preview=${charge ? 'ready' : 'asking'}>${text}</p>`;
  }

  /** Label/value lines of a summary (blank values are left out: after a reload some are not known). */
  #lines(lines: [string, string][]) {
    return lines.filter(([, value]) => value !== '').map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`);
  }

  /** The account, what the amount covers, the amount, the charge (when there is one) and the total. */
  #amounts(amount: number, charge: number, total: number, covered: [string, string][] = []) {
    const m = this.m;
    return html`<dl>
      <dt>${this.customerLabel()}</dt>
      <dd>${this.customerName}</dd>
      ${this.#lines(this.accountLines())} ${this.#lines(covered)}
      <dt>${m.amount}</dt>
      <dd>${this.money(amount)}</dd>
      ${charge ? html`<dt>${m.serviceCharge}</dt><dd>${this.money(charge)}</dd>` : nothing}
      <dt class="total">${m.total}</dt>
      <dd class="total">${this.money(total)}</dd>
    </dl>`;
  }

  /** The payment method chooser on the confirm step: the methods the proxy offers, as a radio group. */
  protected renderPaymentMethod({ pay }: StepState<'confirm'>): unknown {
    const methods = this.checkout.methods;
    if (!methods.length) return nothing;
    const m = this.m;
    const chosen = this.checkout.method;
    const locked = pay?.phase === 'sending' || pay?.phase === 'resending' || pay?.phase === 'unconfirmed';
    return html`<fieldset class="methods">
      <legend>${m.paymentMethod}</legend>
      ${methods.map(
        (method) => html`<label class="choice"
          ><input type="radio" name="funding" value=${method} .checked=${method === chosen} ?disabled=${locked} @change=${() => this.checkout.selectMethod(method)} />
          ${m.fundingNames[method]}</label
        >`,
      )}
    </fieldset>`;
  }

  async #copy(reference: string) {
    try {
      await navigator.clipboard.writeText(reference);
    } catch {
      // No clipboard API (an insecure page, a refused permission): select the text and copy the old way.
      const code = this.el.renderRoot.querySelector('.reference code');
      const selection = getSelection();
      if (code && selection) {
        selection.selectAllChildren(code);
        document.execCommand('copy');
      }
    }
    this.copiedReference = reference;
    this.el.requestUpdate();
  }

  /**
   * Prints the receipt alone (and "Save as PDF" from the print dialog): the page's own print style hides
   * everything but this element while it prints; the element's hides everything but the receipt.
   */
  #print() {
    const el = this.el;
    const doc = el.ownerDocument;
    if (!doc.getElementById('bill-pay-print')) {
      const style = doc.createElement('style');
      style.id = 'bill-pay-print';
      style.textContent =
        '@media print { body *:not(:has([data-bill-pay-printing])):not([data-bill-pay-printing]):not([data-bill-pay-printing] *) { display: none !important; }' +
        ' :has(> [data-bill-pay-printing]), :has([data-bill-pay-printing]) { background: none !important; border: 0 !important; box-shadow: none !important; padding: 0 !important; margin: 0 !important; }' +
        ' [data-bill-pay-printing] { max-width: 36rem !important; margin: 0 auto !important; } }';
      doc.head.append(style);
    }
    el.setAttribute('data-bill-pay-printing', '');
    window.addEventListener('afterprint', () => el.removeAttribute('data-bill-pay-printing'), { once: true });
    window.print();
  }

  #confirm(confirm: StepState<'confirm'>) {
    const { quote, attempt: { charge, body }, pay, renewal } = confirm;
    const m = this.m;
    const paying = pay?.phase === 'sending' || pay?.phase === 'resending';
    const unconfirmed = pay?.phase === 'unconfirmed';
    return html`${this.stepHeading(m.confirmTitle)}
      ${renewal ? html`<p class="note" role="note">${renewal === 'running' ? m.renewing : m.renewed}</p>` : nothing}
      ${this.#amounts(charge.amount_paisa, charge.service_charge_paisa, charge.total_paisa, this.coveredLines(quote, charge.amount_paisa, body.package_id, false))}
      ${this.renderPaymentMethod(confirm)}
      <div class="actions">
        ${unconfirmed || renewal === 'running'
          ? nothing
          : html`<button class="primary" part="button pay-button" ?disabled=${paying} @click=${() => this.checkout.pay()}>
              ${this.busyLabel(this.payLabel(this.money(charge.total_paisa)), paying, m.payingShort)}
            </button>`}
        ${paying || unconfirmed || renewal === 'running' ? nothing : html`<button @click=${() => this.checkout.back()}>${m.back}</button>`}
      </div>`;
  }

  #reference(reference: string) {
    return html`<dl><dt>${this.m.reference}</dt><dd>${reference}</dd></dl>`;
  }

  /**
   * What is pending (from the payment record, so it shows after a reload too) and what happens next. Once
   * the automatic checks end, the payment stays tracked and the customer may start another payment.
   */
  #pending({ pay }: StepState<'pending'>) {
    const m = this.m;
    const gateway = this.checkout.gateway;
    if (gateway?.leaving) {
      return html`${this.stepHeading(fill(m.leavingFor, { method: m.fundingNames[gateway.method], total: this.money(pay.payment.total_paisa) }))}
        ${this.#reference(pay.payment.reference)}`;
    }
    const held = fundingText(this.el.locale, null, pay.payment);
    const p = pay.payment;
    const stopped = pay.phase === 'pending' && pay.waitMs === null;
    return html`${this.stepHeading(m.pendingTitle)}
      <p>${stopped ? m.pendingStopped : m.pendingBody}</p>
      ${held ? html`<p class="held">${held}</p>` : nothing}
      <dl class="pending">
        <dt>${m.customer}</dt>
        <dd>${p.customer_name}</dd>
        <dt>${m.total}</dt>
        <dd>${this.money(p.total_paisa)}</dd>
        <dt>${m.reference}</dt>
        <dd class="reference"><code>${p.reference}</code></dd>
        <dt>${m.pendingSince}</dt>
        <dd>${formatDateTime(p.created_at, this.el.locale)}</dd>
      </dl>
      <div class="actions">
        <button ?disabled=${pay.phase === 'checking'} @click=${() => this.checkout.check()}>${m.checkNow}</button>
        ${stopped ? html`<button class="primary" @click=${() => this.checkout.reset()}>${m.startAnother}</button>` : nothing}
      </div>`;
  }

  #receipt(state: ReceiptState) {
    const p = state.payment;
    const m = this.m;
    const bs = localCalendarDate(this.el.locale, p.created_at);
    const copied = this.copiedReference === p.reference;
    return html`<div part="receipt" class="grid">
      ${this.stepHeading(m.receiptTitle, 'ok')}
      <dl class="when">
        <dt>${m.paidAt}</dt>
        <dd>${formatDateTime(p.created_at, this.el.locale)}</dd>
        ${bs ? html`<dt>${m.paidOnBs}</dt><dd>${bs}</dd>` : nothing}
      </dl>
      ${this.#amounts(p.amount_paisa, p.service_charge_paisa, p.total_paisa, this.coveredLines(state.quote, p.amount_paisa, state.attempt.body.package_id, true))}
      <dl>
        <dt>${m.reference}</dt>
        <dd class="reference">
          <code>${p.reference}</code>
          <button type="button" class="link" @click=${() => this.#copy(p.reference)}>
            ${copied ? m.copied : m.copy}
          </button>
        </dd>
        ${p.transaction_id ? html`<dt>${m.transactionId}</dt><dd>${p.transaction_id}</dd>` : nothing}
        ${this.#lines(this.receiptLines(state))}
      </dl>
      ${this.renderFacts(p.receipt)}
      <div class="actions">
        <button class="primary" @click=${() => this.checkout.reset()}>${this.againLabel()}</button>
        <button type="button" @click=${() => this.#print()}>${m.print}</button>
      </div>
    </div>`;
  }

  /** What became of the customer's money, with the biller's reason when there is one. */
  #fundedError(text: string, reasonCode: string | null) {
    const reason = reasonText(this.m, reasonCode);
    return html`<div part="error" role="alert"><p>${text}</p>${reason ? html`<p>${reason}</p>` : nothing}</div>`;
  }

  #failed({ payment, code }: StepState<'failed'>) {
    const m = this.m;
    const funded = fundingText(this.el.locale, code, payment);
    // Nothing was taken at the gateway: the same amount again, with the same or another method.
    const again = code === 'FUNDING_CANCELLED' || code === 'FUNDING_REFUSED' || code === 'FUNDING_EXPIRED';
    return html`${this.stepHeading(m.failedTitle)}
      ${funded ? this.#fundedError(funded, payment.reason_code) : this.renderError()} ${this.#reference(payment.reference)}
      <div class="actions">
        ${again ? html`<button class="primary" part="button" @click=${() => this.checkout.again()}>${m.tryAgainOrOther}</button>` : nothing}
        <button class=${again ? '' : 'primary'} @click=${() => this.checkout.reset()}>${m.startOver}</button>
      </div>`;
  }

}
