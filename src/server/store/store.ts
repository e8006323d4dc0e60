/**
 * Where the proxy keeps its state: quotes (what a lookup allowed) and the payment ledger (every
 * payment attempt). The interface is asynchronous so that a PostgreSQL store can stand behind it too.
 */
import type { Fact, ServiceId } from '../../api.js';
import type { QuoteDraft } from '../providers/types.js';
import type { FundingIds, FundingMethod } from '../funding/types.js';
import type { LedgerState } from '../providers/upstream.js';
import type { FUNDING_STATES } from './schema.js';

/** A provider's lookup as the proxy keeps it. */
export interface StoredQuote extends QuoteDraft {
  id: string;
  service: ServiceId;
  /** The signed-in user who looked up (with host authentication), else null. */
  subject: string | null;
  /** Service charges already asked of the aggregator, by amount in paisa. */
  charges: Record<string, number>;
  /** Who the lookup found (the service's account identity); quotes stored before it was kept have none. */
  account?: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface PaymentRow {
  /** The proxy's own reference, sent to the aggregator: unique, fixed before the commit is sent. */
  reference: string;
  idempotencyKey: string;
  requestHash: string;
  quoteId: string;
  service: ServiceId;
  sessionId: string;
  customerName: string;
  amountPaisa: number;
  serviceChargePaisa: number;
  /** The package paid for (Dish Home), else null. */
  packageId: number | null;
  state: LedgerState;
  upstreamId: string | null;
  upstreamState: string | null;
  errorCode: string | null;
  reason: string | null;
  /** What the biller's answer adds to the receipt. */
  receipt: Fact[];
  createdAt: number;
  updatedAt: number;
  /** When the status lookup was last asked about this payment. */
  checkedAt: number | null;
  /** When the reconciler should next ask about this open payment (null: not scheduled). */
  nextCheckAt: number | null;
  /** How many reconciler lookups this payment has had. */
  attempts: number;
  /** The signed-in user who paid (with host authentication), else null. */
  subject: string | null;
  /** The customer account paid (from the quote's lookup); one unresolved payment per account and service. */
  account: string | null;
  /** When the first of the reconciler's consecutive "no such reference" answers came (null: none pending). */
  notFoundSince: number | null;
  /** Who settled this payment by hand (`bill-pay-settle`), when, and why; null when the aggregator did. */
  settledBy: string | null;
  settledAt: number | null;
  note: string | null;
}

/**
 * The customer's money for one payment (same reference), as the funding modules secure it:
 * `initiated` (sent to the gateway) -> `secured` (verified; the commit may go) -> `capturing` -> `captured`
 * on success, or `refunding` -> `refunded` | `refund_due` (the operator owes it) on a failure; `abandoned`
 * when it was never secured. Each state is written before the action it guards (capture, refund), so a
 * crash leaves a row the reconciler can finish.
 */
export type FundingState = (typeof FUNDING_STATES)[number];

export interface FundingRow {
  reference: string;
  method: FundingMethod;
  state: FundingState;
  /** The gateway's ids (`pidx`, `transaction_id`, `transaction_uuid`, `hold_id`...). */
  ids: FundingIds;
  /** What the browser must do next while `initiated` (replayed for a repeated key), else null. */
  nextStep: FundingNextStep | null;
  /** Amount + service charge, in paisa: what the gateway must confirm. */
  totalPaisa: number;
  /** What the gateway says was paid (differs from the total on a mismatch). */
  paidPaisa: number | null;
  /** After this, an `initiated` funding is no longer awaited: the reconciler abandons or refunds it. */
  expiresAt: number;
  nextCheckAt: number | null;
  attempts: number;
  refundReason: string | null;
  refundedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type FundingNextStep = { kind: 'redirect'; url: string } | { kind: 'form'; action: string; fields: Record<string, string> };

export type FundingPatch = Partial<
  Pick<FundingRow, 'state' | 'ids' | 'nextStep' | 'paidPaisa' | 'expiresAt' | 'nextCheckAt' | 'attempts' | 'refundReason' | 'refundedAt'> & {
    claimedUntil: number | null;
  }
>;

export interface PaymentQuery {
  subject: string;
  states?: LedgerState[];
  services?: string[];
  /** Case-insensitive part of the reference, the customer's name or the transaction id. */
  search?: string;
  limit: number;
  offset: number;
}

/** Why a payment may not be recorded: its key is known, its quote is live or paid, or its account has an unresolved one. */
export type Conflict = 'key' | 'quote' | 'account';
export type InsertResult = { inserted: true } | { inserted: false; conflict: Conflict; existing: PaymentRow };

export type PaymentPatch = Partial<
  Pick<
    PaymentRow,
    | 'state'
    | 'upstreamId'
    | 'upstreamState'
    | 'errorCode'
    | 'reason'
    | 'receipt'
    | 'checkedAt'
    | 'nextCheckAt'
    | 'attempts'
    | 'notFoundSince'
    | 'settledBy'
    | 'settledAt'
    | 'note'
  > & {
    /** Until when one reconciler instance holds this row; null releases it. */
    claimedUntil: number | null;
  }
>;

/** A conditional change of a payment or of a funding, for `updateTogether`. */
export type Change =
  | { table: 'payments'; from: readonly LedgerState[]; patch: PaymentPatch }
  | { table: 'fundings'; from: readonly FundingState[]; patch: FundingPatch };
export type RowOf<C extends Change> = C extends { table: 'payments' } ? PaymentRow : FundingRow;

export interface Store {
  /** Resolves once the store is connected and migrated; rejects with the reason it cannot be used. */
  ready(): Promise<void>;
  /** For readiness probes: resolves if the database answers now with every migration applied, else rejects. */
  check(): Promise<void>;
  saveQuote(quote: StoredQuote): Promise<void>;
  /** Several quotes in one statement (one commit). */
  saveQuotes(quotes: StoredQuote[]): Promise<void>;
  getQuote(id: string): Promise<StoredQuote | null>;
  saveCharge(quoteId: string, amountPaisa: number, chargePaisa: number): Promise<void>;
  /**
   * Records a new payment, atomically refusing a second one with the same idempotency key, or a second
   * live (pending, unknown) or successful one for the same quote. With `funding`, the payment's funding is
   * recorded with it when the payment is inserted (PostgreSQL: in the same statement), and both are
   * durable when this resolves.
   */
  insertPayment(row: PaymentRow, funding?: FundingRow): Promise<InsertResult>;
  /**
   * What would refuse a new payment of this quote (a live or successful payment of it) or account (an
   * unresolved payment of the same account and service), without writing anything.
   */
  blockingPayment(quoteId: string, service: string, account: string | null): Promise<{ conflict: 'quote' | 'account'; existing: PaymentRow } | null>;
  /**
   * Claims the right to ask the status lookup about an open payment now: sets its `checkedAt` to `now`
   * only if it was never checked or last checked at or before `checkedBy`. Atomic across instances;
   * true if this caller won.
   */
  claimLookup(reference: string, now: number, checkedBy: number): Promise<boolean>;
  /** Deletes up to `limit` quotes expired at `expiredBy` that no payment refers to; returns how many. */
  pruneQuotes(expiredBy: number, limit: number): Promise<number>;
  paymentByKey(key: string): Promise<PaymentRow | null>;
  paymentByReference(reference: string): Promise<PaymentRow | null>;
  /** Changes a payment only if it is still in one of `from`; returns the row as it is afterwards, or null. */
  updatePayment(reference: string, from: LedgerState[], patch: PaymentPatch, now: number): Promise<PaymentRow | null>;
  /**
   * Claims up to `limit` open payments (pending, unknown) whose next check is at or before `dueBy` and
   * that no other instance holds at `now`; holds them until `leaseUntil`. Atomic: two reconcilers
   * never claim the same row.
   */
  claimDue(dueBy: number, leaseUntil: number, limit: number, now: number): Promise<PaymentRow[]>;
  /**
   * Counts one hit of a rate-limit key in the window starting at `windowStart`, and returns the
   * window's count so far. Shared by every instance on the same store; windows older than
   * `windowStart` are cleared now and then.
   */
  rateHit(key: string, windowStart: number): Promise<number>;
  /** Records a payment's funding (its reference is the payment's); false if it has one already. */
  insertFunding(row: FundingRow): Promise<boolean>;
  fundingByReference(reference: string): Promise<FundingRow | null>;
  /** Changes a funding only if it is still in one of `from`; returns the row as it is afterwards, or null. */
  updateFunding(reference: string, from: readonly FundingState[], patch: FundingPatch, now: number): Promise<FundingRow | null>;
  /**
   * Two changes of one reference's rows, the second made only if the first changed its row (each only
   * while the row is in one of its `from` states): a funding secured and the commit's intent, a payment's
   * outcome and the capture's intent. One statement on PostgreSQL; durable together when this resolves.
   * Returns each row as it is afterwards, or null when that change was not made.
   */
  updateTogether<A extends Change, B extends Change>(reference: string, first: A, then: B, now: number): Promise<{ first: RowOf<A> | null; then: RowOf<B> | null }>;
  /** Claims up to `limit` open fundings due at `dueBy` that no other instance holds at `now` (as claimDue). */
  claimDueFundings(dueBy: number, leaseUntil: number, limit: number, now: number): Promise<FundingRow[]>;
  /** A user's payments, newest first, one page of them and how many there are in all. */
  listPayments(query: PaymentQuery): Promise<{ rows: PaymentRow[]; total: number }>;
  /** For /metrics: payments by ledger state, and the open ones due for a status lookup by `dueBy` (the reconciler's backlog). */
  counts(dueBy: number): Promise<{ byState: Partial<Record<LedgerState, number>>; due: number }>;
  close(): Promise<void>;
}
