/**
 * The payment rules, in one place for the routes, the reconciler and the delivery-report hint:
 * quotes are checked, a reference is fixed in the ledger before the commit leaves, a commit is sent at
 * most once, and unknown outcomes are settled only by the aggregator's status lookup.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ChargeRequest } from '../api.js';
import type { Aggregator } from './aggregator.js';
import type { FundingMethod, FundingModule, FundingRef, FundingVerdict } from './funding/types.js';
import { ProxyError } from './errors.js';
import type { Logger } from './log.js';
import type { Provider } from './providers/types.js';
import { classifyCommit, classifyStatus, type LedgerState } from './providers/upstream.js';
import { checkPayment } from './quotes.js';
import type { FundingPatch, FundingRow, FundingState, PaymentPatch, PaymentRow, Store, StoredQuote } from './store/store.js';

/** A new upstream reference: 32 alphanumeric characters (the aggregator allows up to 50). */
export const newReference = () => randomUUID().replaceAll('-', '');

export interface PaymentsOptions {
  store: Store;
  /** How long a lookup's quote may be paid. */
  quoteTtlMs: number;
  aggregator: Aggregator;
  providers: Provider<never>[];
  log: Logger;
  now: () => number;
  upstreamTimeoutMs: number;
  /** First status lookup of an unknown payment by the reconciler (the aggregator says about 5 minutes). */
  reconcileDelayMs: number;
  /** Lookups answering "no such reference" before a payment that never reached the aggregator is failed. */
  reconcileMaxAttempts: number;
  /** Least time between two status lookups asked for by the widget. */
  statusRecheckMs: number;
  /**
   * The funding modules offered (FUNDING), by method; or how to make them with a logger, so that a request's
   * (`withLog`) get modules logging to it (made when the request first needs one).
   */
  fundings?: Map<FundingMethod, FundingModule> | ((log: Logger) => Map<FundingMethod, FundingModule>);
}

/** How the customer pays one payment: the method (validated against FUNDING) and, for a gateway, where it sends the customer back. */
export interface FundingChoice {
  method: FundingMethod;
  returnUrl: string | null;
}

/** How long a started funding is awaited when the gateway names no expiry (Khalti's 30 minutes). */
export const FUNDING_WINDOW_MS = 30 * 60_000;

const OPEN: LedgerState[] = ['pending', 'unknown'];
const MAX_BACKOFF_MS = 3600_000;
/**
 * The aggregator's window (AGGREGATOR-FACTS.md: "ask the lookup API again after about 5 minutes"): a run
 * of "no such reference" answers fails a payment only if it spans at least this long.
 */
export const NOT_FOUND_WINDOW_MS = 5 * 60_000;
/** Expired quotes that no payment refers to, deleted per reconciler pass. */
export const QUOTE_PRUNE_BATCH = 500;
/** How often a request whose key is in flight looks at the ledger again while it waits for the outcome. */
const IN_FLIGHT_POLL_MS = 25;

/** Who settled a payment by hand, and why: `bill-pay-settle`'s record in the ledger. */
export class SettleError extends Error {
  override name = 'SettleError';
}

/** What an idempotency key was first used for: a replay with another payload is refused. */
export const requestHash = (service: string, body: ChargeRequest & { funding?: string }, subject: string | null) =>
  createHash('sha256')
    .update(JSON.stringify([service, body.quote_id, body.amount_paisa, body.package_id ?? null, subject, ...(body.funding ? [body.funding] : [])]))
    .digest('hex');

/** The same account whatever order the lookup's fields came in: the identity a second payment is checked against. */
export const accountOf = (service: string, input: unknown) =>
  `${service}:${JSON.stringify(input, Object.keys((input ?? {}) as object).sort())}`;

export interface ReconcileReport {
  checked: number;
  settled: number;
  pending: number;
  manual: number;
}

/** What a funding module needs to know about a stored funding. */
const fundingRef = (f: FundingRow): FundingRef => ({ reference: f.reference, ids: f.ids, expectedPaisa: f.totalPaisa });

export class Payments {
  readonly providers: Map<string, Provider<never>>;
  /** The service charges being asked, shared by every `withLog` view (see serviceCharge). */
  readonly #charging: Map<string, Promise<number>>;
  #fundingModules: Map<FundingMethod, FundingModule> | undefined;
  /** `shared`: the state of the Payments this is a view of (`withLog`). */
  constructor(
    private readonly o: PaymentsOptions,
    shared?: { providers: Map<string, Provider<never>>; charging: Map<string, Promise<number>> },
  ) {
    this.providers = shared?.providers ?? new Map(o.providers.map((p) => [p.service, p]));
    this.#charging = shared?.charging ?? new Map();
  }

  /**
   * These payments as one request sees them: the same ledger, providers and state, with every line they log
   * (and the aggregator's and funding modules' lines) written to `log`, a request's logger (its id on each line).
   */
  withLog(log: Logger): Payments {
    return new Payments({ ...this.o, log, aggregator: this.o.aggregator.withLog(log) }, { providers: this.providers, charging: this.#charging });
  }

  /** The funding modules, made on first use when given as a function of the logger. */
  get #fundings(): Map<FundingMethod, FundingModule> | undefined {
    const given = this.o.fundings;
    return typeof given === 'function' ? (this.#fundingModules ??= given(this.o.log)) : given;
  }

  /** Looks a customer up with the aggregator and keeps what may be paid as a quote of this user. */
  async quote(provider: Provider<never>, input: never, subject: string | null): Promise<StoredQuote> {
    const draft = await provider.lookup(this.o.aggregator, input, newReference());
    const t = this.o.now();
    const quote: StoredQuote = {
      id: randomUUID(),
      service: provider.service,
      ...draft,
      subject,
      account: draft.account ?? accountOf(provider.service, input),
      charges: {},
      createdAt: t,
      expiresAt: t + this.o.quoteTtlMs,
    };
    await this.o.store.saveQuote(quote);
    return quote;
  }

  /** A quote of this service, looked up by this user (with host authentication, another user's is unknown). */
  async loadQuote(id: string, service: string, subject: string | null): Promise<StoredQuote> {
    const quote = await this.o.store.getQuote(id);
    if (!quote || quote.service !== service || (quote.subject ?? null) !== subject) throw new ProxyError('QUOTE_NOT_FOUND', 'Unknown quote; look the account up again');
    if (quote.expiresAt <= this.o.now()) throw new ProxyError('QUOTE_EXPIRED', 'The lookup has expired; look the account up again');
    return quote;
  }

  /** The service charge of an amount, asked of the aggregator once per quote and amount (concurrent askers share one call). */
  async serviceCharge(provider: Provider<never>, quote: StoredQuote, amountPaisa: number): Promise<number> {
    if (!provider.serviceCharge) return 0;
    const known = quote.charges[String(amountPaisa)];
    if (known !== undefined) return known;
    const asked = `${quote.id}:${amountPaisa}`;
    let charging = this.#charging.get(asked);
    if (!charging) {
      charging = (async () => {
        const charge = await provider.serviceCharge!(this.o.aggregator, quote.sessionId, amountPaisa, quote);
        await this.o.store.saveCharge(quote.id, amountPaisa, charge);
        return charge;
      })().finally(() => this.#charging.delete(asked));
      this.#charging.set(asked, charging);
    }
    return charging;
  }

  /** The quote a charge or payment is for, checked against its rules, and the service charge of the amount. */
  async price(provider: Provider<never>, body: ChargeRequest, subject: string | null): Promise<{ quote: StoredQuote; charge: number }> {
    const quote = await this.loadQuote(body.quote_id, provider.service, subject);
    checkPayment(quote, body.amount_paisa, body.package_id);
    return { quote, charge: await this.serviceCharge(provider, quote, body.amount_paisa) };
  }

  /**
   * Pays once per idempotency key. The ledger is asked before the aggregator: a repeated key replays
   * the recorded outcome (waiting for it while its commit is in flight; 422 for another payload), a
   * quote with a live or successful payment is refused (409 QUOTE_ALREADY_PAID), and so is a second
   * payment of an account while one is unresolved (409 PAYMENT_UNRESOLVED). A known key never reaches
   * the aggregator again, even when it became known while this request was pricing.
   */
  async pay(
    provider: Provider<never>,
    key: string,
    body: ChargeRequest & { funding?: FundingMethod },
    subject: string | null,
    choice: FundingChoice,
  ): Promise<{ payment: PaymentRow; replayed: boolean; funding?: FundingRow | null }> {
    const module = this.#module(choice.method);
    const hash = requestHash(provider.service, body, subject);
    let quote: StoredQuote;
    try {
      quote = await this.loadQuote(body.quote_id, provider.service, subject);
      checkPayment(quote, body.amount_paisa, body.package_id);
    } catch (error) {
      // A known key replays its outcome (or is refused for another payload) whatever its quote is now.
      const previous = await this.#known(key, hash);
      if (previous) return previous;
      throw error;
    }
    const account = quote.account ?? null;
    // Known without asking the aggregator (no service charge, or asked before): the insert below is the
    // ledger's only question (a known key replays, a paid quote or unresolved account is refused there).
    let charge = provider.serviceCharge ? quote.charges[String(body.amount_paisa)] : 0;
    if (charge === undefined) {
      // The aggregator is asked first: the ledger is asked before it.
      const blocked = await this.#blocked(key, hash, quote.id, provider.service, account);
      if (blocked) return blocked;
      try {
        charge = await this.serviceCharge(provider, quote, body.amount_paisa);
      } catch (error) {
        // The aggregator may refuse because a request with this key (or another) paid meanwhile: the
        // ledger's answer wins over the aggregator's refusal.
        const meanwhile = await this.#blocked(key, hash, quote.id, provider.service, account);
        if (meanwhile) return meanwhile;
        throw error;
      }
    }
    const t = this.o.now();
    const row: PaymentRow = {
      reference: newReference(),
      idempotencyKey: key,
      requestHash: hash,
      quoteId: quote.id,
      service: provider.service,
      sessionId: quote.sessionId,
      customerName: quote.customerName,
      amountPaisa: body.amount_paisa,
      serviceChargePaisa: charge,
      packageId: body.package_id ?? null,
      state: 'pending',
      upstreamId: null,
      upstreamState: null,
      errorCode: null,
      reason: null,
      receipt: [],
      createdAt: t,
      updatedAt: t,
      checkedAt: null,
      // Looked at by the reconciler once the funding can no longer be awaited (it is committed only after the funding is secured).
      nextCheckAt: t + FUNDING_WINDOW_MS,
      attempts: 0,
      subject,
      account,
      notFoundSince: null,
      settledBy: null,
      settledAt: null,
      note: null,
    };
    const totalPaisa = row.amountPaisa + row.serviceChargePaisa;
    const funding: FundingRow = {
      reference: row.reference,
      method: choice.method,
      state: 'initiated',
      ids: {},
      nextStep: null,
      totalPaisa,
      paidPaisa: null,
      expiresAt: t + FUNDING_WINDOW_MS,
      nextCheckAt: t + FUNDING_WINDOW_MS,
      attempts: 0,
      refundReason: null,
      refundedAt: null,
      createdAt: t,
      updatedAt: t,
    };
    // The reference is fixed in the ledger before the commit leaves, so a lost answer can be looked up; the
    // funding is recorded with it (durable together) before the gateway hears of it, so a crash leaves rows
    // the reconciler finishes.
    const inserted = await this.o.store.insertPayment(row, funding);
    if (!inserted.inserted) {
      if (inserted.conflict === 'key') return { payment: await this.#replay(inserted.existing, hash), replayed: true };
      throw this.#blockedError(inserted.conflict, inserted.existing, quote.id);
    }
    this.o.log('info', 'payment.reserved', { reference: row.reference, service: row.service, amount_paisa: row.amountPaisa, funding: choice.method });
    const started = await module.start({
      reference: row.reference,
      totalPaisa,
      returnUrl: choice.returnUrl ?? '',
      name: `${provider.service.toUpperCase()} payment for ${quote.customerName}`.slice(0, 100),
      ...(subject === null ? {} : { subject }),
    });
    if (started.kind === 'failed') {
      const abandoned = await this.#updateFunding(funding, ['initiated'], { state: 'abandoned', nextCheckAt: null });
      const failed = await this.#update(row, ['pending'], { state: 'failed', errorCode: 'FUNDING_REFUSED', nextCheckAt: null });
      this.o.log('info', 'funding.refused', { reference: row.reference, method: choice.method, reason: started.reason });
      return { payment: failed, replayed: false, funding: abandoned };
    }
    if (started.kind !== 'secured') {
      const expiresAt = started.kind === 'redirect' && started.expiresAt ? started.expiresAt : funding.expiresAt;
      const nextStep = started.kind === 'redirect' ? { kind: 'redirect' as const, url: started.url } : { kind: 'form' as const, action: started.action, fields: started.fields };
      const waiting = await this.#updateFunding(funding, ['initiated'], { ids: started.ids, nextStep, expiresAt, nextCheckAt: expiresAt });
      this.o.log('info', 'funding.started', { reference: row.reference, method: choice.method, next: nextStep.kind });
      return { payment: row, replayed: false, funding: waiting };
    }
    const committed = await this.#commitFunded(provider, row, quote, { state: 'secured', ids: started.ids, paidPaisa: totalPaisa, nextCheckAt: null });
    // Moved on by someone else meanwhile (the reconciler, long after): never committed here; its rows answer.
    return committed ? { ...committed, replayed: false } : { payment: await this.#current(row), funding: await this.fundingOf(row.reference), replayed: false };
  }

  /** The funding module of a method offered by FUNDING. */
  #module(method: FundingMethod): FundingModule {
    const module = this.#fundings?.get(method);
    if (!module) throw new ProxyError('VALIDATION', `Funding method ${method} is not offered`);
    return module;
  }

  /** A payment's funding, or null (payments made before funding existed have none). */
  fundingOf(reference: string): Promise<FundingRow | null> {
    return this.o.store.fundingByReference(reference);
  }

  /**
   * The customer is back from the gateway with its return parameters (a hint only): the gateway's own
   * lookup decides. Secured with the right total: committed, exactly once (the funding's move from
   * `initiated` to `secured` is atomic); another total: refunded, never committed; cancelled: failed, nothing
   * taken; still pending or unreadable: unchanged. A funding past `initiated` answers its recorded outcome.
   */
  async resume(reference: string, subject: string | null, params: Record<string, string>): Promise<{ payment: PaymentRow; funding: FundingRow } | null> {
    const payment = await this.o.store.paymentByReference(reference);
    if (!payment || (subject !== null && payment.subject !== subject)) return null;
    const funding = await this.o.store.fundingByReference(reference);
    if (!funding) return null;
    if (funding.state !== 'initiated' || payment.state !== 'pending') return { payment, funding };
    const verdict = await this.#module(funding.method).verify(fundingRef(funding), params);
    if (verdict.state === 'failed') {
      this.o.log('warn', 'funding.not_confirmed', { reference, method: funding.method, reason: verdict.reason });
      throw new ProxyError('FUNDING_NOT_CONFIRMED', 'The payment gateway has not confirmed this payment', { details: { reference } });
    }
    const after = await this.#onVerdict(payment, funding, verdict, 'resume');
    return { payment: after, funding: (await this.o.store.fundingByReference(reference)) ?? funding };
  }

  /**
   * Acts on the gateway's verdict about an `initiated` funding. Only the customer's return commits: the
   * reconciler, finding a funding paid that nobody resumed in time, refunds it and never commits late.
   */
  async #onVerdict(payment: PaymentRow, funding: FundingRow, verdict: FundingVerdict, by: 'resume' | 'reconciler'): Promise<PaymentRow> {
    // The payment fails first (never committed from here on); true once it is failed, by us or before.
    const fail = async (errorCode: string) => {
      const failed = await this.o.store.updatePayment(payment.reference, ['pending'], { state: 'failed', errorCode, nextCheckAt: null, claimedUntil: null }, this.o.now());
      if (failed) this.o.log('info', 'payment.funding_failed', { reference: payment.reference, error_code: errorCode, by });
      return (failed ?? (await this.#current(payment))).state === 'failed';
    };
    // Refunds only if this caller moved the funding to `refunding`; else whoever moved it settles it.
    const refund = async (ids: FundingRow['ids'], paidPaisa: number) => {
      const refunding = await this.o.store.updateFunding(funding.reference, ['initiated'], { state: 'refunding', ids, paidPaisa }, this.o.now());
      if (refunding) await this.#refund(refunding);
      else await this.settleFunding(await this.#current(payment));
      return this.#current(payment);
    };
    switch (verdict.state) {
      case 'secured': {
        if (by === 'reconciler') {
          // Paid, but nobody came back to commit before the funding's window closed: give it back.
          if (!(await fail('FUNDING_EXPIRED'))) return this.#current(payment);
          return refund(verdict.ids, verdict.paidPaisa);
        }
        if (verdict.paidPaisa !== payment.amountPaisa + payment.serviceChargePaisa) return this.#onVerdict(payment, funding, { ...verdict, state: 'mismatch', expectedPaisa: funding.totalPaisa }, by);
        const provider = this.providers.get(payment.service);
        const quote = await this.o.store.getQuote(payment.quoteId);
        if (!provider || !quote) throw new Error(`payment ${payment.reference}: its provider or quote is gone`);
        const committed = await this.#commitFunded(provider, payment, quote, { state: 'secured', ids: verdict.ids, paidPaisa: verdict.paidPaisa, nextCheckAt: null }, true);
        // Another request secured it first: its commit is the one.
        return committed ? committed.payment : this.#current(payment);
      }
      case 'mismatch': {
        this.o.log('warn', 'funding.mismatch', { reference: payment.reference, method: funding.method, paid_paisa: verdict.paidPaisa, expected_paisa: verdict.expectedPaisa });
        if (!(await fail('FUNDING_MISMATCH'))) return this.#current(payment);
        return refund(verdict.ids, verdict.paidPaisa);
      }
      case 'cancelled':
      case 'refunded':
      case 'failed': {
        const code = verdict.state === 'cancelled' && verdict.reason === 'cancelled' ? 'FUNDING_CANCELLED' : 'FUNDING_EXPIRED';
        if (!(await fail(code))) return this.#current(payment);
        await this.#updateFunding(funding, ['initiated'], { state: 'abandoned', nextCheckAt: null, claimedUntil: null });
        return this.#current(payment);
      }
      case 'pending': {
        if (by === 'reconciler') {
          const attempts = funding.attempts + 1;
          await this.#updateFunding(funding, ['initiated'], { attempts, nextCheckAt: this.#backoff(attempts), claimedUntil: null });
        }
        return payment;
      }
    }
  }

  async #current(p: PaymentRow) {
    return (await this.o.store.paymentByReference(p.reference)) ?? p;
  }

  #backoff(attempts: number) {
    return this.o.now() + Math.min(this.o.reconcileDelayMs * 2 ** attempts, MAX_BACKOFF_MS);
  }

  /**
   * Secures an `initiated` funding and commits its payment: the funding's move to `secured` (atomic: of two
   * requests, one commits) and the commit's intent are written together, durable before the commit leaves;
   * then the funding follows the outcome. Null when the funding was no longer `initiated` (nothing done).
   */
  async #commitFunded(
    provider: Provider<never>,
    row: PaymentRow,
    quote: StoredQuote,
    secure: FundingPatch,
    /** Logs `funding.secured` (a gateway's verdict; a host hold is secured when made). */
    announce = false,
  ): Promise<{ payment: PaymentRow; funding: FundingRow | null } | null> {
    // If this process dies mid-commit, the reconciler finds the row here, long after any commit could end,
    // and asks the aggregator's status lookup (it never commits again).
    const { first: secured, then: intent } = await this.o.store.updateTogether(
      row.reference,
      { table: 'fundings', from: ['initiated'], patch: secure },
      { table: 'payments', from: ['pending'], patch: { nextCheckAt: this.o.now() + Math.max(this.o.reconcileDelayMs, this.#commitWindowMs()) } },
      this.o.now(),
    );
    if (!secured) return null;
    if (announce) this.o.log('info', 'funding.secured', { reference: row.reference, method: secured.method });
    if (!intent) {
      // Failed meanwhile (the reconciler gave up on it): never commit; the funding follows the payment.
      const current = await this.#current(row);
      return { payment: current, funding: await this.settleFunding(current, secured) };
    }
    // The funding as this request secured it: nothing else moves a secured funding while its commit is in
    // flight, and every change after it is conditional on its state (a stale row only reads it again).
    return this.#commit(provider, intent, quote, secured);
  }

  /**
   * Sends the commit once and records its outcome (today's rules: unknown is held, a 400 is looked up now);
   * the funding follows. The outcome and the funding's next step are written together: a success with the
   * capture's intent (`capturing`), a failure with the refund's (`refunding`), an open payment with its funding's
   * next check.
   */
  async #commit(provider: Provider<never>, row: PaymentRow, quote: StoredQuote, secured: FundingRow): Promise<{ payment: PaymentRow; funding: FundingRow | null }> {
    const outcome = classifyCommit(
      await provider.commit(this.o.aggregator, {
        sessionId: quote.sessionId,
        amountPaisa: row.amountPaisa,
        reference: row.reference,
        packageId: row.packageId,
        quote,
      }),
      provider.statusLookup,
    );
    // From `unknown` too: the commit's own answer beats a reconciler that gave up on it.
    const patch: PaymentPatch = {
      state: outcome.state,
      upstreamId: outcome.upstreamId,
      upstreamState: outcome.upstreamState,
      errorCode: outcome.errorCode,
      reason: outcome.reason,
      receipt: outcome.state === 'success' && outcome.answer && provider.receipt ? provider.receipt(outcome.answer) : [],
      nextCheckAt: outcome.state === 'unknown' ? this.o.now() + this.o.reconcileDelayMs : null,
    };
    let committed: PaymentRow;
    let funding = secured;
    if (this.#fundings?.has(secured.method)) {
      // The funding's next step is written in the same step as the outcome (before the capture or refund it guards,
      // as settleFunding would), so a process that dies right after leaves nothing the reconciler cannot finish: a
      // success's capture, a failure's refund (a `secured` funding has no next check of its own), and an open
      // payment's funding held until the payment's next check.
      const next: FundingPatch =
        outcome.state === 'success'
          ? { state: 'capturing', nextCheckAt: this.#backoff(0) }
          : outcome.state === 'failed'
            ? { state: 'refunding', nextCheckAt: this.#backoff(0) }
            : { nextCheckAt: patch.nextCheckAt ?? this.#backoff(1) };
      const { first, then } = await this.o.store.updateTogether(
        row.reference,
        { table: 'payments', from: OPEN, patch },
        { table: 'fundings', from: ['secured'], patch: next },
        this.o.now(),
      );
      committed = first ?? (await this.#current(row));
      funding = then ?? secured;
    } else {
      committed = await this.#update(row, OPEN, patch);
    }
    this.o.log('info', 'payment.committed', { reference: row.reference, state: committed.state, upstream_state: outcome.upstreamState });
    // HTTP 400 means "check the transaction state": a lookup is safe, and no transaction means none was made.
    const payment = outcome.lookupNow ? await this.lookUp(committed, 'fail') : committed;
    return { payment, funding: await this.settleFunding(payment, funding) };
  }

  /**
   * The funding follows its payment: success -> capture; failed -> refund (or refund due); open -> held
   * (the reconciler comes back). Each intent (`capturing`, `refunding`) is written before the call it guards.
   */
  async settleFunding(payment: PaymentRow, known?: FundingRow): Promise<FundingRow | null> {
    const funding = known ?? (await this.o.store.fundingByReference(payment.reference));
    if (!funding) return null;
    if (!this.#fundings?.has(funding.method)) {
      // A tool without this method's hooks or keys (bill-pay-settle): the proxy's reconciler finishes it.
      this.o.log('warn', 'funding.method_unavailable', { reference: funding.reference, method: funding.method });
      return this.#updateFunding(funding, ['secured', 'capturing', 'refunding'], { nextCheckAt: this.o.now(), claimedUntil: null });
    }
    if (payment.state === 'success' && (funding.state === 'secured' || funding.state === 'capturing')) {
      const capturing = funding.state === 'capturing' ? funding : await this.o.store.updateFunding(funding.reference, ['secured'], { state: 'capturing', nextCheckAt: this.#backoff(0) }, this.o.now());
      if (!capturing) return this.fundingOf(funding.reference);
      const result = await this.#module(funding.method).capture(fundingRef(capturing));
      this.o.log('info', 'funding.capture', { reference: funding.reference, method: funding.method, result: result.state });
      if (result.state === 'captured') return this.#updateFunding(capturing, ['capturing'], { state: 'captured', nextCheckAt: null, claimedUntil: null });
      return this.#updateFunding(capturing, ['capturing'], { attempts: capturing.attempts + 1, nextCheckAt: this.#backoff(capturing.attempts + 1), claimedUntil: null });
    }
    if (payment.state === 'failed' && (funding.state === 'secured' || funding.state === 'refunding')) {
      const refunding = funding.state === 'refunding' ? funding : await this.o.store.updateFunding(funding.reference, ['secured'], { state: 'refunding', nextCheckAt: this.#backoff(0) }, this.o.now());
      return refunding ? this.#refund(refunding) : this.fundingOf(funding.reference);
    }
    if ((payment.state === 'pending' || payment.state === 'unknown') && funding.state === 'secured') {
      // Held while the payment is unknown: looked at again when the payment's own check is due.
      const attempts = funding.attempts + 1;
      return this.#updateFunding(funding, ['secured'], { attempts, nextCheckAt: payment.nextCheckAt ?? this.#backoff(attempts), claimedUntil: null });
    }
    return funding;
  }

  /**
   * Gives a `refunding` funding's money back. The gateway is asked first, so a refund that did happen is not
   * asked for twice: after an answer was lost, and after a process died between the refund and its record (no
   * attempt is counted then; a second refund would be refused and read as owed). A refusal or a gateway without
   * refunds: the operator owes it.
   */
  async #refund(funding: FundingRow): Promise<FundingRow> {
    if (funding.state !== 'refunding') return funding;
    const module = this.#module(funding.method);
    const ref = { ...fundingRef(funding), paidPaisa: funding.paidPaisa ?? funding.totalPaisa };
    if ((await module.status(ref)).state === 'refunded') {
      return this.#updateFunding(funding, ['refunding'], { state: 'refunded', refundedAt: this.o.now(), nextCheckAt: null, claimedUntil: null });
    }
    const result = await module.refund(ref);
    this.o.log('info', 'funding.refund', { reference: funding.reference, method: funding.method, result: result.state, amount_paisa: ref.paidPaisa });
    switch (result.state) {
      case 'refunded':
        return this.#updateFunding(funding, ['refunding'], { state: 'refunded', refundedAt: this.o.now(), nextCheckAt: null, claimedUntil: null });
      case 'refund_due':
      case 'failed':
        if (result.state === 'failed') this.o.log('error', 'funding.refund_due', { reference: funding.reference, method: funding.method, reason: result.reason });
        return this.#updateFunding(funding, ['refunding'], { state: 'refund_due', refundReason: result.reason, nextCheckAt: null, claimedUntil: null });
      case 'unknown':
        return this.#updateFunding(funding, ['refunding'], { attempts: funding.attempts + 1, refundReason: result.reason, nextCheckAt: this.#backoff(funding.attempts + 1), claimedUntil: null });
    }
  }

  /**
   * The reconciler's pass over fundings: an `initiated` one past its window is asked about (abandoned, or
   * refunded when it was paid: never committed late); a `secured`, `capturing` or `refunding` one follows its payment.
   */
  async #reconcileFundings(limit: number, leaseMs: number, all: boolean): Promise<number> {
    const t = this.o.now();
    const due = await this.o.store.claimDueFundings(all ? Number.MAX_SAFE_INTEGER : t, t + leaseMs, limit, t);
    for (const funding of due) {
      const payment = await this.o.store.paymentByReference(funding.reference);
      if (!payment || !this.#fundings?.has(funding.method)) continue;
      if (funding.state === 'initiated') {
        if (t < funding.expiresAt && payment.state === 'pending') {
          await this.#updateFunding(funding, ['initiated'], { nextCheckAt: funding.expiresAt, claimedUntil: null });
          continue;
        }
        const verdict = await this.#module(funding.method).status(fundingRef(funding));
        await this.#onVerdict(payment, funding, verdict, 'reconciler');
      } else {
        await this.settleFunding(payment);
      }
    }
    if (due.length) this.o.log('info', 'reconcile.fundings', { checked: due.length });
    return due.length;
  }

  async #updateFunding(f: FundingRow, from: readonly FundingState[], patch: FundingPatch): Promise<FundingRow> {
    return (await this.o.store.updateFunding(f.reference, from, patch, this.o.now())) ?? (await this.o.store.fundingByReference(f.reference)) ?? f;
  }

  /** How long a commit can possibly be in flight: after this, a `pending` row's commit is lost. */
  #commitWindowMs() {
    return 2 * this.o.upstreamTimeoutMs;
  }

  /** The recorded outcome of a known key, or null when the key is new. */
  async #known(key: string, hash: string): Promise<{ payment: PaymentRow; replayed: true } | null> {
    const previous = await this.o.store.paymentByKey(key);
    return previous ? { payment: await this.#replay(previous, hash), replayed: true } : null;
  }

  /**
   * What the ledger already says against paying this quote with this key: the key's own outcome
   * (also when it was recorded a moment ago by a concurrent request), else a refusal; null when free.
   */
  async #blocked(key: string, hash: string, quoteId: string, service: string, account: string | null) {
    const known = await this.#known(key, hash);
    if (known) return known;
    const blocked = await this.o.store.blockingPayment(quoteId, service, account);
    if (!blocked) return null;
    if (blocked.existing.idempotencyKey === key) return { payment: await this.#replay(blocked.existing, hash), replayed: true as const };
    throw this.#blockedError(blocked.conflict, blocked.existing, quoteId);
  }

  #blockedError(conflict: 'quote' | 'account', existing: PaymentRow, quoteId: string): ProxyError {
    // The same quote's payment is also the account's: it is reported as the quote's, whichever index saw it.
    if (conflict === 'quote' || existing.quoteId === quoteId) {
      return new ProxyError('QUOTE_ALREADY_PAID', 'A payment for this lookup is already under way or done', {
        details: { reference: existing.reference },
      });
    }
    return new ProxyError(
      'PAYMENT_UNRESOLVED',
      'A payment for this account is still being confirmed; wait for its outcome before paying again',
    );
  }

  /**
   * A known key's outcome. While its commit is in flight (`pending`), waits for the answer, at most as
   * long as a commit can take, then answers 409 IDEMPOTENCY_IN_FLIGHT.
   */
  async #replay(existing: PaymentRow, hash: string): Promise<PaymentRow> {
    if (existing.requestHash !== hash) {
      throw new ProxyError('IDEMPOTENCY_MISMATCH', 'This idempotency key was used for a different payment');
    }
    const deadline = performance.now() + this.#commitWindowMs();
    let current = existing;
    while (current.state === 'pending' && performance.now() < deadline) {
      // Waiting for the customer at the gateway, not for a commit: the next step is the answer.
      const funding = await this.o.store.fundingByReference(current.reference);
      if (funding?.state === 'initiated' && funding.nextStep) return current;
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
      current = (await this.o.store.paymentByReference(existing.reference)) ?? current;
    }
    if (current.state === 'pending') {
      throw new ProxyError('IDEMPOTENCY_IN_FLIGHT', 'This payment is still being processed', {
        details: { reference: existing.reference },
      });
    }
    return current;
  }

  /**
   * A payment by reference, for its owner (without host authentication the reference alone is the key);
   * one that is not final is first checked with the aggregator (rate-limited).
   */
  async status(reference: string, subject: string | null): Promise<PaymentRow | null> {
    const payment = await this.o.store.paymentByReference(reference);
    if (!payment || (subject !== null && payment.subject !== subject)) return null;
    if (!OPEN.includes(payment.state)) return payment;
    if ((await this.o.store.fundingByReference(reference))?.state === 'initiated') return payment;
    const due = payment.checkedAt === null || this.o.now() - payment.checkedAt >= this.o.statusRecheckMs;
    return due && this.providers.get(payment.service)?.statusLookup ? this.lookUp(payment, 'keep') : payment;
  }

  /**
   * Asks the aggregator's status lookup about a payment that is not final, at most once per
   * `statusRecheckMs` whoever asks (the claim is atomic in the store, across instances). Always safe:
   * it sends no commit, and the ledger changes only on a final answer. What "no such reference" means
   * is the caller's: `fail` where the commit's own answer proved it was refused, `keep` while the answer
   * may still come, `count` for the reconciler, which fails it only after `reconcileMaxAttempts`
   * consecutive such answers spanning at least NOT_FOUND_WINDOW_MS. Errors and timeouts never count.
   */
  async lookUp(p: PaymentRow, onNotFound: 'fail' | 'keep' | 'count'): Promise<PaymentRow> {
    const asked = this.o.now();
    if (!(await this.o.store.claimLookup(p.reference, asked, asked - this.o.statusRecheckMs))) {
      // Looked up a moment ago by someone else (or no longer open): their answer is in the ledger.
      if (onNotFound === 'count') return this.#update(p, OPEN, { claimedUntil: null, nextCheckAt: asked + this.o.statusRecheckMs });
      return (await this.o.store.paymentByReference(p.reference)) ?? p;
    }
    const status = classifyStatus(await this.o.aggregator.status(p.reference));
    const t = this.o.now();
    const backoff = (attempts: number) => t + Math.min(this.o.reconcileDelayMs * 2 ** attempts, MAX_BACKOFF_MS);
    let patch: PaymentPatch;
    if (status.kind === 'settled') {
      patch = {
        state: status.state,
        upstreamId: p.upstreamId ?? status.upstreamId,
        upstreamState: status.upstreamState,
        reason: p.reason ?? status.reason,
        nextCheckAt: null,
      };
    } else if (status.kind === 'invalidReference' && onNotFound === 'fail') {
      patch = { state: 'failed', errorCode: p.errorCode ?? 'NOT_FOUND_UPSTREAM', nextCheckAt: null };
    } else if (status.kind === 'invalidReference' && onNotFound === 'count') {
      const attempts = p.attempts + 1;
      const since = p.notFoundSince ?? t;
      patch =
        attempts >= this.o.reconcileMaxAttempts && t - since >= NOT_FOUND_WINDOW_MS
          ? { state: 'failed', errorCode: p.errorCode ?? 'NOT_FOUND_UPSTREAM', nextCheckAt: null, attempts, notFoundSince: since }
          : { attempts, notFoundSince: since, nextCheckAt: backoff(attempts) };
    } else if (status.kind === 'open') {
      // The aggregator has it (Queued, Processing): a run of "no such reference" answers is broken.
      patch = { attempts: 0, notFoundSince: null, ...(onNotFound === 'count' ? { nextCheckAt: backoff(0) } : {}) };
    } else {
      // An error or timeout says nothing about the payment: neither counted nor failed.
      patch = onNotFound === 'count' ? { nextCheckAt: backoff(p.attempts) } : {};
    }
    const updated = await this.#update(p, OPEN, { ...patch, checkedAt: t, claimedUntil: null });
    if (updated.state !== p.state) {
      this.o.log('info', 'payment.settled', { reference: p.reference, from: p.state, to: updated.state, by: 'status-lookup' });
      if (!OPEN.includes(updated.state)) await this.settleFunding(updated);
    }
    return updated;
  }

  /**
   * One reconciler pass: claims the open payments that are due (one instance per row, also across
   * processes), asks the status lookup about each, and never sends a commit. A `pending` row older
   * than any commit can take lost its commit (a crash): it becomes `unknown`, so its key replays as
   * pending. Expired quotes no payment refers to are deleted, a batch per pass.
   */
  async reconcile({ limit = 50, leaseMs = 60_000, all = false } = {}): Promise<ReconcileReport> {
    const t = this.o.now();
    const due = await this.o.store.claimDue(all ? Number.MAX_SAFE_INTEGER : t, t + leaseMs, limit, t);
    const report: ReconcileReport = { checked: due.length, settled: 0, pending: 0, manual: 0 };
    for (let row of due) {
      const funding = row.state === 'pending' ? await this.o.store.fundingByReference(row.reference) : null;
      if (funding?.state === 'initiated') {
        // The customer is at the gateway: no commit was sent. The funding's own pass settles it.
        await this.#update(row, OPEN, { nextCheckAt: funding.expiresAt + this.#commitWindowMs(), claimedUntil: null });
        report.pending++;
        continue;
      }
      const lost = row.state === 'pending' && t - row.createdAt >= this.#commitWindowMs();
      if (lost) {
        row = await this.#update(row, ['pending'], { state: 'unknown' });
        this.o.log('warn', 'payment.commit_lost', { reference: row.reference, service: row.service });
      }
      if (!this.providers.get(row.service)?.statusLookup) {
        if (row.state === 'pending') {
          // Its commit may still be in flight: look again once it cannot be.
          await this.#update(row, OPEN, { nextCheckAt: row.createdAt + this.#commitWindowMs(), claimedUntil: null });
          report.pending++;
          continue;
        }
        // No lookup can find it (Dish Home): a person settles it with the aggregator's records (bill-pay-settle).
        await this.#update(row, OPEN, { nextCheckAt: null, claimedUntil: null });
        this.o.log('warn', 'payment.needs_manual_reconciliation', { reference: row.reference, service: row.service });
        report.manual++;
        continue;
      }
      const after = await this.lookUp(row, 'count');
      if (OPEN.includes(after.state)) report.pending++;
      else report.settled++;
    }
    if (due.length) this.o.log('info', 'reconcile.pass', { ...report });
    await this.#reconcileFundings(limit, leaseMs, all);
    await this.pruneQuotes();
    return report;
  }

  /** Deletes a batch of expired quotes that no payment refers to; returns how many. */
  async pruneQuotes(limit = QUOTE_PRUNE_BATCH): Promise<number> {
    const pruned = await this.o.store.pruneQuotes(this.o.now(), limit);
    if (pruned) this.o.log('info', 'quotes.pruned', { count: pruned });
    return pruned;
  }

  /**
   * An operator's settlement of an unresolved payment (`bill-pay-settle`), from the aggregator's own
   * records: recorded in the ledger with when, by what and why. A final payment is never changed.
   */
  async settle(reference: string, state: 'success' | 'failed', note: string, by = 'bill-pay-settle'): Promise<PaymentRow> {
    if (!note.trim()) throw new SettleError('Say why with --note "..." (what the aggregator\'s records show)');
    const payment = await this.o.store.paymentByReference(reference);
    if (!payment) throw new SettleError(`No payment with reference ${reference}`);
    if (!OPEN.includes(payment.state)) {
      throw new SettleError(`Payment ${reference} is already ${payment.state}: only a pending or unknown payment can be settled`);
    }
    const t = this.o.now();
    const settled = await this.o.store.updatePayment(
      reference,
      OPEN,
      { state, settledBy: by, settledAt: t, note: note.trim(), nextCheckAt: null, claimedUntil: null, reason: state === 'failed' ? 'MANUALLY_FAILED' : payment.reason },
      t,
    );
    if (!settled) throw new SettleError(`Payment ${reference} became final while it was being settled; nothing changed`);
    this.o.log('info', 'payment.settled', { reference, from: payment.state, to: state, by });
    await this.settleFunding(settled);
    return settled;
  }

  /**
   * A delivery report from the aggregator is only a hint: it makes the proxy ask the status lookup now,
   * and its own claims are never written to the ledger.
   */
  async hint(reference: string): Promise<void> {
    const payment = await this.o.store.paymentByReference(reference);
    if (payment && OPEN.includes(payment.state) && this.providers.get(payment.service)?.statusLookup) {
      await this.lookUp(payment, 'keep');
    }
  }

  async #update(p: PaymentRow, from: LedgerState[], patch: PaymentPatch): Promise<PaymentRow> {
    return (
      (await this.o.store.updatePayment(p.reference, from, patch, this.o.now())) ??
      (await this.o.store.paymentByReference(p.reference)) ??
      p
    );
  }
}
