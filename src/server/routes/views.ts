/** The ledger's rows as the proxy answers them. */
import type { Context } from 'hono';
import { ERROR_CODES, isReasonCode, type ErrorCode, type Payment, type Quote } from '../../api.js';
import { ProxyError, reasonFields, successEnvelope } from '../errors.js';
import { SERVICE_UNAVAILABLE_MESSAGE, isAccountCode } from '../providers/upstream.js';
import { isoClock } from '../log.js';
import type { FundingRow, PaymentRow, StoredQuote } from '../store/store.js';

const expiryTime = isoClock();

export const quoteView = (q: StoredQuote, testMode: boolean): Quote => ({
  quote_id: q.id,
  service: q.service,
  expires_at: expiryTime(q.expiresAt),
  test_mode: testMode,
  customer_name: q.customerName,
  facts: q.facts,
  bills: q.bills,
  packages: q.packages,
  total_due_paisa: q.totalDuePaisa,
  min_paisa: q.minPaisa,
  max_paisa: q.maxPaisa,
  ...(q.generation ? { generation: q.generation } : {}),
  ...(q.newConsumerNo ? { new_consumer_no: q.newConsumerNo } : {}),
});

export const paymentView = (p: PaymentRow, f: FundingRow | null = null): Payment => ({
  reference: p.reference,
  service: p.service,
  state: p.state === 'unknown' ? 'pending' : p.state,
  amount_paisa: p.amountPaisa,
  service_charge_paisa: p.serviceChargePaisa,
  total_paisa: p.amountPaisa + p.serviceChargePaisa,
  transaction_id: p.upstreamId,
  customer_name: p.customerName,
  receipt: p.receipt,
  // The merchant's account problems (wrong token, credits, maintenance) are not the customer's business.
  error_code: isAccountCode(p.errorCode) ? 'SERVICE_UNAVAILABLE' : p.errorCode,
  ...reasonFields(p.reason),
  created_at: new Date(p.createdAt).toISOString(),
  updated_at: new Date(p.updatedAt).toISOString(),
  ...settlement(p),
  ...(f ? { funding: { method: f.method, state: f.state } } : {}),
  ...(f?.state === 'initiated' && f.nextStep ? { next: f.nextStep } : {}),
});

const FUNDING_MESSAGES: Partial<Record<ErrorCode, string>> = {
  FUNDING_REFUSED: 'The payment method refused this payment; nothing was charged',
  FUNDING_CANCELLED: 'The payment was cancelled at the gateway; nothing was charged',
  FUNDING_EXPIRED: 'The payment was not completed in time at the gateway; anything paid is refunded',
  FUNDING_MISMATCH: 'The gateway received another amount than asked; it is refunded and the bill was not paid',
};

/** What the customer is told about their money when the bill payment failed after it was taken. */
function refundMessage(f: FundingRow | null) {
  if (f?.state === 'refunded') return 'The payment was not accepted; your money was refunded';
  if (f?.state === 'refund_due' || f?.state === 'refunding') return 'The payment was not accepted; your money will be refunded';
  return 'The payment was not accepted; nothing was charged';
}

/** A payment's answer: 200 paid, 202 being verified or awaiting its funding, or the refusal with the payment in it. */
export function answerPayment(c: Context, p: PaymentRow, f: FundingRow | null) {
  const view = paymentView(p, f);
  if (view.state === 'failed' && isAccountCode(p.errorCode)) {
    throw new ProxyError('SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE, { response: view });
  }
  const code = p.errorCode as ErrorCode | null;
  if (view.state === 'failed' && code && code in FUNDING_MESSAGES && code in ERROR_CODES) {
    throw new ProxyError(code, FUNDING_MESSAGES[code]!, { response: view });
  }
  if (view.state === 'failed') {
    throw new ProxyError('PAYMENT_REJECTED', refundMessage(f), { reason: isReasonCode(p.reason) ? p.reason : null, response: view });
  }
  const message = view.state === 'success' ? 'Payment successful' : view.next ? 'Continue at the payment gateway' : 'Payment is being verified';
  return c.json(successEnvelope(view, message), view.state === 'success' ? 200 : 202);
}

/** An operator's settlement (`bill-pay-settle`), shown with the payment; nothing when the aggregator settled it. */
export function settlement(p: PaymentRow): Pick<Payment, 'settled_by' | 'settled_at' | 'note'> {
  if (p.settledBy === null) return {};
  return { settled_by: p.settledBy, ...(p.settledAt === null ? {} : { settled_at: new Date(p.settledAt).toISOString() }), ...(p.note === null ? {} : { note: p.note }) };
}
