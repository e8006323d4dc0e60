/**
 * The flow core every payment element shares: lookup -> choose -> confirm -> pending -> done | failed.
 * Its state is one union (`FlowState`): each step carries exactly the data it needs. Lists, lookups and
 * pricing are @lit/task tasks (a newer run aborts an older one, so stale answers never land); the pay
 * path is the machine in pay-machine.ts, driven with the host's clock. A payment sent and not yet
 * shown survives a reload or a move in the DOM: the element resumes it (same idempotency key).
 */
import { Task, TaskStatus, initialState } from '@lit/task';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Charge, ChargeRequest, FundingMethod, Payment, Quote, ServiceId, WidgetErrorCode } from '../api.js';
import { formatNpr } from '../money.js';
import type { ListRoute, LookupRequest, ResponseOf, WidgetRouteName } from '../contract.js';
import { RequestError, check, proxyClient, proxyRequest, type RequestOptions, type RouteParams } from './client.js';
import { isPayment, isReferenceDetails } from './guards.generated.js';
import { emit, type PayErrorStage } from './events.js';
import { errorText, fill, messages, reasonText } from './i18n.js';
import { START, drive, idle, transition, type Answer, type Clock, type PayClient, type PayState } from './pay-machine.js';

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

/** The query parameter that marks a return from the gateway as this attempt's (its idempotency key). */
export const RETURN_PARAM = 'bill-pay-return';
const GATEWAYS: ReadonlySet<FundingMethod> = new Set<FundingMethod>(['khalti', 'esewa']);
const isGateway = (method: FundingMethod | undefined) => method !== undefined && GATEWAYS.has(method);

/** What the customer is told about their money after a funded payment: cancelled, refunded, refund due, held. */
export function fundingText(locale: string, code: WidgetErrorCode | null, payment: Payment): string | null {
  const f = payment.funding;
  if (!f) return null;
  const m = messages(locale);
  const params = { method: m.fundingNames[f.method], account: m.fundingAccounts[f.method], amount: formatNpr(payment.total_paisa, locale) };
  if (code === 'FUNDING_CANCELLED' && isGateway(f.method)) return fill(m.fundingCancelled, params);
  // The biller's refusal (another total paid, an expiry: the error code's own text says what happened).
  const refused = payment.state === 'failed' && (code === null || code === 'PAYMENT_REJECTED');
  if (refused && f.state === 'refunded') return fill(m.fundingRefunded, params);
  if (refused && (f.state === 'refund_due' || f.state === 'refunding')) return fill(m.fundingRefundDue, params);
  if (payment.state === 'pending' && f.state === 'secured') return fill(m.fundingHeld, params);
  return null;
}

type SendingPay = Extract<PayState, { phase: 'sending' | 'resending' | 'unconfirmed' | 'refused' }>;
type PendingPay = Extract<PayState, { phase: 'pending' | 'checking' }>;
/** What the steps after the choice share: the attempt, and the quote it came from (none after a reload). */
interface Paying {
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
  /** A recognised biller reason code, shown translated beside the error. */
  reasonCode: string | null;
  /** Present when trying again is safe: the action that does it. */
  retry?: () => void;
}

/** What is saved for a resume: the attempt, and its payment once that is pending. */
interface Saved extends Attempt {
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
}

/** What the customer has chosen on the choice step so far: an amount, and for a package its id. */
export interface Chosen {
  amount: number;
  packageId?: number;
}

/** How long the charge preview waits for the customer to stop typing before it asks the proxy. */
export const PREVIEW_DEBOUNCE_MS = 300;

/** Attempts being driven on this page, by storage key: one element at a time resumes an attempt. */
const claims = new Map<string, PayFlow>();

/** Pending payments already announced (`pay-pending`) in this tab, by reference: kept in session storage across reloads. */
const ANNOUNCED_KEY = 'bill-pay:announced';
/** The same, for a page without session storage (privacy modes, sandboxed frames). */
const announced = new Set<string>();
/** Whether a pending payment is told for the first time in this tab (and marks it told). */
function firstAnnouncement(reference: string): boolean {
  try {
    const told = JSON.parse(sessionStorage.getItem(ANNOUNCED_KEY) ?? '[]') as string[];
    if (told.includes(reference)) return false;
    sessionStorage.setItem(ANNOUNCED_KEY, JSON.stringify([...told, reference].slice(-50)));
    return true;
  } catch {
    if (announced.has(reference)) return false;
    announced.add(reference);
    return true;
  }
}

const toRequestError = (error: unknown) => (error instanceof RequestError ? error : new RequestError('UNKNOWN', false));

export class PayFlow<S extends ServiceId = ServiceId> implements ReactiveController {
  state: FlowState = { step: 'lookup' };
  /** The last failed list, lookup or pricing request (the pay path's errors live in its state). */
  #requestError: FlowError | null = null;
  #lists: Task[] = [];
  /** Each task's current run: a cancelled run is no longer busy, even before its request has ended. */
  #runs = new Map<object, AbortSignal>();
  #payRun: AbortController | null = null;
  #claimed: string | null = null;
  #connected = false;
  #started = false;
  /** The last lookup asked for: looked up again when the biller's session ends before a payment. */
  #lastLookup: LookupRequest<S> | null = null;
  /** The payment method the customer picked (null: the first offered). */
  #method: FundingMethod | null = null;
  /** Set while the page is leaving for the gateway. */
  #leaving = false;
  /** This pay run was started by the customer's pay: a gateway's `next` sends the page there (not after a return). */
  #leaveOnNext = false;
  /** The gateway's return parameters for the attempt being resumed. */
  #returnParams: Record<string, string> = {};
  /** The payment methods the proxy offers (FUNDING), loaded with the lists. */
  readonly #fundingTask: Task<[string], FundingMethod[]>;

  /** The proxy's routes, each request with the host's access token. */
  readonly #client = proxyClient((name, params, options) => this.#request(name, params, options));
  readonly #lookupTask: Task<[LookupRequest<S>], Quote>;
  readonly #chargeTask: Task<[Quote, Attempt['body']], { quote: Quote; body: Attempt['body']; charge: Charge }>;
  /**
   * The charge of what the customer is choosing, asked of the proxy as they choose: a change of choice
   * aborts the run before (during its debounce wait or its request), so a stale answer never shows.
   */
  readonly #previewTask: Task<[Quote | null, number | null, number | undefined], Charge | null>;

  constructor(
    private readonly host: FlowHost<S>,
    /** The element's current choice on the choice step (none while it is not a valid one). */
    chosen: (quote: Quote) => Chosen | null = () => null,
  ) {
    host.addController(this);
    this.#fundingTask = new Task(host, {
      args: () => [host.endpoint] as [string],
      // An older proxy without the route: no choice, the payment goes as before (no funding sent).
      // Public (no token, no renewal): the merchant's terms, not the customer's data.
      task: ([endpoint], { signal }) => proxyRequest(endpoint, 'funding', {}, { signal }).then(
        (r) => r.methods,
        () => [] as FundingMethod[],
      ),
    });
    this.#previewTask = new Task(host, {
      args: () => {
        const s = this.state;
        const choice = s.step === 'choose' ? chosen(s.quote) : null;
        return [s.step === 'choose' ? s.quote : null, choice?.amount ?? null, choice?.packageId] as [Quote | null, number | null, number | undefined];
      },
      task: async ([quote, amount, packageId], { signal }) => {
        if (!quote || amount === null) return null;
        await host.clock.sleep(PREVIEW_DEBOUNCE_MS, signal);
        signal.throwIfAborted();
        return this.#client.charge(host.service, { quote_id: quote.quote_id, amount_paisa: amount, package_id: packageId }, { signal });
      },
    });
    this.#lookupTask = this.#manual(
      'lookup',
      ([body], signal) => this.#client.lookup(host.service, body, { signal }),
      (quote) => {
        if (this.state.step === 'lookup') this.#to({ step: 'choose', quote });
      },
      ([body]) => void this.lookup(body),
    );
    this.#chargeTask = this.#manual(
      'price',
      async ([quote, body]: [Quote, Attempt['body']], signal) => ({
        quote,
        body,
        charge: await this.#client.charge(host.service, body, { signal }),
      }),
      ({ quote, body, charge }) => {
        if (this.state.step !== 'choose' || this.state.quote !== quote) return;
        const generation = quote.generation ? { generation: quote.generation } : {};
        this.#to({ step: 'confirm', quote, attempt: { key: crypto.randomUUID(), body, charge, customer: quote.customer_name, ...generation }, pay: null });
      },
      (args) => void this.#chargeTask.run(args),
    );
  }

  /**
   * A task run on demand whose failure becomes the flow's error, with a retry of the same arguments when
   * trying again is safe.
   */
  #manual<A extends unknown[], R>(stage: PayErrorStage, work: (args: A, signal: AbortSignal) => Promise<R>, done: (value: R) => void, retry: (args: A) => void): Task<A, R> {
    const task: Task<A, R> = new Task<A, R>(this.host, {
      autoRun: false,
      task: (args, { signal }) => this.#guard(stage, task, () => work(args, signal), signal, () => retry(args)),
      onComplete: done,
    });
    return task;
  }

  /**
   * Runs a task's request; a cancelled or superseded run ends quietly (back to the initial status). A
   * failure the customer sees is told to the host (`pay-error` with its stage).
   */
  async #guard<R>(stage: PayErrorStage, task: object, work: () => Promise<R>, signal: AbortSignal, retry: () => void): Promise<R | typeof initialState> {
    this.#runs.set(task, signal);
    this.#requestError = null;
    try {
      return await work();
    } catch (error) {
      if (signal.aborted) return initialState;
      const e = toRequestError(error);
      this.#requestError = { code: e.code, reasonCode: e.reasonCode, retry: e.retryable ? retry : undefined };
      this.#emitError(stage, e.code, e.retryable, null, e.reasonCode);
      throw e;
    }
  }

  /**
   * A list the lookup step needs (NEA's counters, Dreamer's services): loaded when the element first
   * renders and again whenever `endpoint` changes.
   */
  list<K extends ListRoute>(name: K): Task<[string], ResponseOf<K>> {
    const task: Task<[string], ResponseOf<K>> = new Task(this.host, {
      args: () => [this.host.endpoint] as [string],
      task: (_, { signal }) => this.#guard('load', task, () => this.#client.list(name, { signal }), signal, () => void task.run()),
    });
    this.#lists.push(task);
    return task;
  }

  hostConnected(): void {
    this.#connected = true;
    const s = this.state;
    if (s.step === 'lookup') {
      this.#resume();
      // The first step, told once (a resumed payment tells its own step).
      if (!this.#started && this.state.step === 'lookup') queueMicrotask(() => emit(this.host, 'pay-step', { service: this.host.service, step: 'lookup' }));
      this.#started = true;
      return;
    }
    // Moved in the DOM: carry on with the attempt it was driving, unless another element took it over.
    if ((s.step === 'confirm' || s.step === 'pending') && s.pay && !idle(s.pay) && this.#claim()) this.#run(s, s.pay);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#payRun?.abort();
    this.#payRun = null;
    this.#release();
  }

  get busy(): Busy {
    const s = this.state;
    if (s.step === 'confirm' && (s.pay?.phase === 'sending' || s.pay?.phase === 'resending')) return 'pay';
    if (s.step === 'pending' && s.pay.phase === 'checking') return 'status';
    if (s.step === 'confirm' && s.renewal === 'running') return 'lookup';
    const pending = (task: { status: TaskStatus }) => task.status === TaskStatus.PENDING && !this.#runs.get(task)?.aborted;
    if (pending(this.#lookupTask)) return 'lookup';
    if (pending(this.#chargeTask)) return 'charge';
    return this.#lists.some(pending) ? 'load' : null;
  }

  get error(): FlowError | null {
    const s = this.state;
    // "Already paid" says it all: the biller's "No due bills" is not shown beside it.
    if (s.step === 'failed') return { code: s.code, reasonCode: s.code === 'QUOTE_ALREADY_PAID' ? null : s.payment.reason_code };
    if (s.step === 'confirm' && s.pay?.phase === 'unconfirmed') return { code: 'PAY_UNCONFIRMED', reasonCode: null, retry: () => this.pay() };
    if (s.step === 'confirm' && s.pay?.phase === 'refused') return { code: s.pay.code, reasonCode: null };
    if (s.step === 'pending' && s.pay.phase === 'pending' && s.pay.code) return { code: s.pay.code, reasonCode: null, retry: () => this.check() };
    return this.#requestError;
  }

  /** Whose payment this is: from the lookup, or the attempt being paid. */
  get customerName(): string {
    const s = this.state;
    return s.step === 'lookup' ? '' : s.step === 'choose' ? s.quote.customer_name : s.attempt.customer;
  }

  /** The charge of the current choice once the proxy told it (null while asking, or with no valid choice). */
  get preview(): Charge | null {
    const task = this.#previewTask;
    return task.status === TaskStatus.COMPLETE ? task.value ?? null : null;
  }

  /** The quote on screen (for its test-mode flag), if any. */
  get quote(): Quote | null {
    const s = this.state;
    return s.step === 'lookup' ? null : s.quote;
  }

  /**
   * A request to the proxy with the host's access token. When the proxy refuses the token, the host is
   * asked to renew it (`pay-auth-required`) and the request is sent once more: a refused request did
   * nothing, so this is safe even for a payment.
   */
  async #request<K extends WidgetRouteName>(name: K, params: RouteParams, options: RequestOptions = {}): Promise<ResponseOf<K>> {
    const send = async () => {
      const token = this.host.getAccessToken ? await this.host.getAccessToken() : this.host.accessToken;
      const headers = token ? { ...options.headers, authorization: `Bearer ${token}` } : options.headers;
      return proxyRequest(this.host.endpoint, name, params, { ...options, headers });
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

  /** The payment methods the customer can choose from (`none` is never a choice). */
  get methods(): FundingMethod[] {
    return (this.#fundingTask.value ?? []).filter((m) => m !== 'none');
  }

  /** The method the payment goes with: the customer's pick, else the first offered. */
  get method(): FundingMethod | null {
    const offered = this.#fundingTask.value ?? [];
    return this.#method && offered.includes(this.#method) ? this.#method : (offered[0] ?? null);
  }

  selectMethod(method: FundingMethod): void {
    this.#method = method;
    this.host.requestUpdate();
  }

  /** The gateway of the attempt on screen (Khalti, eSewa), if it goes through one; and whether the page is leaving for it. */
  get gateway(): { method: FundingMethod; leaving: boolean } | null {
    const s = this.state;
    if (s.step === 'lookup' || s.step === 'choose' || !isGateway(s.attempt.funding)) return null;
    return { method: s.attempt.funding!, leaving: this.#leaving };
  }

  /** After a funding that did not go through (cancelled, refused): the same amount again, on the confirm step, to pay with any method. */
  again(): void {
    const s = this.state;
    if (s.step !== 'failed') return;
    const { funding: _f, returnTo: _r, ...attempt } = s.attempt;
    this.#to({ step: 'confirm', quote: s.quote, attempt: { ...attempt, key: crypto.randomUUID() }, pay: null });
  }

  /** Stops waiting for the current list, lookup or price request. A payment cannot be cancelled once sent. */
  cancel(): void {
    this.#lookupTask.abort();
    this.#chargeTask.abort();
    for (const task of this.#lists) {
      if (task.status !== TaskStatus.PENDING || this.#runs.get(task)?.aborted) continue;
      task.abort();
      // The form cannot be used without its list: a stopped load leaves a way to load it again.
      this.#requestError = { code: 'ABORTED', reasonCode: null, retry: () => void task.run() };
      this.#emitError('load', 'ABORTED', true, null, null);
    }
    this.host.requestUpdate();
  }

  async lookup(body: LookupRequest<S>): Promise<void> {
    if (this.state.step !== 'lookup') return;
    this.#lastLookup = body;
    await this.#lookupTask.run([body]);
  }

  /** Asks the proxy for the service charge of an amount (or a package) and moves to the confirmation. */
  async choose(amountPaisa: number, packageId?: number): Promise<void> {
    const s = this.state;
    if (s.step !== 'choose') return;
    await this.#chargeTask.run([s.quote, { quote_id: s.quote.quote_id, amount_paisa: amountPaisa, package_id: packageId }]);
  }

  /**
   * Pays the confirmed amount, or asks again about an unconfirmed payment: the same attempt with the same
   * idempotency key, which the proxy turns into the recorded outcome, never a second payment.
   */
  pay(): void {
    const s = this.state;
    if (s.step !== 'confirm' || s.renewal === 'running' || (s.pay && !idle(s.pay)) || !this.#claim()) return;
    const unconfirmed = s.pay?.phase === 'unconfirmed';
    const method = this.method;
    let attempt = s.attempt;
    // The method is part of the attempt: another method is another attempt (unless this one may have been recorded).
    if (!unconfirmed && method && method !== attempt.funding) {
      attempt = { ...attempt, funding: method, key: s.pay ? crypto.randomUUID() : attempt.key };
      if (isGateway(method)) attempt.returnTo = location.href;
    }
    const base = { quote: s.quote, attempt };
    this.#leaveOnNext = true;
    this.#remember(attempt);
    this.#run(base, unconfirmed ? transition(s.pay!, { type: 'retry' }) : START);
  }

  /** Asks the proxy for a pending payment's status now; automatic checks go on from there. */
  check(): void {
    const s = this.state;
    if (s.step === 'pending' && s.pay.phase === 'pending') this.#run(s, transition(s.pay, { type: 'check' }));
  }

  back(): void {
    const s = this.state;
    if (s.step === 'choose') return this.reset();
    // Once sent, an attempt is never dropped before its outcome is known.
    if (s.step !== 'confirm' || s.pay?.phase === 'unconfirmed' || (s.pay && !idle(s.pay))) return;
    this.#chargeTask.abort();
    this.#forget();
    this.#to(s.quote ? { step: 'choose', quote: s.quote } : { step: 'lookup' });
  }

  reset(): void {
    const s = this.state;
    if (s.step === 'confirm' && s.pay && !idle(s.pay)) return;
    this.cancel();
    this.#payRun?.abort();
    if (s.step !== 'lookup' && s.step !== 'choose') this.#forget();
    this.#to({ step: 'lookup' });
  }

  /** Drives the pay machine from `pay` for the attempt in `base`; one run at a time. */
  #run(base: Paying, pay: PayState): void {
    this.#payRun?.abort();
    const run = (this.#payRun = new AbortController());
    const client = this.#payClient(base.attempt);
    this.#apply(base, pay);
    void drive(pay, { client, clock: this.host.clock, signal: run.signal, onState: (next) => this.#apply(base, next) });
  }

  #payClient({ key, body, funding, returnTo }: Attempt): PayClient {
    const answer = async (request: () => Promise<Payment>): Promise<Answer> => {
      try {
        return { payment: await request() };
      } catch (error) {
        const e = toRequestError(error);
        const record = check(isPayment, e.response);
        const named = check(isReferenceDetails, e.details);
        return { code: e.code, payment: record.success ? record.data : null, ...(named.success ? { reference: named.data.reference } : {}) };
      }
    };
    const service = this.host.service;
    const sent = { ...body, ...(funding ? { funding } : {}), ...(isGateway(funding) && returnTo ? { return_url: marked(returnTo, key) } : {}) };
    return {
      send: (signal) => answer(() => this.#client.pay(service, key, sent, { signal, timeoutMs: 60_000 })),
      // Through a gateway, the proxy verifies with the gateway on resume (the return's parameters are hints).
      status: (reference, signal) =>
        answer(() => (isGateway(funding) ? this.#client.resume(reference, this.#returnParams, { signal }) : this.#client.status(reference, { signal }))),
    };
  }

  /** Shows a pay machine state, and tells the host what became of the payment. */
  #apply({ quote, attempt }: Paying, pay: PayState): void {
    const { service } = this.host;
    const generation = attempt.generation ? { generation: attempt.generation } : {};
    const funded = (p: Payment) => (p.funding ? { funding: p.funding } : {});
    const before = this.state.step;
    switch (pay.phase) {
      case 'settled': {
        // A final outcome is shown: nothing left to resume after a reload.
        this.#forget();
        const p = pay.payment;
        if (pay.code !== null && p.reason_code === 'SESSION_EXPIRED' && this.#lastLookup) return void this.#renew(quote, attempt);
        if (pay.code === null) {
          this.#to({ step: 'done', quote, attempt, payment: p }, () => emit(this.host, 'pay-success', {
            service,
            reference: p.reference,
            transactionId: p.transaction_id,
            amountPaisa: p.amount_paisa,
            serviceChargePaisa: p.service_charge_paisa,
            totalPaisa: p.total_paisa,
            ...generation,
            ...funded(p),
          }));
        } else {
          // The bills were paid meanwhile (another tab, another device): said as such, not as a refusal.
          const code = p.reason_code === 'NO_DUE_BILLS' ? 'QUOTE_ALREADY_PAID' : pay.code;
          this.#to({ step: 'failed', quote, attempt, payment: p, code }, () =>
            this.#emitError(code.startsWith('FUNDING_') ? 'funding' : 'pay', code, false, p.reference, code === 'QUOTE_ALREADY_PAID' ? null : p.reason_code, attempt, p),
          );
        }
        return;
      }
      case 'pending':
      case 'checking': {
        if (pay.phase === 'pending' && pay.payment.next && this.#leaveOnNext && isGateway(attempt.funding)) return this.#leave({ quote, attempt }, pay);
        const fresh = before !== 'pending';
        const p = pay.payment;
        if (fresh) this.#remember({ ...attempt, pending: p });
        // Announced once per payment on the page and in the tab, however many widgets show it again.
        const announce = () => {
          if (!firstAnnouncement(p.reference)) return;
          emit(this.host, 'pay-pending', { service, reference: p.reference, amountPaisa: p.amount_paisa, totalPaisa: p.total_paisa, ...generation, ...funded(p) });
        };
        this.#to({ step: 'pending', quote, attempt, pay }, fresh ? announce : undefined);
        return;
      }
      case 'refused':
        if (pay.code === 'QUOTE_EXPIRED' && this.#lastLookup) return void this.#renew(quote, attempt);
        this.#forget();
        this.#to({ step: 'confirm', quote, attempt, pay }, () => this.#emitError('pay', pay.code, false, null, null, attempt));
        return;
      case 'unconfirmed':
        this.#to({ step: 'confirm', quote, attempt, pay }, () =>
          this.#emitError('pay', 'PAY_UNCONFIRMED', true, pay.reference ?? null, null, attempt),
        );
        return;
      default:
        this.#to({ step: 'confirm', quote, attempt, pay });
    }
  }

  /**
   * The proxy answered the gateway's next step: the attempt is saved for the return, the host is told
   * (`pay-funding`), and the page goes to the gateway (its page, or its signed form posted).
   */
  #leave(base: Paying, pay: Extract<PayState, { phase: 'pending' }>): void {
    this.#payRun?.abort();
    this.#payRun = null;
    this.#leaveOnNext = false;
    this.#leaving = true;
    const { attempt } = base;
    const payment = pay.payment;
    const next = payment.next!;
    this.#remember({ ...attempt, pending: payment });
    this.#to({ step: 'pending', ...base, pay: { ...pay, waitMs: null } });
    emit(this.host, 'pay-funding', { service: this.host.service, method: attempt.funding!, reference: payment.reference });
    let to: Leave;
    if (next.kind === 'redirect') {
      to = next;
    } else {
      // A real form in the light DOM (no script of ours runs on the gateway's side; a strict CSP allows it).
      const form = document.createElement('form');
      form.method = 'post';
      form.action = next.action;
      form.hidden = true;
      for (const [name, value] of Object.entries(next.fields)) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      (this.host as unknown as HTMLElement).append(form);
      to = { kind: 'form', form };
    }
    const navigate = this.host.navigate ?? ((t: Leave) => (t.kind === 'redirect' ? location.assign(t.url) : t.form.submit()));
    navigate(to);
  }

  /**
   * The biller's session (or the proxy's quote) ended before the payment, and nothing was charged: looks
   * the account up again, prices the same amount (or package) on the new lookup, and asks the customer to
   * confirm it, as a new attempt. When that is not possible, the lookup or choice step says why.
   */
  async #renew(quote: Quote | null, attempt: Attempt): Promise<void> {
    const body = this.#lastLookup!;
    const { service } = this.host;
    this.#forget();
    const running: FlowState = { step: 'confirm', quote, attempt, pay: null, renewal: 'running' };
    this.#to(running);
    let fresh: Quote | null = null;
    try {
      fresh = await this.#client.lookup(service, body);
      const again = { ...attempt.body, quote_id: fresh.quote_id };
      const charge = await this.#client.charge(service, again);
      if (this.state !== running) return;
      const generation = fresh.generation ? { generation: fresh.generation } : {};
      const renewed: Attempt = { key: crypto.randomUUID(), body: again, charge, customer: fresh.customer_name, ...generation };
      this.#to({ step: 'confirm', quote: fresh, attempt: renewed, pay: null, renewal: 'done' });
    } catch (error) {
      if (this.state !== running) return;
      const e = toRequestError(error);
      this.#to(fresh ? { step: 'choose', quote: fresh } : { step: 'lookup' });
      this.#requestError = { code: e.code, reasonCode: e.reasonCode };
      this.#emitError(fresh ? 'price' : 'lookup', e.code, e.retryable, null, e.reasonCode, attempt);
    }
  }

  /**
   * Resumes the attempt this element saved (a reload, or the element created again): pending -> checks
   * its status; otherwise resends it with the same key.
   */
  #resume(): void {
    let saved: Saved | null = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.#storageKey) ?? 'null') as Saved | null;
    } catch {
      saved = null;
    }
    if (!saved?.key || !saved.charge || !this.#claim()) return;
    const { pending, ...attempt } = saved;
    const base = { quote: null, attempt };
    this.#leaveOnNext = false;
    if (pending && isGateway(attempt.funding)) this.#returnParams = this.#takeReturn(attempt);
    if (pending) {
      this.#run(base, { phase: 'checking', payment: pending, since: this.host.clock.now(), polls: 0 });
    } else {
      this.#to({ step: 'confirm', ...base, pay: null });
      this.#run(base, START);
    }
  }

  /**
   * The gateway's return parameters when the page came back for this attempt (marked with its key); the
   * address bar then loses them (the page's own address as before it left).
   */
  #takeReturn(attempt: Attempt): Record<string, string> {
    const url = new URL(location.href);
    if (url.searchParams.get(RETURN_PARAM) !== attempt.key) return {};
    const params: Record<string, string> = {};
    url.searchParams.forEach((value, name) => {
      if (name !== RETURN_PARAM) params[name] = value;
    });
    history.replaceState(history.state, '', attempt.returnTo ?? `${url.pathname}${url.hash}`);
    return params;
  }

  /** This element's resume slot: per service and endpoint, and per element when it has a name. */
  get #storageKey(): string {
    const name = this.host.resumeKey || this.host.id;
    return `bill-pay:${this.host.service}:${this.host.endpoint}${name ? `:${name}` : ''}`;
  }

  /** Takes the attempt in this element's slot for this element; false when another element drives it. */
  #claim(): boolean {
    if (!this.#connected) return false;
    const key = this.#storageKey;
    const holder = claims.get(key);
    if (holder && holder !== this) return false;
    claims.set(key, this);
    this.#claimed = key;
    return true;
  }

  #release(): void {
    if (this.#claimed && claims.get(this.#claimed) === this) claims.delete(this.#claimed);
    this.#claimed = null;
  }

  #remember(saved: Saved): void {
    try {
      sessionStorage.setItem(this.#claimed ?? this.#storageKey, JSON.stringify(saved));
    } catch {
      // Storage can be unavailable (privacy modes, sandboxed frames): resuming is then not possible.
    }
  }

  #forget(): void {
    try {
      if (this.#claimed) sessionStorage.removeItem(this.#claimed);
    } catch {
      // As above.
    }
    this.#release();
  }

  /** Tells the host of a failure the customer sees: where it happened, its code, and the text and reason shown. */
  #emitError(
    stage: PayErrorStage,
    code: WidgetErrorCode,
    retryable: boolean,
    reference: string | null,
    reasonCode: string | null,
    attempt?: Attempt,
    payment: Payment | null = null,
  ) {
    const m = messages(this.host.locale);
    const generation = attempt?.generation ? { generation: attempt.generation } : {};
    const reason = reasonText(m, reasonCode);
    emit(this.host, 'pay-error', {
      service: this.host.service,
      stage,
      code,
      // A funded payment says what became of the money (cancelled, refunded, refund due).
      message: (payment && fundingText(this.host.locale, code, payment)) ?? errorText(m, code),
      reason,
      reasonCode: reason === null ? null : reasonCode,
      retryable,
      reference,
      ...generation,
      ...(payment?.funding ? { funding: payment.funding } : {}),
    });
  }

  /** Moves to a state; `outcome` announces what led there before the step event that follows from it. */
  #to(state: FlowState, outcome?: () => void): void {
    const step = this.state.step;
    if (state.step !== 'pending') this.#leaving = false;
    this.state = state;
    if (step !== state.step) this.#requestError = null;
    this.host.requestUpdate();
    outcome?.();
    if (step !== state.step) emit(this.host, 'pay-step', { service: this.host.service, step: state.step });
  }
}

/** The return address with this attempt's mark, so that back on the page only its widget resumes with the gateway's answer. */
function marked(returnTo: string, key: string): string {
  const url = new URL(returnTo);
  url.searchParams.set(RETURN_PARAM, key);
  return url.href;
}
