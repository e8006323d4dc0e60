/**
 * What every aggregator service has in common: its error body, its commit answer, and the rules that
 * turn an upstream result into either data, a proxy error, or a ledger outcome.
 */
import { z } from 'zod';
import type { ReasonCode } from '../../api.js';
import { rupeesToPaisa } from '../../money.js';
import type { UpstreamResult } from '../aggregator.js';
import { ProxyError } from '../errors.js';

/** A rupee amount from the aggregator (number or numeric string), read as integer paisa. */
export const amount = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const paisa = rupeesToPaisa(value);
  if (paisa === null) {
    ctx.addIssue({ code: 'custom', message: `not an amount: ${value}` });
    return z.NEVER;
  }
  return paisa;
});

export const upstreamError = z.object({
  status: z.literal(false),
  error_code: z.coerce.string().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
  details: z.unknown().optional(),
  state: z.string().optional(),
});

/**
 * Error codes about the merchant's account rather than the customer's payment (AGGREGATOR-FACTS.md):
 * 1001-1007 token and account, 1008 service not enabled, 1016 out of credits, 1019 maintenance.
 */
export const ACCOUNT_CODES = /^10(0[1-8]|16|19)$/;
export const isAccountCode = (code: string | null | undefined): boolean => !!code && ACCOUNT_CODES.test(code);

/**
 * The allow-list of the biller's reasons (seeds, AGGREGATOR-FACTS.md and the sandbox's answers), compared
 * whole after trimming, lower-casing and collapsing spaces: a reason with anything more in it is not
 * recognised, so no raw upstream text (which may echo a token or a stack trace) reaches a customer.
 */
const BILLER_REASONS: Record<string, ReasonCode> = {
  'multiple payment not allowed same day': 'MULTIPLE_PAYMENT_SAME_DAY',
  'multiple payments not allowed same day': 'MULTIPLE_PAYMENT_SAME_DAY',
  'no due bills': 'NO_DUE_BILLS',
  'no dues': 'NO_DUE_BILLS',
  'consumer not found': 'CONSUMER_NOT_FOUND',
  'customer not found': 'CUSTOMER_NOT_FOUND',
  'customer is not eligible': 'CUSTOMER_NOT_ELIGIBLE',
  'max number exceeding': 'MAX_NUMBER_EXCEEDED',
  'max number exceeded': 'MAX_NUMBER_EXCEEDED',
  'session expired': 'SESSION_EXPIRED',
  'invalid session': 'SESSION_EXPIRED',
  refunded: 'REFUNDED',
  'manually failed': 'MANUALLY_FAILED',
};

/** The reason code of the aggregator's free-text `details`, or null when it is not one the allow-list knows. */
export function billerReason(details: unknown): ReasonCode | null {
  if (typeof details !== 'string' || details.length > 100) return null;
  const key = details.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\.$/, '');
  return Object.hasOwn(BILLER_REASONS, key) ? BILLER_REASONS[key]! : null;
}

/**
 * For steps that move no money (counters, lookup, service charge): the parsed answer, or a ProxyError
 * saying what the customer can do. Account problems are not the customer's business, so they become
 * SERVICE_UNAVAILABLE and a log line for the merchant.
 */
export function expectAnswer<T>(result: UpstreamResult, schema: z.ZodType<T>, step: string): T {
  if (result.kind === 'timeout') throw new ProxyError('UPSTREAM_TIMEOUT', `The aggregator did not answer the ${step} in time`);
  if (result.kind !== 'answer') throw new ProxyError('UPSTREAM_ERROR', `The aggregator could not be reached for the ${step}`);
  if (result.status >= 500 || (result.status >= 300 && result.status < 400)) {
    throw new ProxyError('UPSTREAM_ERROR', `The aggregator failed the ${step} (HTTP ${result.status})`);
  }
  const ok = result.status < 300 ? schema.safeParse(result.body) : undefined;
  if (ok?.success) return ok.data;
  const error = upstreamError.safeParse(result.body);
  if (!error.success) throw new ProxyError('UPSTREAM_ERROR', `The aggregator answered the ${step} with an unexpected body`);
  const code = error.data.error_code ?? '';
  const reason = billerReason(error.data.details);
  // The Aggregator has logged the code for the operator; the customer learns only that it is unavailable.
  if (isAccountCode(code)) throw new ProxyError('SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE);
  // 1013 (duplicate reference) cannot recur: every retry of a lookup carries a new reference.
  if (code === '1021' || code === '1013') throw new ProxyError('UPSTREAM_ERROR', `The aggregator failed the ${step}`);
  if (code === '4000' && reason === 'SESSION_EXPIRED') {
    throw new ProxyError('QUOTE_EXPIRED', 'The lookup has expired; look the account up again');
  }
  throw new ProxyError('LOOKUP_REJECTED', `The aggregator refused the ${step}`, { reason, details: { upstream_code: code } });
}

export const SERVICE_UNAVAILABLE_MESSAGE = 'The service is unavailable right now';

export const commitAnswer = z.object({
  status: z.boolean(),
  state: z.string(),
  message: z.string().optional(),
  detail: z.unknown().optional(),
  extra_data: z.unknown().optional(),
  id: z.union([z.number(), z.string()]).optional(),
  error_code: z.coerce.string().optional(),
  details: z.unknown().optional(),
});

export type CommitAnswer = z.infer<typeof commitAnswer>;

export type LedgerState = 'pending' | 'success' | 'failed' | 'unknown';
export interface CommitOutcome {
  /** The commit's answer when it was readable. */
  answer: CommitAnswer | null;
  state: Exclude<LedgerState, 'pending'>;
  upstreamId: string | null;
  upstreamState: string | null;
  errorCode: string | null;
  reason: ReasonCode | null;
  /** The answer says nothing final yet tells us to ask the status lookup now (HTTP 400). */
  lookupNow: boolean;
}

const SUCCESS = new Set(['Success']);
const FAILED = new Set(['Expired', 'Error', 'Status Error', 'Failed']);

/**
 * The aggregator's own table for a commit answer (AGGREGATOR-FACTS.md, "Commit answers by HTTP status";
 * its docs' statecode.md): HTTP 200 -> the transaction `state` decides, not `status` (Success: success;
 * Expired, Error, Status Error, Failed: failed; Queued, Processing, any other state or none: unknown);
 * 400 -> "check the transaction state": unknown, looked up at once; 404 -> refunded (failed); >= 500,
 * any other code (201, 3xx, 401, 403, 429...), a broken body, a broken connection or a timeout ->
 * unknown (held), looked up after the delay. A redirect is never followed (the body would go to another
 * host, token and all). 401 and 403 hold too: the table names them, and an account refusal reads
 * "unavailable" to the customer whatever the ledger state. The one departure: a request that provably
 * never left (connection refused, unknown host) moved no money, so it fails at once.
 * With no status lookup for the service (`canLookUp` false), a 400 whose body states a failure is
 * taken at its word: it is the only "transaction state" there is to check.
 */
export function classifyCommit(result: UpstreamResult, canLookUp = true): CommitOutcome {
  const outcome = (state: CommitOutcome['state'], patch: Partial<CommitOutcome> = {}): CommitOutcome => ({
    answer: null,
    state,
    upstreamId: null,
    upstreamState: null,
    errorCode: null,
    reason: null,
    lookupNow: false,
    ...patch,
  });
  if (result.kind === 'unreachable') return outcome('failed', { errorCode: 'UNREACHABLE' });
  if (result.kind !== 'answer') return outcome('unknown', { errorCode: result.kind.toUpperCase() });
  const parsed = commitAnswer.safeParse(result.body);
  const body = parsed.success ? parsed.data : undefined;
  const errorCode = body?.error_code ?? null;
  const patch: Partial<CommitOutcome> = {
    answer: body ?? null,
    upstreamId: body?.id === undefined ? null : String(body.id),
    upstreamState: body?.state ?? null,
    errorCode,
    // The merchant's account problems (token, credits, maintenance) are not the customer's business.
    reason: isAccountCode(errorCode) ? null : billerReason(body?.details),
  };
  if (result.status === 404) return outcome('failed', { ...patch, reason: patch.reason ?? 'REFUNDED' });
  if (result.status === 400) {
    if (!canLookUp) return outcome(body && FAILED.has(body.state) ? 'failed' : 'unknown', patch);
    return outcome('unknown', { ...patch, lookupNow: true });
  }
  if (result.status === 200 && body) {
    if (SUCCESS.has(body.state)) return outcome('success', patch);
    if (FAILED.has(body.state)) return outcome('failed', patch);
  }
  return outcome('unknown', patch);
}

/**
 * A known transaction's status lookup answer, in both documented forms (lookup.md): the full one
 * (`original_status`, `refunded`, `refunded_amount`, `refunds[]`) and the short failed one (`state`,
 * `details`, `reference`, `response_id`, `amount` only). Amounts are read as paisa. Only `state`,
 * `refunded` and `response_id` decide anything: the other facts read as null when they are not in the
 * documented shape, so an odd refund list can never keep a settled payment open.
 */
export const statusAnswer = z.object({
  status: z.literal(true),
  state: z.string(),
  original_status: z.string().nullish().catch(null),
  details: z.unknown().optional(),
  reference: z.string().nullish().catch(null),
  response_id: z.union([z.number(), z.string()]).nullish(),
  amount: amount.nullish().catch(null),
  refunded: z.boolean().optional(),
  refunded_amount: amount.nullish().catch(null),
  refunds: z.array(z.object({ created_at: z.string().nullish(), remarks: z.string().nullish(), amount })).nullish().catch(null),
});

/**
 * Reads a status lookup. `invalidReference` (error 002) means the aggregator has no transaction with
 * this reference: final only where the commit's own answer already proved it was processed (HTTP 400).
 */
export function classifyStatus(result: UpstreamResult):
  | { kind: 'settled'; state: 'success' | 'failed'; upstreamId: string | null; upstreamState: string; reason: ReasonCode | null }
  | { kind: 'invalidReference' }
  /** The aggregator has the transaction, not final yet (Queued, Processing...). */
  | { kind: 'open' }
  | { kind: 'unknown' } {
  // A redirect is never followed, and says nothing about the payment.
  if (result.kind !== 'answer' || (result.status >= 300 && result.status < 400)) return { kind: 'unknown' };
  // As for a commit, a transaction's state is read from an HTTP 200 only; another code (429, 5xx...) is asked again later.
  const ok = result.status === 200 ? statusAnswer.safeParse(result.body) : undefined;
  if (ok?.success) {
    const { state, response_id, refunded, details } = ok.data;
    const upstreamId = response_id == null ? null : String(response_id);
    if (SUCCESS.has(state) && !refunded) return { kind: 'settled', state: 'success', upstreamId, upstreamState: state, reason: null };
    if (refunded) return { kind: 'settled', state: 'failed', upstreamId, upstreamState: 'Refunded', reason: 'REFUNDED' };
    if (FAILED.has(state)) return { kind: 'settled', state: 'failed', upstreamId, upstreamState: state, reason: billerReason(details) };
    return { kind: 'open' };
  }
  const error = upstreamError.safeParse(result.body);
  if (error.success && error.data.error_code === '002') return { kind: 'invalidReference' };
  return { kind: 'unknown' };
}
