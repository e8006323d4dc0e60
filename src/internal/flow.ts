/**
 * The flow core every payment element shares: lookup -> choose -> confirm -> pay -> done | failed |
 * pending. It owns the requests (each with an abort signal and a timeout; a newer request aborts an
 * older one, so stale answers never land), the idempotency key of each payment attempt, and the
 * polling of a pending payment. Elements only render and call it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as z from 'zod/mini';
import { chargeResponse, payment as paymentSchema, quote as quoteSchema, type Charge, type Payment, type Quote, type ServiceId } from '../api.js';
import { RequestError, proxyRequest } from './client.js';
import { emit } from './events.js';
import { errorText, messages } from './i18n.js';

export type Step = 'lookup' | 'choose' | 'confirm' | 'pending' | 'done' | 'failed';
export type Busy = 'load' | 'lookup' | 'charge' | 'pay' | 'status' | null;

export interface FlowError {
  code: string;
  /** A recognised biller reason code, shown translated beside the error. */
  reasonCode: string | null;
  /** Present when trying again is safe: the action that does it. */
  retry?: () => void;
}

interface Attempt {
  key: string;
  body: { quote_id: string; amount_paisa: number; package_id?: number };
  charge: Charge;
  customer: string;
}

export interface FlowHost extends ReactiveControllerHost, EventTarget {
  endpoint: string;
  locale: string;
  readonly service: ServiceId;
  accessToken: string;
  getAccessToken?: () => string | Promise<string>;
}

/** Answers that say "not final yet, ask again with the same key". */
const TRANSIENT = new Set(['NETWORK', 'TIMEOUT', 'BAD_RESPONSE', 'IDEMPOTENCY_IN_FLIGHT', 'RATE_LIMITED', 'UPSTREAM_ERROR', 'SHUTTING_DOWN']);
const PAY_ATTEMPTS = 4;
const POLLS = 12;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PayFlow implements ReactiveController {
  step: Step = 'lookup';
  busy: Busy = null;
  error: FlowError | null = null;
  quote: Quote | null = null;
  payment: Payment | null = null;
  /** The payment attempt being confirmed or paid: resent as is (same key) until it has an outcome. */
  #attempt: Attempt | null = null;
  #abort: AbortController | null = null;
  #polls = 0;
  #timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: FlowHost) {
    host.addController(this);
  }

  /**
   * A payment sent from this tab whose outcome the widget has not shown yet survives a reload: the
   * widget resends the same attempt (same idempotency key, so the proxy answers with the recorded
   * outcome, never a second payment) instead of offering to pay again.
   */
  hostConnected(): void {
    if (this.step !== 'lookup' || this.busy) return;
    let saved: Attempt | null = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.#storageKey) ?? 'null') as Attempt | null;
    } catch {
      saved = null;
    }
    if (!saved?.key || !saved.charge) return;
    this.#attempt = saved;
    this.#go('confirm');
    void this.pay();
  }

  /** The price being confirmed or paid: the current attempt's. */
  get charge(): Charge | null {
    return this.#attempt?.charge ?? null;
  }

  /** Whose payment this is, from the lookup, the payment, or a resumed attempt. */
  get customerName(): string {
    return this.quote?.customer_name ?? this.payment?.customer_name ?? this.#attempt?.customer ?? '';
  }

  get #storageKey() {
    return `bill-pay:${this.host.service}:${this.host.endpoint}`;
  }

  #remember(attempt: Attempt | null) {
    try {
      if (attempt) sessionStorage.setItem(this.#storageKey, JSON.stringify(attempt));
      else sessionStorage.removeItem(this.#storageKey);
    } catch {
      // Storage can be unavailable (privacy modes, sandboxed frames): resuming is then not possible.
    }
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    clearTimeout(this.#timer);
  }

  /**
   * A request to the proxy with the host's access token. When the proxy refuses the token, the host is
   * asked to renew it (`pay-auth-required`) and the request is sent once more: a refused request did
   * nothing, so this is safe even for a payment.
   */
  async #request<T>(path: string, schema: z.ZodMiniType<T>, options: Parameters<typeof proxyRequest>[3] = {}): Promise<T> {
    const send = async () => {
      const token = this.host.getAccessToken ? await this.host.getAccessToken() : this.host.accessToken;
      const headers = token ? { ...options.headers, authorization: `Bearer ${token}` } : options.headers;
      return proxyRequest(this.host.endpoint, path, schema, { ...options, headers });
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
   * Runs one request with progress and error state. A newer run aborts this one; a cancelled or
   * superseded run resolves to undefined and changes nothing.
   */
  async run<T>(busy: Busy, work: (signal: AbortSignal) => Promise<T>, retry?: () => void): Promise<T | undefined> {
    this.#abort?.abort();
    const controller = (this.#abort = new AbortController());
    // A payment in flight keeps its busy state: loading a list meanwhile must not re-enable paying.
    if (this.busy !== 'pay') this.busy = busy;
    this.error = null;
    this.host.requestUpdate();
    try {
      return await work(controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) {
        const e = error instanceof RequestError ? error : new RequestError('UNKNOWN', false);
        this.error = { code: e.code, reasonCode: e.reasonCode, retry: e.retryable ? retry : undefined };
      }
      return undefined;
    } finally {
      if (this.#abort === controller) {
        this.#abort = null;
        if (this.busy === busy) this.busy = null;
      }
      this.host.requestUpdate();
    }
  }

  /** Stops waiting for the current lookup or price request. A payment cannot be cancelled once sent. */
  cancel(): void {
    if (this.busy === 'pay') return;
    this.#abort?.abort();
    this.#abort = null;
    this.busy = null;
    this.host.requestUpdate();
  }

  /** Loads something a step needs (e.g. NEA's counters) with the shared progress and error handling. */
  load<T>(path: string, schema: z.ZodMiniType<T>, retry: () => void) {
    return this.run('load', (signal) => this.#request(path, schema, { signal }), retry);
  }

  async lookup(body: unknown): Promise<void> {
    const found = await this.run(
      'lookup',
      (signal) => this.#request(`/${this.host.service}/lookup`, quoteSchema, { body, signal }),
      () => void this.lookup(body),
    );
    if (found) {
      this.quote = found;
      this.#go('choose');
    }
  }

  /** Asks the proxy for the service charge of an amount (or a package) and moves to the confirmation. */
  async choose(amountPaisa: number, packageId?: number): Promise<void> {
    if (!this.quote) return;
    const body = { quote_id: this.quote.quote_id, amount_paisa: amountPaisa, package_id: packageId };
    const priced = await this.run(
      'charge',
      (signal) => this.#request(`/${this.host.service}/charge`, chargeResponse, { body, signal }),
      () => void this.choose(amountPaisa, packageId),
    );
    if (priced) {
      // One key per payment attempt: every resend of this attempt is the same payment to the proxy.
      this.#attempt = { key: crypto.randomUUID(), body, charge: priced, customer: this.quote.customer_name };
      this.#go('confirm');
    }
  }

  /**
   * Pays the confirmed amount. Answers that leave the outcome open (network, timeout, in flight) are
   * asked again with the same idempotency key, which the proxy turns into the recorded outcome, never
   * a second payment.
   */
  async pay(): Promise<void> {
    const attempt = this.#attempt;
    if (this.busy === 'pay' || !attempt) return;
    this.#abort?.abort();
    this.busy = 'pay';
    this.error = null;
    this.host.requestUpdate();
    this.#remember(attempt);
    const { body } = attempt;
    const headers = { 'idempotency-key': attempt.key };
    let code = 'UNKNOWN';
    for (let round = 1; round <= PAY_ATTEMPTS; round++) {
      try {
        const paid = await this.#request(`/${this.host.service}/pay`, paymentSchema, { body, headers, timeoutMs: 60_000 });
        this.busy = null;
        return this.#settle(paid);
      } catch (error) {
        const e = error instanceof RequestError ? error : new RequestError('UNKNOWN', false);
        const failed = z.safeParse(paymentSchema, e.response);
        if (failed.success) {
          this.busy = null;
          return this.#settle(failed.data, e.code);
        }
        code = e.code;
        if (!TRANSIENT.has(code)) break;
        if (round < PAY_ATTEMPTS) await sleep(1000 * round);
      }
    }
    this.busy = null;
    const unconfirmed = TRANSIENT.has(code);
    if (unconfirmed) code = 'PAY_UNCONFIRMED';
    else this.#remember(null);
    this.error = { code, reasonCode: null, retry: unconfirmed ? () => void this.pay() : undefined };
    this.#emitError(code, unconfirmed, null);
    this.host.requestUpdate();
  }

  /** Asks the proxy for a pending payment's status; keeps asking with backoff until it is final. */
  async check(): Promise<void> {
    clearTimeout(this.#timer);
    const reference = this.payment?.reference;
    if (!reference) return;
    const seen = await this.run(
      'status',
      (signal) => this.#request(`/payments/${reference}`, paymentSchema, { signal }),
      () => void this.check(),
    );
    if (seen && seen.state !== 'pending') return this.#settle(seen);
    if (this.step === 'pending' && ++this.#polls < POLLS) {
      this.#timer = setTimeout(() => void this.check(), Math.min(1000 * 2 ** this.#polls, 20_000));
    }
  }

  back(): void {
    this.cancel();
    this.error = null;
    if (this.step === 'confirm') {
      this.#attempt = null;
      this.#go('choose');
    } else {
      this.quote = null;
      this.#go('lookup');
    }
  }

  reset(): void {
    this.cancel();
    clearTimeout(this.#timer);
    Object.assign(this, { error: null, quote: null, payment: null });
    this.#attempt = null;
    this.#go('lookup');
  }

  #settle(p: Payment, code = 'PAYMENT_REJECTED'): void {
    this.payment = p;
    // A final outcome has been shown: nothing left to resume after a reload.
    if (p.state !== 'pending') this.#remember(null);
    const { service } = this.host;
    if (p.state === 'success') {
      this.#go('done');
      emit(this.host, 'pay-success', {
        service,
        reference: p.reference,
        transactionId: p.transaction_id,
        amountPaisa: p.amount_paisa,
        serviceChargePaisa: p.service_charge_paisa,
        totalPaisa: p.total_paisa,
      });
    } else if (p.state === 'pending') {
      this.#go('pending');
      this.#polls = 0;
      emit(this.host, 'pay-pending', { service, reference: p.reference, amountPaisa: p.amount_paisa, totalPaisa: p.total_paisa });
      this.#timer = setTimeout(() => void this.check(), 1000);
    } else {
      this.error = { code, reasonCode: p.reason_code };
      this.#go('failed');
      this.#emitError(code, false, p.reference);
    }
  }

  #emitError(code: string, retryable: boolean, reference: string | null) {
    const message = errorText(messages(this.host.locale), code);
    emit(this.host, 'pay-error', { service: this.host.service, code, message, retryable, reference });
  }

  #go(step: Step): void {
    if (this.step === step) return;
    this.step = step;
    this.host.requestUpdate();
    emit(this.host, 'pay-step', { service: this.host.service, step });
  }
}
