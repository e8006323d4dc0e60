/**
 * The payment rules, in one place for the routes, the reconciler and the delivery-report hint:
 * quotes are checked, a reference is fixed in the ledger before the commit leaves, a commit is sent at
 * most once, and unknown outcomes are settled only by the aggregator's status lookup.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ChargeRequest } from '../api.js';
import type { Aggregator } from './aggregator.js';
import { ProxyError } from './errors.js';
import type { Logger } from './log.js';
import type { Provider } from './providers/types.js';
import { classifyCommit, classifyStatus, type LedgerState } from './providers/upstream.js';
import { checkPayment } from './quotes.js';
import type { PaymentPatch, PaymentRow, Store, StoredQuote } from './store/store.js';

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
}

const OPEN: LedgerState[] = ['pending', 'unknown'];
const MAX_BACKOFF_MS = 3600_000;

export interface ReconcileReport {
  checked: number;
  settled: number;
  pending: number;
  manual: number;
}

export class Payments {
  readonly providers: Map<string, Provider<never>>;
  constructor(private readonly o: PaymentsOptions) {
    this.providers = new Map(o.providers.map((p) => [p.service, p]));
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

  /** The service charge of an amount, asked of the aggregator once per quote and amount. */
  async serviceCharge(provider: Provider<never>, quote: StoredQuote, amountPaisa: number): Promise<number> {
    if (!provider.serviceCharge) return 0;
    const known = quote.charges[String(amountPaisa)];
    if (known !== undefined) return known;
    const charge = await provider.serviceCharge(this.o.aggregator, quote.sessionId, amountPaisa);
    await this.o.store.saveCharge(quote.id, amountPaisa, charge);
    return charge;
  }

  /** The quote a charge or payment is for, checked against its rules, and the service charge of the amount. */
  async price(provider: Provider<never>, body: ChargeRequest, subject: string | null): Promise<{ quote: StoredQuote; charge: number }> {
    const quote = await this.loadQuote(body.quote_id, provider.service, subject);
    checkPayment(quote, body.amount_paisa, body.package_id);
    return { quote, charge: await this.serviceCharge(provider, quote, body.amount_paisa) };
  }

  /**
   * Pays once per idempotency key. A repeated key replays the recorded outcome (or 409 while in flight,
   * 422 for another payload); a second live payment of a quote is refused (409).
   */
  async pay(
    provider: Provider<never>,
    key: string,
    body: ChargeRequest,
    subject: string | null,
  ): Promise<{ payment: PaymentRow; replayed: boolean }> {
    const hash = createHash('sha256')
      .update(JSON.stringify([provider.service, body.quote_id, body.amount_paisa, body.package_id ?? null, subject]))
      .digest('hex');
    const previous = await this.o.store.paymentByKey(key);
    if (previous) return { payment: this.#replay(previous, hash), replayed: true };

    const { quote, charge } = await this.price(provider, body, subject);
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
      // If this process dies mid-commit, the reconciler finds the row here, long after any commit could end.
      nextCheckAt: t + Math.max(this.o.reconcileDelayMs, 2 * this.o.upstreamTimeoutMs),
      attempts: 0,
      subject,
    };
    // The reference is fixed in the ledger before the commit leaves, so a lost answer can be looked up.
    const inserted = await this.o.store.insertPayment(row);
    if (!inserted.inserted) {
      if (inserted.conflict === 'key') return { payment: this.#replay(inserted.existing, hash), replayed: true };
      throw new ProxyError('QUOTE_ALREADY_PAID', 'A payment for this lookup is already under way or done', {
        details: { reference: inserted.existing.reference },
      });
    }
    this.o.log('info', 'payment.reserved', { reference: row.reference, service: row.service, amount_paisa: row.amountPaisa });

    const outcome = classifyCommit(
      await provider.commit(this.o.aggregator, {
        sessionId: quote.sessionId,
        amountPaisa: row.amountPaisa,
        reference: row.reference,
        packageId: row.packageId,
      }),
      provider.statusLookup,
    );
    const committed = await this.#update(row, ['pending'], {
      state: outcome.state,
      upstreamId: outcome.upstreamId,
      upstreamState: outcome.upstreamState,
      errorCode: outcome.errorCode,
      reason: outcome.reason,
      receipt: outcome.state === 'success' && outcome.answer && provider.receipt ? provider.receipt(outcome.answer) : [],
      nextCheckAt: outcome.state === 'unknown' ? this.o.now() + this.o.reconcileDelayMs : null,
    });
    this.o.log('info', 'payment.committed', { reference: row.reference, state: committed.state, upstream_state: outcome.upstreamState });
    // HTTP 400 means "check the transaction state": a lookup is safe, and no transaction means none was made.
    const payment = outcome.lookupNow ? await this.lookUp(committed, 'fail') : committed;
    return { payment, replayed: false };
  }

  #replay(existing: PaymentRow, hash: string): PaymentRow {
    if (existing.requestHash !== hash) {
      throw new ProxyError('IDEMPOTENCY_MISMATCH', 'This idempotency key was used for a different payment');
    }
    if (existing.state === 'pending') {
      throw new ProxyError('IDEMPOTENCY_IN_FLIGHT', 'This payment is still being processed', {
        details: { reference: existing.reference },
      });
    }
    return existing;
  }

  /**
   * A payment by reference, for its owner (without host authentication the reference alone is the key);
   * one that is not final is first checked with the aggregator (rate-limited).
   */
  async status(reference: string, subject: string | null): Promise<PaymentRow | null> {
    const payment = await this.o.store.paymentByReference(reference);
    if (!payment || (subject !== null && payment.subject !== subject)) return null;
    if (!OPEN.includes(payment.state)) return payment;
    const due = payment.checkedAt === null || this.o.now() - payment.checkedAt >= this.o.statusRecheckMs;
    return due && this.providers.get(payment.service)?.statusLookup ? this.lookUp(payment, 'keep') : payment;
  }

  /**
   * Asks the aggregator's status lookup about a payment that is not final. Always safe: it sends no
   * commit, and the ledger changes only on a final answer. What "no such reference" means is the
   * caller's: `fail` where the commit's own answer proved it was refused, `keep` while the answer may
   * still come, `count` for the reconciler, which fails it only after `reconcileMaxAttempts` lookups.
   */
  async lookUp(p: PaymentRow, onNotFound: 'fail' | 'keep' | 'count'): Promise<PaymentRow> {
    const status = classifyStatus(await this.o.aggregator.status(p.reference));
    const t = this.o.now();
    const attempts = onNotFound === 'count' ? p.attempts + 1 : p.attempts;
    let patch: PaymentPatch;
    if (status.kind === 'settled') {
      patch = {
        state: status.state,
        upstreamId: p.upstreamId ?? status.upstreamId,
        upstreamState: status.upstreamState,
        reason: p.reason ?? status.reason,
        nextCheckAt: null,
      };
    } else if (status.kind === 'invalidReference' && (onNotFound === 'fail' || (onNotFound === 'count' && attempts >= this.o.reconcileMaxAttempts))) {
      patch = { state: 'failed', errorCode: p.errorCode ?? 'NOT_FOUND_UPSTREAM', nextCheckAt: null };
    } else {
      patch = onNotFound === 'count' ? { nextCheckAt: t + Math.min(this.o.reconcileDelayMs * 2 ** attempts, MAX_BACKOFF_MS) } : {};
    }
    const updated = await this.#update(p, OPEN, { ...patch, checkedAt: t, attempts, claimedUntil: null });
    if (updated.state !== p.state) {
      this.o.log('info', 'payment.settled', { reference: p.reference, from: p.state, to: updated.state, by: 'status-lookup' });
    }
    return updated;
  }

  /**
   * One reconciler pass: claims the open payments that are due (one instance per row, also across
   * processes), asks the status lookup about each, and never sends a commit.
   */
  async reconcile({ limit = 50, leaseMs = 60_000, all = false } = {}): Promise<ReconcileReport> {
    const t = this.o.now();
    const due = await this.o.store.claimDue(all ? Number.MAX_SAFE_INTEGER : t, t + leaseMs, limit, t);
    const report: ReconcileReport = { checked: due.length, settled: 0, pending: 0, manual: 0 };
    for (const row of due) {
      if (!this.providers.get(row.service)?.statusLookup) {
        // No lookup can find it (Dish Home): a person settles it with the aggregator's records.
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
    return report;
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
