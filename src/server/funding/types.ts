/**
 * Funding: how the customer's money is secured before the proxy commits a payment with the aggregator
 * (which pays the biller out of the merchant's credit). One module per method behind this interface; the
 * payment flow stores `ids` beside the payment and passes them back, so a module keeps no state.
 *
 * Every outcome is a value, never a thrown error: a gateway that cannot be reached leaves the funding
 * `pending` (verify) or `unknown` (refund), and the caller decides what that means.
 */

import { FUNDING_METHODS, type FundingMethod } from '../../api.js';

export { FUNDING_METHODS, type FundingMethod };

/** The gateway's identifiers of one funding (`pidx`, `transaction_id`, `transaction_uuid`, a hold id...). */
export type FundingIds = Record<string, string>;

export interface FundingPayment {
  /** The payment's reference: Khalti's `purchase_order_id`, eSewa's `transaction_uuid`. */
  reference: string;
  /** What the customer pays: amount + service charge, in paisa. */
  totalPaisa: number;
  /** Where the gateway sends the customer back (the page the widget is on). */
  returnUrl: string;
  /** What the customer sees at the gateway, e.g. "NEA bill 024.12.512". */
  name: string;
  /** The merchant's site (Khalti's `website_url`). Default: `returnUrl`'s origin. */
  websiteUrl?: string;
  /** Who pays (host authentication's subject), for host funding. */
  subject?: string;
}

export type FundingStart =
  /** Send the browser to `url` (Khalti's payment page). */
  | { kind: 'redirect'; url: string; ids: FundingIds; expiresAt?: number }
  /** Make the browser POST these fields to `action` (eSewa's signed form). */
  | { kind: 'form'; action: string; fields: Record<string, string>; ids: FundingIds }
  /** The money is secured already (host hold, none). */
  | { kind: 'secured'; ids: FundingIds }
  /** Nothing was taken: the gateway refused or could not be reached. `retryable` when trying again may work. */
  | { kind: 'failed'; reason: string; retryable: boolean };

/**
 * The gateway's truth about one funding:
 * - `secured`: paid, the total and our reference checked: the proxy may commit.
 * - `pending`: not settled yet, or the gateway could not be asked (`reason` says which); ask again later.
 * - `cancelled`: the customer cancelled, or the payment expired unpaid: nothing was taken.
 * - `mismatch`: money was taken but not the total we asked for: never commit, refund `paidPaisa`.
 * - `refunded`: the gateway has given the money back (in full or in part).
 * - `failed`: no payment to act on (not found, forged return parameters, an answer we cannot read).
 */
export type FundingVerdict =
  | { state: 'secured'; ids: FundingIds; paidPaisa: number }
  | { state: 'pending'; reason: 'gateway_pending' | 'gateway_unavailable'; ids?: FundingIds }
  | { state: 'cancelled'; reason: 'cancelled' | 'expired' }
  | { state: 'mismatch'; ids: FundingIds; paidPaisa: number; expectedPaisa: number }
  | { state: 'refunded'; ids: FundingIds; partial: boolean }
  | { state: 'failed'; reason: string };

export type RefundResult =
  | { state: 'refunded' }
  /** The gateway has no refund API (eSewa) or the host cannot refund now: the operator owes the customer. */
  | { state: 'refund_due'; reason: string }
  /** The gateway said no: nothing was refunded. */
  | { state: 'failed'; reason: string }
  /** The answer was lost: the refund may or may not have happened; ask `status` before trying again. */
  | { state: 'unknown'; reason: string };

export type CaptureResult = { state: 'captured' } | { state: 'failed'; reason: string } | { state: 'unknown'; reason: string };

export interface FundingRef {
  reference: string;
  ids: FundingIds;
  /** The total the payment must have been funded with, in paisa. */
  expectedPaisa: number;
}

export interface FundingModule {
  readonly method: FundingMethod;
  start(payment: FundingPayment): Promise<FundingStart>;
  /**
   * The customer is back from the gateway with `returnParams` (the query of the return URL). They are a
   * hint only: the verdict comes from the gateway's own lookup, with the total and reference checked.
   */
  verify(funding: FundingRef, returnParams: Record<string, string>): Promise<FundingVerdict>;
  /** The gateway's truth, for the reconciler (no return parameters). */
  status(funding: FundingRef): Promise<FundingVerdict>;
  /** Keeps the money once the bill is paid (host hooks; a gateway payment is captured already). */
  capture(funding: FundingRef): Promise<CaptureResult>;
  /** Gives back `amountPaisa` (default: everything paid) of a secured or mismatched funding. */
  refund(funding: FundingRef & { paidPaisa?: number }, amountPaisa?: number): Promise<RefundResult>;
}
