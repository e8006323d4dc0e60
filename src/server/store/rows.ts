/** The payments table's row, as both databases answer it, and its mapping to and from PaymentRow. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { LedgerState } from '../providers/upstream.js';
import type { FundingsTable, PaymentsTable } from './schema.js';
import type { FundingPatch, FundingRow, PaymentPatch, PaymentRow } from './store.js';

/** A payments row as either database answers it (see schema.ts). */
export type PaymentRecord = Selectable<PaymentsTable>;

const num = (v: number | string | null) => (v === null ? null : Number(v));

export const toRow = (r: PaymentRecord): PaymentRow => ({
  reference: r.reference,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  quoteId: r.quote_id,
  service: r.service as PaymentRow['service'],
  sessionId: r.session_id,
  customerName: r.customer_name,
  amountPaisa: Number(r.amount_paisa),
  serviceChargePaisa: Number(r.service_charge_paisa),
  packageId: r.package_id,
  state: r.state as LedgerState,
  upstreamId: r.upstream_id,
  upstreamState: r.upstream_state,
  errorCode: r.error_code,
  reason: r.reason,
  receipt: typeof r.receipt === 'string' ? (JSON.parse(r.receipt) as PaymentRow['receipt']) : r.receipt,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  checkedAt: num(r.checked_at),
  nextCheckAt: num(r.next_check_at),
  attempts: r.attempts,
  subject: r.subject,
  account: r.account,
  notFoundSince: num(r.not_found_since),
  settledBy: r.settled_by,
  settledAt: num(r.settled_at),
  note: r.note,
});

/** A new payment's columns, the receipt as JSON text. */
export const toRecord = (row: PaymentRow): Insertable<PaymentsTable> => ({
  reference: row.reference,
  idempotency_key: row.idempotencyKey,
  request_hash: row.requestHash,
  quote_id: row.quoteId,
  service: row.service,
  session_id: row.sessionId,
  customer_name: row.customerName,
  amount_paisa: row.amountPaisa,
  service_charge_paisa: row.serviceChargePaisa,
  package_id: row.packageId,
  state: row.state,
  upstream_id: row.upstreamId,
  upstream_state: row.upstreamState,
  error_code: row.errorCode,
  reason: row.reason,
  receipt: JSON.stringify(row.receipt),
  created_at: row.createdAt,
  updated_at: row.updatedAt,
  checked_at: row.checkedAt,
  next_check_at: row.nextCheckAt,
  attempts: row.attempts,
  subject: row.subject,
  account: row.account,
  not_found_since: row.notFoundSince,
  settled_by: row.settledBy,
  settled_at: row.settledAt,
  note: row.note,
});

const PATCH_COLUMNS = {
  state: 'state',
  upstreamId: 'upstream_id',
  upstreamState: 'upstream_state',
  errorCode: 'error_code',
  reason: 'reason',
  receipt: 'receipt',
  checkedAt: 'checked_at',
  nextCheckAt: 'next_check_at',
  attempts: 'attempts',
  claimedUntil: 'claimed_until',
  notFoundSince: 'not_found_since',
  settledBy: 'settled_by',
  settledAt: 'settled_at',
  note: 'note',
} as const satisfies Record<keyof PaymentPatch, keyof PaymentsTable>;

/** A patch's columns, the receipt as JSON text. */
export const patchRecord = (patch: PaymentPatch): Updateable<PaymentsTable> =>
  Object.fromEntries(
    (Object.entries(patch) as [keyof PaymentPatch, unknown][]).map(([k, v]) => [PATCH_COLUMNS[k], k === 'receipt' ? JSON.stringify(v) : v]),
  );

const parsed = <T>(v: string | T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export const toFunding = (r: Selectable<FundingsTable>): FundingRow => ({
  reference: r.reference,
  method: r.method as FundingRow['method'],
  state: r.state as FundingRow['state'],
  ids: parsed(r.ids),
  nextStep: r.next_step === null ? null : (parsed(r.next_step) as FundingRow['nextStep']),
  totalPaisa: Number(r.total_paisa),
  paidPaisa: num(r.paid_paisa),
  expiresAt: Number(r.expires_at),
  nextCheckAt: num(r.next_check_at),
  attempts: r.attempts,
  refundReason: r.refund_reason,
  refundedAt: num(r.refunded_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const toFundingRecord = (f: FundingRow): Insertable<FundingsTable> => ({
  reference: f.reference,
  method: f.method,
  state: f.state,
  ids: JSON.stringify(f.ids),
  next_step: f.nextStep === null ? null : JSON.stringify(f.nextStep),
  total_paisa: f.totalPaisa,
  paid_paisa: f.paidPaisa,
  expires_at: f.expiresAt,
  next_check_at: f.nextCheckAt,
  attempts: f.attempts,
  refund_reason: f.refundReason,
  refunded_at: f.refundedAt,
  created_at: f.createdAt,
  updated_at: f.updatedAt,
});

const FUNDING_COLUMNS = {
  state: 'state',
  ids: 'ids',
  nextStep: 'next_step',
  paidPaisa: 'paid_paisa',
  expiresAt: 'expires_at',
  nextCheckAt: 'next_check_at',
  attempts: 'attempts',
  refundReason: 'refund_reason',
  refundedAt: 'refunded_at',
  claimedUntil: 'claimed_until',
} as const satisfies Record<keyof FundingPatch, keyof FundingsTable>;

/** A funding patch's columns, JSON as text. */
export const fundingPatchRecord = (patch: FundingPatch): Updateable<FundingsTable> =>
  Object.fromEntries(
    (Object.entries(patch) as [keyof FundingPatch, unknown][]).map(([k, v]) => [
      FUNDING_COLUMNS[k],
      (k === 'ids' || k === 'nextStep') && v !== null ? JSON.stringify(v) : v,
    ]),
  );
