/**
 * The steps after the lookup (a chunk of their own, fetched when the element connects): choose -> confirm ->
 * pending -> done | failed. Pricing is a `Run` (flow.ts); the charge preview and the payment methods are
 * `Watch`es (they run by themselves as their arguments change); the pay path is the machine
 * in pay-machine.ts, driven with the host's clock; the funding chooser, the trip to a gateway and the
 * resume on return. The flow (flow.ts) owns the state; the steps (steps.ts) call this directly (`flow.checkout`).
 */
import type { ReactiveController, ReactiveControllerHost } from './base-element.js';
import type { Charge, ChargeRequest, FundingMethod, PayRequest, Payment, Quote, ServiceId, WidgetErrorCode } from '../api.js';
import { CLIENT_ERROR_CODES, isErrorCode } from '../fields.js';
import { formatNpr } from '../money.js';
import type { CallOptions, CheckoutRoute, Guards, Send } from './client.js';
import type { Guard } from './guards.generated.js';
import { isChargeResponse, isFundingResponse, isPayment, isQuote, isReferenceDetails } from './pay-guards.generated.js';
import type { Attempt, Busy, FlowError, FlowState, Leave, Paying, PayFlow, Saved } from './flow.js';
import { fromKit } from './from-kit.js';
import { START, drive, idle, transition, type Answer, type PayClient, type PayState } from './pay-machine.js';

const { RequestError, Run, emit, fill, messages, proxyRequest, toRequestError } = fromKit('RequestError', 'Run', 'emit', 'fill', 'messages', 'proxyRequest', 'toRequestError');
type Run<A extends unknown[], R> = import('./flow.js').Run<A, R>;

/** A guard's verdict in `z.safeParse`'s shape: the value itself when it passes (it is not copied). */
export function check<T>(guard: Guard<T>, value: unknown): { success: true; data: T } | { success: false } {
  return guard(value) ? { success: true, data: value } : { success: false };
}

/** How long the charge preview waits for the customer to stop typing before it asks the proxy. */
export const PREVIEW_DEBOUNCE_MS = 300;

/** The query parameter that marks a return from the gateway as this attempt's (its idempotency key). */
export const RETURN_PARAM = 'bill-pay-return';

/** Whether this version knows an error code (the proxy's and its own): the list comes with this chunk, out of the first load. */
const known = (code: string): boolean => isErrorCode(code) || (CLIENT_ERROR_CODES as readonly string[]).includes(code);

/** The lookup's and the pay stage's answer checks (the lists': client.ts): with this chunk, out of the first load. */
const PAY_GUARDS: Guards<CheckoutRoute> = {
  lookup: isQuote,
  charge: isChargeResponse,
  pay: isPayment,
  resume: isPayment,
  status: isPayment,
  funding: isFundingResponse,
};

/** The pay stage's routes as typed calls, sent as the flow sends (with the host's access token). */
export function payClient(send: Send) {
  return {
    charge: (service: ServiceId, body: ChargeRequest, options?: CallOptions) => send('charge', PAY_GUARDS.charge, { service }, { ...options, body }),
    pay: (service: ServiceId, key: string, body: PayRequest, options?: CallOptions) =>
      send('pay', PAY_GUARDS.pay, { service }, { ...options, body, headers: { ...options?.headers, 'idempotency-key': key } }),
    status: (reference: string, options?: CallOptions) => send('status', PAY_GUARDS.status, { reference }, options),
    /** Back from the gateway: the return's query, for the proxy to verify. */
    resume: (reference: string, params: Record<string, string>, options?: CallOptions) => send('resume', PAY_GUARDS.resume, { reference }, { ...options, body: { params } }),
  };
}

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

/**
 * A request that runs by itself whenever its arguments change (compared one by one on each host update): a
 * change aborts the run before (during its wait or its request), so a stale answer never lands; `value` is
 * null until the current run answers, and stays null when it fails.
 */
class Watch<A extends unknown[], R> implements ReactiveController {
  value: R | null = null;
  #args: A | null = null;
  #run: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly args: () => A,
    private readonly work: (args: A, signal: AbortSignal) => Promise<R | null>,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.args();
    const before = this.#args;
    if (before && args.length === before.length && args.every((arg, i) => arg === before[i])) return;
    this.#args = args;
    this.#run?.abort();
    this.value = null;
    const run = (this.#run = new AbortController());
    this.work(args, run.signal).then(
      (value) => {
        if (this.#run !== run) return;
        this.value = value;
        this.host.requestUpdate();
      },
      () => undefined,
    );
  }
}

export class Checkout<S extends ServiceId = ServiceId> {
  #payRun: AbortController | null = null;
  /** The payment method the customer picked (null: the first offered). */
  #method: FundingMethod | null = null;
  /** Set while the page is leaving for the gateway. */
  #leaving = false;
  /** This pay run was started by the customer's pay: a gateway's `next` sends the page there (not after a return). */
  #leaveOnNext = false;
  /** The gateway's return parameters for the attempt being resumed. */
  #returnParams: Record<string, string> = {};
  /** The payment methods the proxy offers (FUNDING). */
  readonly #fundingTask: Watch<[string], FundingMethod[]>;
  readonly #chargeTask: Run<[Quote, Attempt['body']], { quote: Quote; body: Attempt['body']; charge: Charge }>;
  /**
   * The charge of what the customer is choosing, asked of the proxy as they choose: a change of choice
   * aborts the run before (during its debounce wait or its request), so a stale answer never shows.
   */
  readonly #previewTask: Watch<[Quote | null, number | null, number | undefined], Charge>;

  /** The pay stage's calls (charge, pay, status, resume). */
  readonly #client: ReturnType<typeof payClient>;

  constructor(private readonly flow: PayFlow<S>) {
    const host = flow.host;
    const client = (this.#client = payClient(flow.send));
    this.#fundingTask = new Watch(
      host,
      () => [host.endpoint] as [string],
      // An older proxy without the route: no choice, the payment goes as before (no funding sent).
      // Public (no token, no renewal): the merchant's terms, not the customer's data.
      ([endpoint], signal) => proxyRequest(endpoint, 'funding', PAY_GUARDS.funding, {}, { signal }).then(
        (r) => r.methods,
        () => [] as FundingMethod[],
      ),
    );
    this.#previewTask = new Watch(
      host,
      () => {
        const s = flow.state;
        const choice = s.step === 'choose' ? flow.chosen(s.quote) : null;
        return [s.step === 'choose' ? s.quote : null, choice?.amount ?? null, choice?.packageId] as [Quote | null, number | null, number | undefined];
      },
      async ([quote, amount, packageId], signal) => {
        if (!quote || amount === null) return null;
        await host.clock.sleep(PREVIEW_DEBOUNCE_MS, signal);
        signal.throwIfAborted();
        return client.charge(host.service, { quote_id: quote.quote_id, amount_paisa: amount, package_id: packageId }, { signal });
      },
    );
    this.#chargeTask = new Run(
      flow as PayFlow,
      'price',
      async ([quote, body]: [Quote, Attempt['body']], signal) => ({
        quote,
        body,
        charge: await client.charge(host.service, body, { signal }),
      }),
      ({ quote, body, charge }) => {
        if (flow.state.step !== 'choose' || flow.state.quote !== quote) return;
        const generation = quote.generation ? { generation: quote.generation } : {};
        this.#to({ step: 'confirm', quote, attempt: { key: crypto.randomUUID(), body, charge, customer: quote.customer_name, ...generation }, pay: null });
      },
    );
    // The tasks that run by themselves (funding methods, preview) start on the host's next update.
    host.requestUpdate();
  }

  /** A failure as the flow reads it (flow.ts `toRequestError`), its code checked against the full list (this chunk's). */
  failure(error: unknown) {
    return toRequestError(error, known);
  }

  /** The lookup's answer, checked here (the first load sends the lookup; its answer waits for this chunk anyway). */
  quote(answer: unknown): Quote {
    if (!PAY_GUARDS.lookup(answer)) throw new RequestError('BAD_RESPONSE', true);
    return answer;
  }

  /** Moved in the DOM: carry on with the attempt it was driving, unless another element took it over. */
  reconnect(): void {
    const s = this.flow.state;
    if ((s.step === 'confirm' || s.step === 'pending') && s.pay && !idle(s.pay) && this.flow.claim()) this.#run(s, s.pay);
  }

  disconnect(): void {
    this.#payRun?.abort();
    this.#payRun = null;
  }

  get busy(): Busy {
    const s = this.flow.state;
    if (s.step === 'confirm' && (s.pay?.phase === 'sending' || s.pay?.phase === 'resending')) return 'pay';
    if (s.step === 'pending' && s.pay.phase === 'checking') return 'status';
    if (s.step === 'confirm' && s.renewal === 'running') return 'lookup';
    return this.#chargeTask.pending ? 'charge' : null;
  }

  /** The error of the step on screen (null: the flow's last failed request, if any). */
  get error(): FlowError | null {
    const s = this.flow.state;
    // "Already paid" says it all: the biller's "No due bills" is not shown beside it.
    if (s.step === 'failed') return { code: s.code, reasonCode: s.code === 'QUOTE_ALREADY_PAID' ? null : s.payment.reason_code };
    if (s.step === 'confirm' && s.pay?.phase === 'unconfirmed') return { code: 'PAY_UNCONFIRMED', reasonCode: null, retry: () => this.pay() };
    if (s.step === 'confirm' && s.pay?.phase === 'refused') return { code: s.pay.code, reasonCode: null };
    if (s.step === 'pending' && s.pay.phase === 'pending' && s.pay.code) return { code: s.pay.code, reasonCode: null, retry: () => this.check() };
    return null;
  }

  /** The charge of the current choice once the proxy told it (null while asking, or with no valid choice). */
  get preview(): Charge | null {
    return this.#previewTask.value;
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
    this.flow.host.requestUpdate();
  }

  get gateway(): { method: FundingMethod; leaving: boolean } | null {
    const s = this.flow.state;
    if (s.step === 'lookup' || s.step === 'choose' || !isGateway(s.attempt.funding)) return null;
    return { method: s.attempt.funding!, leaving: this.#leaving };
  }

  /** After a funding that did not go through (cancelled, refused): the same amount again, on the confirm step, to pay with any method. */
  again(): void {
    const s = this.flow.state;
    if (s.step !== 'failed') return;
    const { funding: _f, returnTo: _r, ...attempt } = s.attempt;
    this.#to({ step: 'confirm', quote: s.quote, attempt: { ...attempt, key: crypto.randomUUID() }, pay: null });
  }

  cancel(): void {
    this.#chargeTask.abort();
  }

  /** Asks the proxy for the service charge of an amount (or a package) and moves to the confirmation. */
  async choose(amountPaisa: number, packageId?: number): Promise<void> {
    const s = this.flow.state;
    if (s.step !== 'choose') return;
    await this.#chargeTask.run(s.quote, { quote_id: s.quote.quote_id, amount_paisa: amountPaisa, package_id: packageId });
  }

  /**
   * Pays the confirmed amount, or asks again about an unconfirmed payment: the same attempt with the same
   * idempotency key, which the proxy turns into the recorded outcome, never a second payment.
   */
  pay(): void {
    const s = this.flow.state;
    if (s.step !== 'confirm' || s.renewal === 'running' || (s.pay && !idle(s.pay)) || !this.flow.claim()) return;
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
    const s = this.flow.state;
    if (s.step === 'pending' && s.pay.phase === 'pending') this.#run(s, transition(s.pay, { type: 'check' }));
  }

  back(): void {
    const s = this.flow.state;
    if (s.step === 'choose') return this.reset();
    // Once sent, an attempt is never dropped before its outcome is known.
    if (s.step !== 'confirm' || s.pay?.phase === 'unconfirmed' || (s.pay && !idle(s.pay))) return;
    this.#chargeTask.abort();
    this.#forget();
    this.#to(s.quote ? { step: 'choose', quote: s.quote } : { step: 'lookup' });
  }

  reset(): void {
    const s = this.flow.state;
    if (s.step === 'confirm' && s.pay && !idle(s.pay)) return;
    this.flow.cancel();
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
    void drive(pay, { client, clock: this.flow.host.clock, signal: run.signal, onState: (next) => this.#apply(base, next) });
  }

  #payClient({ key, body, funding, returnTo }: Attempt): PayClient {
    const answer = async (request: () => Promise<Payment>): Promise<Answer> => {
      try {
        return { payment: await request() };
      } catch (error) {
        const e = this.failure(error);
        const record = check(isPayment, e.response);
        const named = check(isReferenceDetails, e.details);
        return { code: e.code, payment: record.success ? record.data : null, ...(named.success ? { reference: named.data.reference } : {}) };
      }
    };
    const { host } = this.flow;
    const client = this.#client;
    const service = host.service;
    const sent = { ...body, ...(funding ? { funding } : {}), ...(isGateway(funding) && returnTo ? { return_url: marked(returnTo, key) } : {}) };
    return {
      send: (signal) => answer(() => client.pay(service, key, sent, { signal, timeoutMs: 60_000 })),
      // Through a gateway, the proxy verifies with the gateway on resume (the return's parameters are hints).
      status: (reference, signal) =>
        answer(() => (isGateway(funding) ? client.resume(reference, this.#returnParams, { signal }) : client.status(reference, { signal }))),
    };
  }

  /** Tells the host of a failure, with what became of the customer's money for a funded payment. */
  #emitError(stage: Parameters<PayFlow['emitError']>[0], code: WidgetErrorCode, retryable: boolean, reference: string | null, reasonCode: string | null, attempt?: Attempt, payment: Payment | null = null) {
    const text = payment ? fundingText(this.flow.host.locale, code, payment) : null;
    const more = { ...(attempt?.generation ? { generation: attempt.generation } : {}), ...(payment?.funding ? { funding: payment.funding } : {}) };
    this.flow.emitError(stage, code, retryable, reference, reasonCode, more, text ?? undefined);
  }

  /** Shows a pay machine state, and tells the host what became of the payment. */
  #apply({ quote, attempt }: Paying, pay: PayState): void {
    const { service } = this.flow.host;
    const host = this.flow.host;
    const generation = attempt.generation ? { generation: attempt.generation } : {};
    const funded = (p: Payment) => (p.funding ? { funding: p.funding } : {});
    const before = this.flow.state.step;
    switch (pay.phase) {
      case 'settled': {
        // A final outcome is shown: nothing left to resume after a reload.
        this.#forget();
        const p = pay.payment;
        if (pay.code !== null && p.reason_code === 'SESSION_EXPIRED' && this.flow.lastLookup) return void this.#renew(quote, attempt);
        if (pay.code === null) {
          this.#to({ step: 'done', quote, attempt, payment: p }, () => emit(host, 'pay-success', {
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
          emit(host, 'pay-pending', { service, reference: p.reference, amountPaisa: p.amount_paisa, totalPaisa: p.total_paisa, ...generation, ...funded(p) });
        };
        this.#to({ step: 'pending', quote, attempt, pay }, fresh ? announce : undefined);
        return;
      }
      case 'refused':
        if (pay.code === 'QUOTE_EXPIRED' && this.flow.lastLookup) return void this.#renew(quote, attempt);
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
    const host = this.flow.host;
    this.#payRun?.abort();
    this.#payRun = null;
    this.#leaveOnNext = false;
    const { attempt } = base;
    const payment = pay.payment;
    const next = payment.next!;
    this.#leaving = true;
    this.#remember({ ...attempt, pending: payment });
    this.#to({ step: 'pending', ...base, pay: { ...pay, waitMs: null } });
    emit(host, 'pay-funding', { service: host.service, method: attempt.funding!, reference: payment.reference });
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
      (host as unknown as HTMLElement).append(form);
      to = { kind: 'form', form };
    }
    const navigate = host.navigate ?? ((t: Leave) => (t.kind === 'redirect' ? location.assign(t.url) : t.form.submit()));
    navigate(to);
  }

  /**
   * The biller's session (or the proxy's quote) ended before the payment, and nothing was charged: looks
   * the account up again, prices the same amount (or package) on the new lookup, and asks the customer to
   * confirm it, as a new attempt. When that is not possible, the lookup or choice step says why.
   */
  async #renew(quote: Quote | null, attempt: Attempt): Promise<void> {
    const { flow } = this;
    const body = flow.lastLookup!;
    const { service } = flow.host;
    this.#forget();
    const running: FlowState = { step: 'confirm', quote, attempt, pay: null, renewal: 'running' };
    this.#to(running);
    let fresh: Quote | null = null;
    try {
      fresh = this.quote(await flow.client.lookup(service, body));
      const again = { ...attempt.body, quote_id: fresh.quote_id };
      const charge = await this.#client.charge(service, again);
      if (flow.state !== running) return;
      const generation = fresh.generation ? { generation: fresh.generation } : {};
      const renewed: Attempt = { key: crypto.randomUUID(), body: again, charge, customer: fresh.customer_name, ...generation };
      this.#to({ step: 'confirm', quote: fresh, attempt: renewed, pay: null, renewal: 'done' });
    } catch (error) {
      if (flow.state !== running) return;
      const e = this.failure(error);
      this.#to(fresh ? { step: 'choose', quote: fresh } : { step: 'lookup' });
      flow.requestError = { code: e.code, reasonCode: e.reasonCode };
      this.#emitError(fresh ? 'price' : 'lookup', e.code, e.retryable, null, e.reasonCode, attempt);
    }
  }

  /** Resumes a saved attempt (claimed by the flow): pending -> checks its status; otherwise resends it with the same key. */
  resume(saved: Saved): void {
    const { pending, ...attempt } = saved;
    const base = { quote: null, attempt };
    this.#leaveOnNext = false;
    if (pending && isGateway(attempt.funding)) this.#returnParams = this.#takeReturn(attempt);
    if (pending) {
      this.#run(base, { phase: 'checking', payment: pending, since: this.flow.host.clock.now(), polls: 0 });
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

  #remember(saved: Saved): void {
    try {
      sessionStorage.setItem(this.flow.slot, JSON.stringify(saved));
    } catch {
      // Storage can be unavailable (privacy modes, sandboxed frames): resuming is then not possible.
    }
  }

  #forget(): void {
    try {
      if (this.flow.claimed) sessionStorage.removeItem(this.flow.claimed);
    } catch {
      // As above.
    }
    this.flow.release();
  }

  /** Moves to a state (the page is no longer leaving once it is not pending). */
  #to(state: FlowState, outcome?: () => void): void {
    if (state.step !== 'pending') this.#leaving = false;
    this.flow.to(state, outcome);
  }
}

/** The return address with this attempt's mark, so that back on the page only its widget resumes with the gateway's answer. */
function marked(returnTo: string, key: string): string {
  const url = new URL(returnTo);
  url.searchParams.set(RETURN_PARAM, key);
  return url.href;
}
