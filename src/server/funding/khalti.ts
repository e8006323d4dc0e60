/**
 * Khalti Web Checkout (KPG-2): initiate with our reference as `purchase_order_id`, send the customer to
 * `payment_url`, and on return believe only the lookup of the `pidx` we stored, with its total checked.
 * Refunds go through the merchant refund API (`transaction_id` from the lookup).
 */
import { z } from 'zod';
import type { Logger } from '../log.js';
import { gatewayClient } from './http.js';
import type { FundingModule, FundingPayment, FundingRef, FundingStart, FundingVerdict, RefundResult } from './types.js';

export interface KhaltiFundingOptions {
  /** The KPG-2 API base, ending in `/api/v2` (e.g. `https://khalti.com/api/v2`). */
  baseUrl: string;
  secretKey: string;
  timeoutMs: number;
  log: Logger;
  fetch?: typeof fetch;
}

/** Khalti's least amount: Rs 10. */
const MIN_PAISA = 1000;

const initiated = z.object({
  pidx: z.string().min(1),
  payment_url: z.url({ protocol: /^https?$/ }),
  expires_at: z.string().optional(),
  expires_in: z.number().optional(),
});

const lookedUp = z.object({
  pidx: z.string(),
  total_amount: z.number().int().nonnegative(),
  status: z.string(),
  transaction_id: z.string().nullable().optional(),
  refunded: z.boolean().optional(),
});

export function khaltiFunding(options: KhaltiFundingOptions): FundingModule {
  const base = options.baseUrl.replace(/\/+$/, '');
  const call = gatewayClient({ gateway: 'khalti', timeoutMs: options.timeoutMs, log: options.log, fetch: options.fetch, secrets: [options.secretKey] });
  const headers = { authorization: `Key ${options.secretKey}`, 'content-type': 'application/json', accept: 'application/json' };
  const post = (url: string, body: unknown) => call(url, { method: 'POST', headers, body: JSON.stringify(body) });

  async function start(payment: FundingPayment): Promise<FundingStart> {
    if (payment.totalPaisa < MIN_PAISA) return { kind: 'failed', reason: 'below_minimum', retryable: false };
    const result = await post(`${base}/epayment/initiate/`, {
      return_url: payment.returnUrl,
      website_url: payment.websiteUrl ?? new URL(payment.returnUrl).origin,
      amount: payment.totalPaisa,
      purchase_order_id: payment.reference,
      purchase_order_name: payment.name,
    });
    if (result.kind !== 'answer' || result.status >= 500) return { kind: 'failed', reason: 'gateway_unavailable', retryable: true };
    const answer = result.status === 200 ? initiated.safeParse(result.body) : null;
    if (!answer?.success) {
      // Khalti names the refused field in the answer (`{"amount": [...], "error_key": ...}`): for the operator only.
      options.log('error', 'funding.refused', { gateway: 'khalti', step: 'initiate', status: result.status, fields: Object.keys((result.body as object) ?? {}) });
      return { kind: 'failed', reason: 'gateway_refused', retryable: false };
    }
    return { kind: 'redirect', url: answer.data.payment_url, ids: { pidx: answer.data.pidx } };
  }

  async function status(funding: FundingRef): Promise<FundingVerdict> {
    const pidx = funding.ids.pidx;
    if (!pidx) return { state: 'failed', reason: 'no_pidx' };
    const result = await post(`${base}/epayment/lookup/`, { pidx });
    if (result.kind === 'answer' && result.status === 404) return { state: 'failed', reason: 'not_found' };
    const answer = result.kind === 'answer' && result.status === 200 ? lookedUp.safeParse(result.body) : null;
    // No readable answer says nothing about the money: it may be paid. Ask again later.
    if (!answer?.success) {
      if (result.kind === 'answer' && result.status === 401) options.log('error', 'funding.account_problem', { gateway: 'khalti', meaning: 'wrong secret key' });
      return { state: 'pending', reason: 'gateway_unavailable' };
    }
    const found = answer.data;
    if (found.pidx !== pidx) return { state: 'failed', reason: 'foreign_answer' };
    const ids = { pidx, ...(found.transaction_id ? { transaction_id: found.transaction_id } : {}) };
    switch (found.status) {
      case 'Completed':
        return found.total_amount === funding.expectedPaisa
          ? { state: 'secured', ids, paidPaisa: found.total_amount }
          : { state: 'mismatch', ids, paidPaisa: found.total_amount, expectedPaisa: funding.expectedPaisa };
      case 'Pending':
      case 'Initiated':
        return { state: 'pending', reason: 'gateway_pending', ids };
      case 'Refunded':
        return { state: 'refunded', ids, partial: false };
      case 'Partially Refunded':
        return { state: 'refunded', ids, partial: true };
      case 'Expired':
        return { state: 'cancelled', reason: 'expired' };
      case 'User canceled':
        return { state: 'cancelled', reason: 'cancelled' };
      default:
        options.log('warn', 'funding.unknown_status', { gateway: 'khalti', status: found.status });
        return { state: 'pending', reason: 'gateway_pending', ids };
    }
  }

  async function verify(funding: FundingRef, returnParams: Record<string, string>): Promise<FundingVerdict> {
    // The return parameters can be forged: the stored pidx is looked up, whatever the query says.
    if ((returnParams.pidx && returnParams.pidx !== funding.ids.pidx) || (returnParams.purchase_order_id && returnParams.purchase_order_id !== funding.reference)) {
      options.log('warn', 'funding.return_mismatch', { gateway: 'khalti', reference: funding.reference });
    }
    return status(funding);
  }

  async function refund(funding: FundingRef & { paidPaisa?: number }, amountPaisa?: number): Promise<RefundResult> {
    const transactionId = funding.ids.transaction_id;
    if (!transactionId) return { state: 'failed', reason: 'no_transaction_id' };
    const paid = funding.paidPaisa ?? funding.expectedPaisa;
    const partial = amountPaisa !== undefined && amountPaisa < paid;
    const url = `${base.replace(/\/api\/v2$/, '')}/api/merchant-transaction/${encodeURIComponent(transactionId)}/refund/`;
    const result = await post(url, partial ? { amount: amountPaisa } : {});
    if (result.kind === 'answer' && result.status === 200) return { state: 'refunded' };
    if (result.kind === 'unreachable') return { state: 'failed', reason: 'gateway_unreachable' };
    if (result.kind === 'answer' && result.status >= 400 && result.status < 500) {
      options.log('error', 'funding.refund_refused', { gateway: 'khalti', reference: funding.reference, status: result.status });
      return { state: 'failed', reason: 'gateway_refused' };
    }
    return { state: 'unknown', reason: 'gateway_unavailable' };
  }

  return {
    method: 'khalti',
    start,
    verify,
    status,
    // The customer's money is with the merchant once Khalti says Completed: nothing to capture.
    capture: async () => ({ state: 'captured' }),
    refund,
  };
}
