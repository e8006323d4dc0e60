/** The payments table's row, as both stores read it, and its mapping to and from PaymentRow. */
import type { LedgerState } from '../providers/upstream.js';
import type { PaymentPatch, PaymentRow } from './store.js';

/** SQLite answers numbers and JSON text; PostgreSQL answers BIGINT as strings and JSONB as values. */
type Big = number | string;

export interface PaymentRecord {
  reference: string;
  idempotency_key: string;
  request_hash: string;
  quote_id: string;
  service: string;
  session_id: string;
  customer_name: string;
  amount_paisa: Big;
  service_charge_paisa: Big;
  package_id: number | null;
  state: string;
  upstream_id: string | null;
  upstream_state: string | null;
  error_code: string | null;
  reason: string | null;
  receipt: string | PaymentRow['receipt'];
  created_at: Big;
  updated_at: Big;
  checked_at: Big | null;
  next_check_at: Big | null;
  attempts: number;
  subject: string | null;
  account: string | null;
  not_found_since: Big | null;
  settled_by: string | null;
  settled_at: Big | null;
  note: string | null;
}

const num = (v: Big | null) => (v === null ? null : Number(v));

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

/** The columns of a new payment, in order, and how each is read from a PaymentRow. */
export const INSERT_COLUMNS: [column: string, value: (row: PaymentRow) => unknown][] = [
  ['reference', (row) => row.reference],
  ['idempotency_key', (row) => row.idempotencyKey],
  ['request_hash', (row) => row.requestHash],
  ['quote_id', (row) => row.quoteId],
  ['service', (row) => row.service],
  ['session_id', (row) => row.sessionId],
  ['customer_name', (row) => row.customerName],
  ['amount_paisa', (row) => row.amountPaisa],
  ['service_charge_paisa', (row) => row.serviceChargePaisa],
  ['package_id', (row) => row.packageId],
  ['state', (row) => row.state],
  ['upstream_id', (row) => row.upstreamId],
  ['upstream_state', (row) => row.upstreamState],
  ['error_code', (row) => row.errorCode],
  ['reason', (row) => row.reason],
  ['receipt', (row) => JSON.stringify(row.receipt)],
  ['created_at', (row) => row.createdAt],
  ['updated_at', (row) => row.updatedAt],
  ['checked_at', (row) => row.checkedAt],
  ['next_check_at', (row) => row.nextCheckAt],
  ['attempts', (row) => row.attempts],
  ['subject', (row) => row.subject],
  ['account', (row) => row.account],
  ['not_found_since', (row) => row.notFoundSince],
  ['settled_by', (row) => row.settledBy],
  ['settled_at', (row) => row.settledAt],
  ['note', (row) => row.note],
];

export const insertValues = (row: PaymentRow): [column: string, value: unknown][] =>
  INSERT_COLUMNS.map(([column, value]) => [column, value(row)]);

export const PATCH_COLUMNS: Record<keyof PaymentPatch, string> = {
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
};

/** A patch's columns and values, the receipt as JSON text. */
export const patchValues = (patch: PaymentPatch): [column: string, value: unknown][] =>
  (Object.entries(patch) as [keyof PaymentPatch, unknown][]).map(([k, v]) => [PATCH_COLUMNS[k], k === 'receipt' ? JSON.stringify(v) : v]);
