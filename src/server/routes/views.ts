/** The ledger's rows as the proxy answers them. */
import type { Payment, Quote } from '../../api.js';
import { reasonFields } from '../errors.js';
import { isAccountCode } from '../providers/upstream.js';
import type { PaymentRow, StoredQuote } from '../store/store.js';

export const quoteView = (q: StoredQuote, testMode: boolean): Quote => ({
  quote_id: q.id,
  service: q.service,
  expires_at: new Date(q.expiresAt).toISOString(),
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

export const paymentView = (p: PaymentRow): Payment => ({
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
});

/** An operator's settlement (`bill-pay-settle`), shown with the payment; nothing when the aggregator settled it. */
export function settlement(p: PaymentRow): Pick<Payment, 'settled_by' | 'settled_at' | 'note'> {
  if (p.settledBy === null) return {};
  return { settled_by: p.settledBy, ...(p.settledAt === null ? {} : { settled_at: new Date(p.settledAt).toISOString() }), ...(p.note === null ? {} : { note: p.note }) };
}
