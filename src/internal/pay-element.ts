/**
 * What every payment element shares: properties, the flow core, the confirm / pending / receipt /
 * failure steps, progress and error rendering, state attributes and focus handling. An element adds
 * its lookup form, its choice step and its receipt lines.
 */
import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { Bill, Fact, Quote, ServiceId } from '../api.js';
import { formatCount, formatNpr } from '../money.js';
import { billerText, errorText, fill, formatDateTime, hasLocale, localCalendarDate, loadLocale, messages, plural, reasonText, type Locale, type Messages, type Plural } from './i18n.js';
import { PayFlow, fundingText, type Busy, type Chosen, type FlowState, type Leave } from './flow.js';
import { systemClock, type Clock } from './pay-machine.js';
import { payStyles, type Theme } from './styles.js';
import type { MessageKey } from './validators.js';

type StepState<S extends FlowState['step']> = Extract<FlowState, { step: S }>;
/** The receipt step's state: the payment, its attempt, and the quote it came from (none after a reload). */
export type ReceiptState = StepState<'done'>;

/** After this long, a request still running says what the widget is waiting for. */
export const SLOW_MS = 3000;

const PROGRESS: Record<Exclude<Busy, null>, 'loading' | 'lookingUp' | 'pricing' | 'paying' | 'checking'> = {
  load: 'loading',
  lookup: 'lookingUp',
  charge: 'pricing',
  pay: 'paying',
  status: 'checking',
};

/**
 * The base of every payment element (not an element itself).
 *
 * @fires {CustomEvent<PaySuccessDetail>} pay-success - The payment succeeded. `detail`: PaySuccessDetail (reference, transactionId, amountPaisa, serviceChargePaisa, totalPaisa; NEA adds `generation`, `v1` or `v2`).
 * @fires {CustomEvent<PayErrorDetail>} pay-error - A failure the customer sees (a list, the lookup, the price or the payment). `detail`: PayErrorDetail (stage: load, lookup, price, pay or funding; code, localized message and reason, retryable, reference; NEA adds `generation`).
 * @fires {CustomEvent<PayPendingDetail>} pay-pending - The outcome is not known yet; the widget keeps checking. `detail`: PayPendingDetail (reference, amountPaisa, totalPaisa; NEA adds `generation`).
 * @fires {CustomEvent<PayFundingDetail>} pay-funding - The page is about to leave for the payment gateway (Khalti, eSewa) the customer chose. `detail`: PayFundingDetail (method, reference). Back on the page, the widget resumes by itself; its outcome events then carry `funding` (method, state).
 * @fires {CustomEvent<PayStepDetail>} pay-step - The customer moved to another step. `detail`: PayStepDetail (step).
 * @fires {CustomEvent<PayAuthRequiredDetail>} pay-auth-required - The proxy refused the host's access token. `detail`: PayAuthRequiredDetail; renew the token and pass the renewal to `detail.waitUntil()`: the refused request is then sent once more.
 *
 * @csspart base - The widget's card.
 * @csspart header - The widget's title.
 * @csspart logo - The logo beside the title (when `logo` is set).
 * @csspart button - The primary action buttons.
 * @csspart pay-button - The button that pays.
 * @csspart receipt - The receipt after a successful payment.
 * @csspart error - An error message.
 *
 * @cssprop --pay-color-bg - Background colour.
 * @cssprop --pay-color-fg - Text colour.
 * @cssprop --pay-color-muted - Secondary text colour.
 * @cssprop --pay-color-border - Border colour.
 * @cssprop --pay-color-accent - Accent colour (primary buttons, focus ring).
 * @cssprop --pay-color-on-accent - Text on the accent colour.
 * @cssprop --pay-color-error - Error colour.
 * @cssprop --pay-color-success - Success colour.
 * @cssprop --pay-color-surface - Background of badges and highlights.
 * @cssprop --pay-radius - Corner radius.
 * @cssprop --pay-space - Base spacing.
 * @cssprop --pay-font - Font shorthand.
 * @cssprop --pay-max-width - Largest width of the widget.
 * @cssprop --pay-logo-height - Height of the logo.
 */
export abstract class PayElement<S extends ServiceId = ServiceId> extends LitElement {
  static override styles = payStyles;

  static override properties: PropertyDeclarations = {
    endpoint: {},
    locale: { reflect: true },
    theme: { reflect: true },
    logo: {},
    accessToken: { attribute: false },
    getAccessToken: { attribute: false },
    resumeKey: { attribute: 'resume-key' },
    copiedReference: { state: true, attribute: false },
  };

  /** URL of the merchant proxy's API (this package's server); the widget talks to nothing else. */
  endpoint = '/api';

  /** Language of the widget: `en` or `ne`. */
  locale: Locale = 'en';

  /**
   * Colour theme: `light` (default), `dark`, or the ElectroSoft portal's `olive`, `purple`, `vector`,
   * `grey` (its `app_config.preferences.color_theme_id`, as is). Custom properties `--pay-*` refine any theme.
   */
  theme: Theme = 'light';

  /** URL of a logo shown beside the title (e.g. the portal's `app_config.app_logo_url`). */
  logo = '';

  /**
   * The host's access token (e.g. the portal's login `access_token`), sent as a bearer token to `endpoint`
   * only. A property, never an attribute, so it does not show in the page's markup.
   */
  accessToken = '';

  /** Or a function the widget calls before each request for the current access token. */
  getAccessToken?: () => string | Promise<string>;

  /**
   * Names this widget's unfinished payment in the tab's session storage (default: the element's `id`), so
   * that after a reload exactly this widget resumes it, even with several widgets of one service on a page.
   */
  resumeKey = '';

  /**
   * How the widget tells time and waits between resends and status checks.
   * @internal Tests pass a fake clock; pages leave it alone.
   */
  clock: Clock = systemClock;

  /**
   * How the page leaves for a payment gateway (default: `location.assign`, or submitting the gateway's form).
   * @internal Tests intercept it; pages leave it alone.
   */
  navigate?: (to: Leave) => void;

  abstract readonly service: S;

  protected readonly flow = new PayFlow<S>(this, (quote) => this.currentChoice(quote));
  /** The reference just copied to the clipboard (its button then says so). */
  private copiedReference = '';
  #renderedStep = this.flow.state.step;
  /** The request being watched for slowness, and whether it has run longer than SLOW_MS. */
  #watched: Busy = null;
  #slow = false;
  #slowWatch: AbortController | null = null;

  protected get m(): Messages {
    return messages(this.locale);
  }

  protected money(paisa: number): string {
    return formatNpr(paisa, this.locale);
  }

  protected count(n: number | null): string {
    return n === null ? '' : formatCount(n, this.locale);
  }

  /** A count-dependent wording with `{count}` in the locale's digits, e.g. "3 months". */
  protected plural(forms: Plural, n: number, params: Record<string, string> = {}): string {
    return fill(plural(forms, this.locale, n), { ...params, count: this.count(n) });
  }

  /** A biller's English wording in the widget's language where it is a known value, else as it came. */
  protected biller(text: string): string {
    return billerText(this.m, this.locale, text);
  }

  /** A validator's message key in the widget's language (empty when there is nothing wrong). */
  protected invalid(key: MessageKey | null | undefined): string {
    return key ? this.m[key] : '';
  }

  /** After a failed validation: focuses the first invalid field, so the customer lands on it. */
  protected async focusInvalid(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  protected abstract heading(): string;
  protected abstract renderLookup(): TemplateResult;
  protected abstract renderChoice(quote: Quote): TemplateResult;
  /** Extra receipt lines (label, value) after the common ones and the biller's receipt facts. */
  protected receiptLines(_state: ReceiptState): [string, string][] {
    return [];
  }
  /** What the customer has chosen on the choice step (its charge is previewed as they choose), or null. */
  protected currentChoice(_quote: Quote): Chosen | null {
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
      <div class="actions"><button @click=${() => this.flow.back()}>${this.m.back}</button></div>`;
  }

  /** A button's content: its label, with a spinner while the request it started runs (and `busyText` then, if given). */
  protected busyLabel(label: string, busy: boolean, busyText = label) {
    return busy ? html`<span class="spinner" aria-hidden="true"></span>${busyText}` : label;
  }

  /** The choice step's actions: continue (to pricing), cancel while pricing, back. */
  protected renderChoiceActions(ready: boolean) {
    const pricing = this.flow.busy === 'charge';
    return html`${this.#preview()}<div class="actions">
      <button type="submit" class="primary" part="button" ?disabled=${pricing || !ready}>${this.busyLabel(this.m.continue, pricing)}</button>
      ${this.renderCancel()}
      <button type="button" @click=${() => this.flow.back()}>${this.m.back}</button>
    </div>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) void loadLocale(this.locale).then((fresh) => fresh && this.requestUpdate());
  }

  protected override update(changed: PropertyValues<this>): void {
    // After the controllers' hostUpdate, so a list that starts loading in this update shows as loading.
    this.setAttribute('step', this.flow.state.step);
    this.toggleAttribute('loading', this.flow.busy !== null);
    super.update(changed);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.flow.state.step !== this.#renderedStep) {
      this.#renderedStep = this.flow.state.step;
      // Each new step takes the focus, so keyboard and screen-reader users land on it.
      this.renderRoot.querySelector<HTMLElement>('[data-focus]')?.focus();
    }
    this.#lockForms();
    this.#watchSlow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#slowWatch?.abort();
    this.#watched = null;
  }

  /**
   * While a request a form started runs (a lookup, a price), its fields are locked (`inert`): only its
   * actions stay live, so the customer can still cancel.
   */
  #lockForms() {
    const busy = this.flow.busy;
    const locked = busy === 'lookup' || busy === 'charge';
    for (const form of this.renderRoot.querySelectorAll('form')) {
      for (const child of form.children) if (!child.classList.contains('actions')) child.toggleAttribute('inert', locked);
    }
  }

  /** Starts the host's clock on each new request; past SLOW_MS the progress line says what the widget waits for. */
  #watchSlow() {
    const busy = this.flow.busy;
    if (busy === this.#watched) return;
    this.#slowWatch?.abort();
    this.#watched = busy;
    this.#slow = false;
    if (!busy || busy === 'status') return;
    const watch = (this.#slowWatch = new AbortController());
    void this.clock.sleep(SLOW_MS, watch.signal).then(() => {
      if (watch.signal.aborted) return;
      this.#slow = true;
      this.requestUpdate();
    });
  }

  /** The progress line: what runs, and after SLOW_MS whom the widget is waiting for. */
  #progress(busy: Busy): string {
    if (!busy) return '';
    const m = this.m;
    // Back from a gateway: its name ("Confirming your payment with Khalti…").
    const gateway = this.flow.gateway;
    const doing = busy === 'status' && gateway ? fill(m.confirmingWith, { method: m.fundingNames[gateway.method] }) : m[PROGRESS[busy]];
    return this.#slow && this.#watched === busy ? `${doing} ${fill(m.stillWaiting, { biller: m.billers[this.service] })}` : doing;
  }

  protected override render() {
    const { state, busy, quote } = this.flow;
    const m = this.m;
    // Until the language's chunk is here, a skeleton: the first paint of a Nepali widget is never English.
    if (!hasLocale(this.locale)) return html`<section part="base" aria-busy="true" lang=${this.locale}><div class="skeleton"></div></section>`;
    return html`<section part="base" aria-busy=${busy !== null} lang=${this.locale}>
      <h2 part="header">${this.logo ? html`<img part="logo" src=${this.logo} alt="" />` : nothing}${this.heading()}</h2>
      ${quote?.test_mode ? html`<p class="badge">${m.testMode}</p>` : nothing}
      ${this.#step(state)}
      <p role="status">${this.#progress(busy)}</p>
      ${state.step === 'failed' ? nothing : this.renderError()}
    </section>`;
  }

  #step(state: FlowState) {
    switch (state.step) {
      case 'lookup':
        return this.renderLookup();
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

  /** A step's heading: focused when the step opens. */
  protected stepHeading(text: string, className = '') {
    return html`<h3 tabindex="-1" data-focus class=${className}>${text}</h3>`;
  }

  protected renderError() {
    const error = this.flow.error;
    if (!error) return nothing;
    const reason = reasonText(this.m, error.reasonCode);
    return html`<div part="error" role="alert">
      <p>${errorText(this.m, error.code)}${reason ? html` (${reason})` : nothing}</p>
      ${error.retry ? html`<button @click=${error.retry}>${this.m[error.code === 'PAY_UNCONFIRMED' ? 'checkNow' : 'retry']}</button>` : nothing}
    </div>`;
  }

  /** Cancel for a running lookup or price request (never for a payment). */
  protected renderCancel() {
    const busy = this.flow.busy;
    return busy && busy !== 'pay' ? html`<button type="button" @click=${() => this.flow.cancel()}>${this.m.cancel}</button>` : nothing;
  }

  /** The service charge and total of the amount being chosen, as the proxy tells them (debounced). */
  #preview() {
    const quote = this.flow.quote;
    const chosen = quote && this.flow.state.step === 'choose' ? this.currentChoice(quote) : null;
    if (!chosen) return nothing;
    const charge = this.flow.preview;
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
      <dd>${this.flow.customerName}</dd>
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
    const methods = this.flow.methods;
    if (!methods.length) return nothing;
    const m = this.m;
    const chosen = this.flow.method;
    const locked = pay?.phase === 'sending' || pay?.phase === 'resending' || pay?.phase === 'unconfirmed';
    return html`<fieldset class="methods">
      <legend>${m.paymentMethod}</legend>
      ${methods.map(
        (method) => html`<label class="choice"
          ><input type="radio" name="funding" value=${method} .checked=${method === chosen} ?disabled=${locked} @change=${() => this.flow.selectMethod(method)} />
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
      const code = this.renderRoot.querySelector('.reference code');
      const selection = getSelection();
      if (code && selection) {
        selection.selectAllChildren(code);
        document.execCommand('copy');
      }
    }
    this.copiedReference = reference;
  }

  /**
   * Prints the receipt alone (and "Save as PDF" from the print dialog): the page's own print style hides
   * everything but this element while it prints; the element's hides everything but the receipt.
   */
  #print() {
    const doc = this.ownerDocument;
    if (!doc.getElementById('bill-pay-print')) {
      const style = doc.createElement('style');
      style.id = 'bill-pay-print';
      style.textContent =
        '@media print { body *:not(:has([data-bill-pay-printing])):not([data-bill-pay-printing]):not([data-bill-pay-printing] *) { display: none !important; }' +
        ' :has(> [data-bill-pay-printing]), :has([data-bill-pay-printing]) { background: none !important; border: 0 !important; box-shadow: none !important; padding: 0 !important; margin: 0 !important; }' +
        ' [data-bill-pay-printing] { max-width: 36rem !important; margin: 0 auto !important; } }';
      doc.head.append(style);
    }
    this.setAttribute('data-bill-pay-printing', '');
    window.addEventListener('afterprint', () => this.removeAttribute('data-bill-pay-printing'), { once: true });
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
          : html`<button class="primary" part="button pay-button" ?disabled=${paying} @click=${() => this.flow.pay()}>
              ${this.busyLabel(this.payLabel(this.money(charge.total_paisa)), paying, m.payingShort)}
            </button>`}
        ${paying || unconfirmed || renewal === 'running' ? nothing : html`<button @click=${() => this.flow.back()}>${m.back}</button>`}
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
    const gateway = this.flow.gateway;
    if (gateway?.leaving) {
      return html`${this.stepHeading(fill(m.leavingFor, { method: m.fundingNames[gateway.method], total: this.money(pay.payment.total_paisa) }))}
        ${this.#reference(pay.payment.reference)}`;
    }
    const held = fundingText(this.locale, null, pay.payment);
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
        <dd>${formatDateTime(p.created_at, this.locale)}</dd>
      </dl>
      <div class="actions">
        <button ?disabled=${pay.phase === 'checking'} @click=${() => this.flow.check()}>${m.checkNow}</button>
        ${stopped ? html`<button class="primary" @click=${() => this.flow.reset()}>${m.startAnother}</button>` : nothing}
      </div>`;
  }

  #receipt(state: ReceiptState) {
    const p = state.payment;
    const m = this.m;
    const bs = localCalendarDate(this.locale, p.created_at);
    const copied = this.copiedReference === p.reference;
    return html`<div part="receipt" class="grid">
      ${this.stepHeading(m.receiptTitle, 'ok')}
      <dl class="when">
        <dt>${m.paidAt}</dt>
        <dd>${formatDateTime(p.created_at, this.locale)}</dd>
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
        <button class="primary" @click=${() => this.flow.reset()}>${this.againLabel()}</button>
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
    const funded = fundingText(this.locale, code, payment);
    // Nothing was taken at the gateway: the same amount again, with the same or another method.
    const again = code === 'FUNDING_CANCELLED' || code === 'FUNDING_REFUSED' || code === 'FUNDING_EXPIRED';
    return html`${this.stepHeading(m.failedTitle)}
      ${funded ? this.#fundedError(funded, payment.reason_code) : this.renderError()} ${this.#reference(payment.reference)}
      <div class="actions">
        ${again ? html`<button class="primary" part="button" @click=${() => this.flow.again()}>${m.tryAgainOrOther}</button>` : nothing}
        <button class=${again ? '' : 'primary'} @click=${() => this.flow.reset()}>${m.startOver}</button>
      </div>`;
  }

  /** A labelled input with hint and inline error, wired with aria-describedby / aria-invalid. */
  protected field(
    id: string,
    label: string,
    hint: string,
    error: MessageKey | null | undefined,
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
      <p class="invalid" id="${id}-error">${this.invalid(error)}</p>
    </div>`;
  }
}
