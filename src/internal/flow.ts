/**
 * The flow core every payment element shares: lookup -> choose -> confirm -> pending -> done | failed.
 * Its state is one union (`FlowState`): each step carries exactly the data it needs. Lists, lookups and
 * pricing are runs (`Run`: a newer run aborts an older one, so stale answers never land); the pay
 * path is the machine in pay-machine.ts, driven with the host's clock. A payment sent and not yet
 * shown survives a reload or a move in the DOM: the element resumes it (same idempotency key).
 *
 * Split for the first load: this module is the lookup (lists, the lookup request, errors, the resume
 * claim); everything after the lookup is `Checkout` (checkout.ts), which comes with the element's own steps
 * (`FlowHost.loadSteps`: one lazy chunk, fetched when the element connects; it imports nothing the first
 * load does not already share, so the first load stays in as few chunks as possible). A lookup answered before they are
 * here waits for them (still busy), so the choice step always has what it needs.
 */
import type { ReactiveController, ReactiveControllerHost } from './base-element.js';
import type { Charge, ChargeRequest, FundingMethod, Payment, Quote, ServiceId, WidgetErrorCode } from '../api.js';
import type { ListRoute, LookupRequest, ResponseOf, WidgetRouteName } from '../contract.js';
import type { Checkout } from './checkout.js';
import { RequestError, proxyClient, proxyRequest, type RequestOptions, type RouteParams, type Send } from './client.js';
import { emit, type PayErrorDetail, type PayErrorStage } from './events.js';
import { addEnglish, errorText, fill, latinDigits, localCalendarDate, messages, reasonText } from './i18n.js';
import { provide } from './kit.js';
import type { Clock } from './clock.js';
import type { Guard } from './guards.generated.js';
import type { PayState } from './pay-machine.js';

export interface Attempt {
  /** The idempotency key: every resend of this attempt is the same payment to the proxy. */
  key: string;
  body: ChargeRequest;
  charge: Charge;
  customer: string;
  /** NEA: the generation of NEA's billing that serves the account (from the quote), told in the events. */
  generation?: 'v1' | 'v2';
  /** How the customer pays (sent as `funding`; none when the proxy offers no choice). */
  funding?: FundingMethod;
  /** The page as it was before going to the gateway: the address it comes back to, without the gateway's parameters. */
  returnTo?: string;
}

/** How the page leaves for a gateway: to its page, or by posting its signed form (built in the light DOM). */
export type Leave = { kind: 'redirect'; url: string } | { kind: 'form'; form: HTMLFormElement };

type SendingPay = Extract<PayState, { phase: 'sending' | 'resending' | 'unconfirmed' | 'refused' }>;
type PendingPay = Extract<PayState, { phase: 'pending' | 'checking' }>;
/** What the steps after the choice share: the attempt, and the quote it came from (none after a reload). */
export interface Paying {
  quote: Quote | null;
  attempt: Attempt;
}

export type FlowState =
  | { step: 'lookup' }
  | { step: 'choose'; quote: Quote }
  /**
   * `pay` is null until the customer pays. `renewal`: the biller's session ended before the payment (nothing
   * was charged), so the account is being looked up again (`running`) or was, for the same amount (`done`).
   */
  | ({ step: 'confirm'; pay: SendingPay | null; renewal?: 'running' | 'done' } & Paying)
  | ({ step: 'pending'; pay: PendingPay } & Paying)
  | ({ step: 'done'; payment: Payment } & Paying)
  | ({ step: 'failed'; payment: Payment; code: WidgetErrorCode } & Paying);
export type Step = FlowState['step'];
export type Busy = 'load' | 'lookup' | 'charge' | 'pay' | 'status' | null;

export interface FlowError {
  code: WidgetErrorCode;
  /** The steps after the lookup could not be loaded (said as such; the code is NETWORK). */
  steps?: boolean;
  /** A recognised biller reason code, shown translated beside the error. */
  reasonCode: string | null;
  /** Present when trying again is safe: the action that does it. */
  retry?: () => void;
}

/** A lookup form sent before its check (in the steps' chunk) was here: the check, and how to send the form again. */
export interface DeferredCheck {
  check: () => boolean;
  again: () => void;
}

/** What is saved for a resume: the attempt, and its payment once that is pending. */
export interface Saved extends Attempt {
  pending?: Payment;
}

export interface FlowHost<S extends ServiceId = ServiceId> extends ReactiveControllerHost, EventTarget {
  endpoint: string;
  locale: string;
  readonly service: S;
  accessToken: string;
  getAccessToken?: () => string | Promise<string>;
  /** Names the element in its resume storage key (with `id` as the fallback). */
  resumeKey: string;
  id: string;
  clock: Clock;
  /**
   * How the page leaves for a gateway (default: `location.assign`, or submitting the form).
   * Tests intercept it.
   */
  navigate?: (to: Leave) => void;
  /**
   * Loads the steps after the lookup (the host's chunk, which carries checkout.ts): the checkout module, at
   * once when it is here already, else its loading.
   */
  loadSteps: () => CheckoutModule | Promise<CheckoutModule>;
}

/** What the customer has chosen on the choice step so far: an amount, and for a package its id. */
export interface Chosen {
  amount: number;
  packageId?: number;
}

/** Attempts being driven on this page, by storage key: one element at a time resumes an attempt. */
const claims = new Map<string, PayFlow>();

/** What the host's steps chunk gives the flow: the steps after the lookup. */
export interface CheckoutModule {
  Checkout: typeof Checkout;
}

/**
 * A request the flow runs on demand (a lookup, a price; a list): the latest run wins, a cancelled or
 * superseded run ends quietly, a failure becomes the flow's error with a retry of the same arguments when
 * trying again is safe. (Small on purpose: the first chunk carries no task library.)
 */
export class Run<A extends unknown[], R> {
  #current: AbortController | null = null;
  /** The last run's answer. */
  value?: R;
  /** Settles when the latest run has ended (answered, failed or cancelled). */
  taskComplete: Promise<unknown> = Promise.resolve();

  constructor(
    protected readonly flow: PayFlow,
    private readonly stage: PayErrorStage,
    private readonly work: (args: A, signal: AbortSignal) => Promise<R>,
    private readonly done: (value: R) => void = () => {},
    private readonly retry: (args: A) => void = (args) => void this.run(...args),
  ) {}

  /** Whether a run is going on (and not cancelled). */
  get pending(): boolean {
    return this.#current !== null;
  }

  run(...args: A): Promise<unknown> {
    this.#current?.abort();
    const run = (this.#current = new AbortController());
    const { flow } = this;
    flow.host.requestUpdate();
    return (this.taskComplete = flow
      .guard(this.stage, run.signal, () => this.work(args, run.signal), () => this.retry(args))
      .then(
        (value) => {
          if (this.#current !== run) return;
          this.#current = null;
          this.value = value;
          this.done(value);
        },
        () => {
          if (this.#current === run) this.#current = null;
        },
      )
      .finally(() => flow.host.requestUpdate()));
  }

  abort(): void {
    this.#current?.abort();
    this.#current = null;
    this.flow.host.requestUpdate();
  }
}

/** A list the lookup step needs: loaded when the element first updates, and again whenever `endpoint` changes. */
export class List<R> extends Run<[], R> implements ReactiveController {
  #endpoint: string | null = null;

  constructor(flow: PayFlow, work: (signal: AbortSignal) => Promise<R>) {
    super(flow, 'load', (_, signal) => work(signal));
    flow.host.addController(this);
  }

  hostUpdate(): void {
    const { endpoint } = this.flow.host;
    if (endpoint === this.#endpoint) return;
    this.#endpoint = endpoint;
    void this.run();
  }
}

/**
 * A failure as the widget reads it: a RequestError whose code this version knows; anything else is UNKNOWN, and so is a
 * proxy's code it does not know (a newer proxy's). `known` is the list: the full one comes with the steps' chunk
 * (checkout.ts `Checkout.failure`, every reader of a failure has it); without it, the first load's own codes.
 */
export const toRequestError = (error: unknown, known: (code: string) => boolean = (code) => Object.hasOwn(messages('en').errors, code)) => {
  const e = error instanceof RequestError ? error : new RequestError('UNKNOWN', false);
  return known(e.code) ? e : new RequestError('UNKNOWN', e.retryable, e.reasonCode, e.response, e.details);
};

/** Why a run failed when the steps' chunk could not be loaded (told as NETWORK, said as stepsUnavailable). */
const STEPS_UNAVAILABLE = new RequestError('NETWORK', true);
/** Why a lookup sent before the steps' chunk was here ended once it came: its form was invalid (shown by the form's check, not as a failure). */
const INVALID_FORM = new Error('invalid form');

export class PayFlow<S extends ServiceId = ServiceId> implements ReactiveController {
  state: FlowState = { step: 'lookup' };
  /**
   * The last failed list, lookup or pricing request (the pay path's errors live in its state).
   * @internal Set by the checkout too.
   */
  requestError: FlowError | null = null;
  #lists: Pick<List<unknown>, 'pending' | 'abort' | 'run'>[] = [];
  /** @internal The storage key this flow holds (its claim), if any. */
  claimed: string | null = null;
  #connected = false;
  #started = false;
  /** @internal The last lookup asked for: looked up again when the biller's session ends before a payment. */
  lastLookup: LookupRequest<S> | null = null;
  /** The steps after the lookup, once their chunk is here; and its loading. */
  #checkout: Checkout<S> | null = null;
  #loading: Promise<Checkout<S>> | null = null;
  /** A saved attempt being resumed while the steps' chunk loads. */
  #resuming = false;

  /** Whether a saved attempt is being resumed (its steps are loading). */
  get resuming(): boolean {
    return this.#resuming;
  }

  /** @internal The proxy's routes, each request with the host's access token. */
  /** Sends with the host's access token (renewed when refused): the pay stage's client (checkout.ts) is built on it. @internal */
  readonly send = ((name: WidgetRouteName, guard: Guard<unknown> | null, params: RouteParams, options?: RequestOptions) =>
    this.#request(name, guard, params, options)) as Send;
  readonly client = proxyClient(this.send);
  readonly #lookupTask: Run<[LookupRequest<S>, DeferredCheck?], Quote>;

  constructor(
    /** @internal */
    readonly host: FlowHost<S>,
    /** @internal The element's current choice on the choice step (none while it is not a valid one). */
    readonly chosen: (quote: Quote) => Chosen | null = () => null,
  ) {
    host.addController(this);
    this.#lookupTask = new Run(
      this as PayFlow,
      'lookup',
      // The answer is shown once the steps after the lookup are here (until then the lookup is still busy); they check
      // it, and the form first when it was sent before they were here (`deferred`; not once the run was cancelled).
      async ([body, deferred], signal) => {
        const answer = this.client.lookup(host.service, body, { signal });
        // (Read below, unless the form turns out invalid: then it is dropped.)
        answer.catch(() => undefined);
        const checkout = await this.load();
        if (deferred && !signal.aborted && !deferred.check()) throw INVALID_FORM;
        return checkout.quote(await answer);
      },
      (quote) => {
        if (this.state.step === 'lookup') this.to({ step: 'choose', quote });
      },
      // A form sent before its check was here is sent again from its fields as they are now.
      ([body, deferred]) => void (deferred ? deferred.again() : this.lookup(body)),
    );
  }

  /**
   * Loads the steps after the lookup (checkout.ts, in the host's steps chunk: `loadSteps`): started when the element
   * connects, so it is usually here before the lookup's answer. A failed load is tried again on the next call.
   * @internal
   */
  load(): Promise<Checkout<S>> {
    const now = this.#now();
    if (now) return Promise.resolve(now);
    return (this.#loading ??= Promise.resolve(this.host.loadSteps()).then(
      (module) => (this.#checkout ??= new module.Checkout(this)),
      () => {
        this.#loading = null;
        throw STEPS_UNAVAILABLE;
      },
    ));
  }

  /** The steps after the lookup when they can start at once (the host's chunk already here). */
  #now(): Checkout<S> | null {
    if (!this.#checkout) {
      const ready = this.host.loadSteps();
      if (!(ready instanceof Promise)) this.#checkout = new ready.Checkout(this);
    }
    return this.#checkout;
  }

  /**
   * Runs a request; a cancelled or superseded run ends quietly. A failure the customer sees is told to the
   * host (`pay-error` with its stage) and shown, with `retry` when trying again is safe.
   * @internal
   */
  async guard<R>(stage: PayErrorStage, signal: AbortSignal, work: () => Promise<R>, retry: () => void): Promise<R> {
    this.requestError = null;
    try {
      return await work();
    } catch (error) {
      // The texts of a proxy's error codes come with the steps' chunk (i18n.ts StepErrorCode): told once it is here or failed.
      await this.#loading?.catch(() => undefined);
      if (!signal.aborted && error !== INVALID_FORM) this.#fail(error === STEPS_UNAVAILABLE ? 'load' : stage, error, retry);
      throw error;
    }
  }

  /** Shows a failure with its retry (when trying again is safe) and tells the host. */
  #fail(stage: PayErrorStage, error: unknown, retry: () => void): void {
    const e = this.#checkout?.failure(error) ?? toRequestError(error);
    const steps = error === STEPS_UNAVAILABLE;
    this.requestError = { code: e.code, reasonCode: e.reasonCode, retry: e.retryable ? retry : undefined, ...(steps ? { steps } : {}) };
    this.emitError(stage, e.code, e.retryable, null, e.reasonCode, {}, steps ? messages(this.host.locale).stepsUnavailable : undefined);
    this.host.requestUpdate();
  }

  /**
   * A list the lookup step needs (NEA's counters, Dreamer's services): loaded when the element first
   * renders and again whenever `endpoint` changes.
   */
  list<K extends ListRoute>(name: K, guard: Guard<ResponseOf<K>>): List<ResponseOf<K>> {
    const list = new List(this as PayFlow, (signal) => this.client.list(name, guard, { signal }));
    this.#lists.push(list);
    return list;
  }

  hostConnected(): void {
    this.#connected = true;
    // Fetched alongside the lookup: usually here before its answer.
    this.load().catch(() => undefined);
    const s = this.state;
    if (s.step === 'lookup') {
      if (!this.#resuming) this.#resume();
      // The first step, told once (a resumed payment tells its own step).
      if (!this.#started && !this.#resuming) queueMicrotask(() => emit(this.host, 'pay-step', { service: this.host.service, step: 'lookup' }));
      this.#started = true;
      return;
    }
    // Moved in the DOM: carry on with the attempt it was driving, unless another element took it over.
    this.#checkout?.reconnect();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#checkout?.disconnect();
    this.release();
  }

  /**
   * Resumes the attempt this element saved (a reload, a return from a gateway, the element created again),
   * once the steps' chunk is here: pending -> checks its status; otherwise resends it with the same key.
   */
  #resume(): void {
    let saved: Saved | null = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.#storageKey) ?? 'null') as Saved | null;
    } catch {
      saved = null;
    }
    if (!saved?.key || !saved.charge || !this.claim()) return;
    const attempt = saved;
    const now = this.#now();
    if (now) return now.resume(attempt);
    this.#resuming = true;
    this.requestError = null;
    this.host.requestUpdate();
    this.load().then(
      (checkout) => {
        this.#resuming = false;
        if (this.#connected && this.state.step === 'lookup') checkout.resume(attempt);
      },
      (error: unknown) => {
        this.#resuming = false;
        this.#fail('load', error, () => {
          this.requestError = null;
          this.#resume();
        });
        this.host.requestUpdate();
      },
    );
  }

  get busy(): Busy {
    if (this.#resuming) return 'load';
    const busy = this.#checkout?.busy;
    if (busy) return busy;
    if (this.#lookupTask.pending) return 'lookup';
    return this.#lists.some((list) => list.pending) ? 'load' : null;
  }

  get error(): FlowError | null {
    return (this.state.step !== 'lookup' && this.#checkout?.error) || this.requestError;
  }

  /**
   * A request to the proxy with the host's access token. When the proxy refuses the token, the host is
   * asked to renew it (`pay-auth-required`) and the request is sent once more: a refused request did
   * nothing, so this is safe even for a payment.
   */
  async #request(name: WidgetRouteName, guard: Guard<unknown> | null, params: RouteParams, options: RequestOptions = {}): Promise<unknown> {
    const send = async () => {
      const token = this.host.getAccessToken ? await this.host.getAccessToken() : this.host.accessToken;
      const headers = token ? { ...options.headers, authorization: `Bearer ${token}` } : options.headers;
      return proxyRequest(this.host.endpoint, name, guard as null, params, { ...options, headers });
    };
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof RequestError) || error.code !== 'AUTH_REQUIRED') throw error;
      const renewals: Promise<unknown>[] = [];
      emit(this.host, 'pay-auth-required', { service: this.host.service, waitUntil: (renewal) => renewals.push(renewal) });
      await Promise.allSettled(renewals);
      return send();
    }
  }

  /**
   * The steps after the lookup (choose, pay, check, back, start over...), once their chunk is here: a step after
   * the lookup is only reached through them, so its view always has them.
   */
  get checkout(): Checkout<S> | null {
    return this.#checkout;
  }

  /** Stops waiting for the current list, lookup or price request. A payment cannot be cancelled once sent. */
  cancel(): void {
    this.#lookupTask.abort();
    this.#checkout?.cancel();
    for (const task of this.#lists) {
      if (!task.pending) continue;
      task.abort();
      // The form cannot be used without its list: a stopped load leaves a way to load it again.
      this.requestError = { code: 'ABORTED', reasonCode: null, retry: () => void task.run() };
      this.emitError('load', 'ABORTED', true, null, null);
    }
    this.host.requestUpdate();
  }

  /**
   * Looks up `body`. `deferred`: when the form was sent before the steps' chunk (which carries the checks) was here,
   * its check, run once it is (an invalid form drops the answer: the check shows why), and how to send the form again.
   */
  async lookup(body: LookupRequest<S>, deferred?: DeferredCheck): Promise<void> {
    if (this.state.step !== 'lookup') return;
    this.lastLookup = body;
    await this.#lookupTask.run(body, deferred);
  }

  /** This element's resume slot: per service and endpoint, and per element when it has a name. */
  get #storageKey(): string {
    const name = this.host.resumeKey || this.host.id;
    return `bill-pay:${this.host.service}:${this.host.endpoint}${name ? `:${name}` : ''}`;
  }

  /** @internal This element's resume slot (the claimed one while it holds a claim). */
  get slot(): string {
    return this.claimed ?? this.#storageKey;
  }

  /** @internal Takes the attempt in this element's slot for this element; false when another element drives it. */
  claim(): boolean {
    if (!this.#connected) return false;
    const key = this.#storageKey;
    const holder = claims.get(key);
    if (holder && holder !== this) return false;
    claims.set(key, this);
    this.claimed = key;
    return true;
  }

  /** @internal */
  release(): void {
    if (this.claimed && claims.get(this.claimed) === this) claims.delete(this.claimed);
    this.claimed = null;
  }

  /**
   * Tells the host of a failure the customer sees: where it happened, its code, and the text and reason shown.
   * @internal `more`: what the steps add (NEA's generation, the funding); `message`: the text shown when it is not the
   * code's (a funded payment's, the steps' chunk).
   */
  emitError(
    stage: PayErrorStage,
    code: WidgetErrorCode,
    retryable: boolean,
    reference: string | null,
    reasonCode: string | null,
    more: Pick<PayErrorDetail, 'generation' | 'funding'> = {},
    message?: string,
  ) {
    const m = messages(this.host.locale);
    const reason = reasonText(m, reasonCode);
    emit(this.host, 'pay-error', {
      service: this.host.service,
      stage,
      code,
      message: message ?? errorText(m, code),
      reason,
      reasonCode: reason === null ? null : reasonCode,
      retryable,
      reference,
      ...more,
    });
  }

  /**
   * Moves to a state; `outcome` announces what led there before the step event that follows from it.
   * @internal
   */
  to(state: FlowState, outcome?: () => void): void {
    const step = this.state.step;
    this.state = state;
    if (step !== state.step) this.requestError = null;
    this.host.requestUpdate();
    outcome?.();
    if (step !== state.step) emit(this.host, 'pay-step', { service: this.host.service, step: state.step });
  }
}

// The core's part of the kit (kit.ts) the steps' chunk takes from the first load.
provide({ Run, toRequestError, RequestError, proxyRequest, emit, addEnglish, fill, latinDigits, localCalendarDate, messages, reasonText });
