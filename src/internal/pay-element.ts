/**
 * What every payment element shares: properties, the flow core, the confirm / pending / receipt /
 * failure steps, progress and error rendering, state attributes and focus handling. An element adds
 * its lookup form, its choice step and its receipt lines.
 */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import { BaseElement, adopt, type PropertyDeclarations, type PropertyValues } from './base-element.js';
import type { ServiceId } from '../api.js';
import type { LookupRequest } from '../contract.js';
import { PayFlow, type Busy, type CheckoutModule, type Leave } from './flow.js';
import { errorText, fill, hasLocale, loadLocale, messages, reasonText, type Locale, type Messages } from './i18n.js';
import { systemClock, type Clock } from './clock.js';
import type { StepsView } from './steps.js';
import { addThemes, addedStyles, payStyles, styleHub, type Theme } from './styles.js';
import type { MessageKey } from './validators.js';

/** An element's steps module (its chunk): its default export is its steps view, made for the element. */
export interface StepsModule extends CheckoutModule {
  // Each element's module takes that element (the base class cannot name it).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  default: new (el: any) => StepsView<any>;
}

/** Each element class's steps module once fetched: later elements start with it at once. */
const stepsModules = new Map<Function, StepsModule>();

/** The elements on the page: each adopts styles that arrive later (the steps', the portal themes). */
const live = new Set<PayElement>();
styleHub.onStyles = () => {
  for (const el of live) el.adoptAdded();
};

/** After this long, a request still running says what the widget is waiting for. */
export const SLOW_MS = 3000;


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
export abstract class PayElement<S extends ServiceId = ServiceId> extends BaseElement {
  static override styles = payStyles;

  static override properties: PropertyDeclarations = {
    endpoint: {},
    locale: { reflect: true },
    theme: { reflect: true },
    logo: {},
    accessToken: { attribute: false },
    getAccessToken: { attribute: false },
    resumeKey: { attribute: 'resume-key' },
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

  /** @internal The flow core: the lookup here, the steps after it in their chunk. */
  readonly flow = new PayFlow<S>(this, (quote) => this.steps?.currentChoice(quote) ?? null);
  /** @internal The steps after the lookup (their chunk), once it is here. */
  steps: StepsView | null = null;
  #stepsModule: StepsModule | null = null;
  #stepsLoading: Promise<StepsModule> | null = null;
  /** How many of the added styles (a list that only grows) this element's shadow root has adopted. */
  #adopted = 0;
  /**
   * Loads the element's steps module (default: its own `stepsModule()`).
   * @internal Tests make it fail; pages leave it alone.
   */
  importSteps?: () => Promise<StepsModule>;
  #renderedStep = this.flow.state.step;
  /** The request being watched for slowness, and whether it has run longer than SLOW_MS. */
  #watched: Busy = null;
  #slow = false;
  #slowWatch: AbortController | null = null;

  /** @internal */
  get m(): Messages {
    return messages(this.locale);
  }

  /** The element's steps after the lookup: `import('./<tag>-steps.js')`, a chunk of its own. */
  protected abstract stepsModule(): Promise<StepsModule>;

  /**
   * Loads the steps after the lookup (started by the flow when the element connects; the lookup's answer
   * waits for it). A failed load is tried again on the next call.
   * @internal
   */
  loadSteps(): StepsModule | Promise<StepsModule> {
    const ready = this.#stepsModule ?? (this.importSteps ? null : stepsModules.get(this.constructor));
    if (ready) {
      this.steps ??= new ready.default(this);
      return (this.#stepsModule = ready);
    }
    return (this.#stepsLoading ??= (this.importSteps ?? (() => this.stepsModule()))().then(
      (module) => {
        if (!this.importSteps) stepsModules.set(this.constructor, module);
        this.#stepsModule = module;
        this.steps ??= new module.default(this);
        this.requestUpdate();
        return module;
      },
      (error: unknown) => {
        this.#stepsLoading = null;
        throw error;
      },
    ));
  }

  /** @internal Adopts the styles added since (the steps', the portal themes). */
  adoptAdded(): void {
    adopt(this.renderRoot, addedStyles.slice(this.#adopted));
    this.#adopted = addedStyles.length;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    live.add(this);
    this.adoptAdded();
  }

  /**
   * The lookup form's submit, with the body its fields give. The element's steps check the fields
   * (`StepsView.checkLookup`, in their chunk, fetched when the element connects): at once when they are here; else the
   * lookup goes out alongside their fetch and is checked once they come (an invalid form drops its answer; a cancelled
   * lookup is not checked; a retry sends the form again). Invalid fields are shown, and the first one focused.
   * @internal
   */
  async submitLookup(body: LookupRequest<S>): Promise<void> {
    let invalid = false;
    const check = () => this.steps!.checkLookup() || ((invalid = true), false);
    // A retry of such a lookup sends the form again, from its fields as they are then.
    if (!this.steps) await this.flow.lookup(body, { check, again: () => this.renderRoot.querySelector('form')?.requestSubmit() });
    else if (check()) await this.flow.lookup(body);
    // (Once the lookup has ended: its fields are inert while it runs. Not when it was cancelled: never checked then.)
    if (invalid) await this.focusInvalid();
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
  /** A button's content: its label, with a spinner while the request it started runs (and `busyText` then, if given). @internal */
  busyLabel(label: string, busy: boolean, busyText = label) {
    return busy ? html`<span class="spinner" aria-hidden="true"></span>${busyText}` : label;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) void loadLocale(this.locale).then((fresh) => fresh && this.requestUpdate());
    // The portal's themes: opt-in (themes/portal.js), or loaded when a widget names one (their table only: a leaf chunk).
    if (changed.has('theme') && this.theme !== 'light' && this.theme !== 'dark') void import('./portal-themes.js').then((m) => addThemes(m.PORTAL_THEMES), () => undefined);
  }

  protected override update(changed: PropertyValues): void {
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
    live.delete(this);
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
    // The steps' own requests (pricing, paying, checking) are said by the steps.
    const doing = busy === 'load' ? m.loading : busy === 'lookup' ? m.lookingUp : this.steps!.progress(busy);
    return this.#slow && this.#watched === busy ? `${doing} ${fill(m.stillWaiting, { biller: m.billers[this.service] })}` : doing;
  }

  protected override render() {
    const { state, busy } = this.flow;
    const skeleton = html`<div class="skeleton"></div>`;
    // Until the language's chunk is here, a skeleton: the first paint of a Nepali widget is never English.
    if (!hasLocale(this.locale)) return html`<section part="base" aria-busy="true" lang=${this.locale}>${skeleton}</section>`;
    // A saved payment resumes once the steps' chunk is here: a skeleton meanwhile, not the lookup form.
    const step = state.step !== 'lookup' ? this.steps?.render(state) : this.flow.resuming ? skeleton : this.renderLookup();
    return html`<section part="base" aria-busy=${busy !== null} lang=${this.locale}>
      <h2 part="header">${this.logo ? html`<img part="logo" src=${this.logo} alt="" />` : nothing}${this.heading()}</h2>
      ${step}
      <p role="status">${this.#progress(busy)}</p>
      ${state.step === 'failed' ? nothing : this.renderError()}
    </section>`;
  }

  /** A step's heading: focused when the step opens. @internal */
  stepHeading(text: string, className = '') {
    return html`<h3 tabindex="-1" data-focus class=${className}>${text}</h3>`;
  }

  /** @internal */
  renderError() {
    const error = this.flow.error;
    if (!error) return nothing;
    const reason = reasonText(this.m, error.reasonCode);
    return html`<div part="error" role="alert">
      <p>${error.steps ? this.m.stepsUnavailable : errorText(this.m, error.code)}${reason ? html` (${reason})` : nothing}</p>
      ${error.retry ? html`<button @click=${error.retry}>${this.m[error.code === 'PAY_UNCONFIRMED' ? 'checkNow' : 'retry']}</button>` : nothing}
    </div>`;
  }

  /** Cancel for a running lookup or price request (never for a payment). @internal */
  renderCancel() {
    const busy = this.flow.busy;
    return busy && busy !== 'pay' ? html`<button type="button" @click=${() => this.flow.cancel()}>${this.m.cancel}</button>` : nothing;
  }

  /** A labelled input with hint and inline error, wired with aria-describedby / aria-invalid. @internal */
  field(
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
