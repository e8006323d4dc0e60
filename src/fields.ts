/**
 * The shared contract's zod-free half: the field patterns, the enums, the error and reason codes, and the
 * little logic both sides need. The browser imports these from here (a module that builds zod schemas at its
 * top level is never tree-shaken, so importing anything from api.ts would bundle zod); api.ts re-exports
 * them all, so the proxy and the sandbox read one contract.
 */

// The field patterns are a module of their own (each element's first load imports them; the rest of this module
// comes with the steps' chunk): patterns.ts.
export * from './patterns.js';

/** How the customer pays (the proxy's FUNDING lists those offered). */
export const FUNDING_METHODS = ['khalti', 'esewa', 'host', 'none'] as const;
export type FundingMethod = (typeof FUNDING_METHODS)[number];
/** A funding's state as the ledger records it (server/store/schema.ts). */
export const FUNDING_STATES = ['initiated', 'secured', 'capturing', 'refunding', 'captured', 'refund_due', 'refunded', 'abandoned'] as const;

/** A payment's reference: the proxy makes them, up to 50 letters and digits (the aggregator's rule). */
export const REFERENCE = /^[A-Za-z0-9]{1,50}$/;

/** Idempotency-Key header: what a client sends to make a pay request safe to repeat. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_:.-]{8,128}$/;

/**
 * The biller reasons the proxy recognises (an allow-list of the aggregator's `details` texts), as stable
 * codes the widgets translate. Any other upstream text is never shown: the customer sees the error
 * code's generic message.
 */
export const REASON_CODES = [
  'MULTIPLE_PAYMENT_SAME_DAY',
  'NO_DUE_BILLS',
  'CONSUMER_NOT_FOUND',
  'CUSTOMER_NOT_FOUND',
  'CUSTOMER_NOT_ELIGIBLE',
  'MAX_NUMBER_EXCEEDED',
  'SESSION_EXPIRED',
  'REFUNDED',
  'MANUALLY_FAILED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export const isReasonCode = (value: unknown): value is ReasonCode => (REASON_CODES as readonly unknown[]).includes(value);

/** The widget-facing states: the ledger's `unknown` is shown as `pending`. */
export const PAYMENT_STATES = ['pending', 'success', 'failed'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/**
 * Machine-readable error codes of the proxy (names only: what the browser checks an answer's code against).
 * Their HTTP statuses and whether each is retryable: `ERROR_CODES` (error-codes.ts, the server's, re-exported
 * by api.ts), which must give every one of these and nothing else.
 */
export const ERROR_CODE_NAMES = [
  'VALIDATION', 'NOT_FOUND', 'QUOTE_NOT_FOUND', 'QUOTE_EXPIRED', 'NO_DUES', 'AMOUNT_OUT_OF_RANGE',
  'PACKAGE_NOT_IN_QUOTE', 'SERVICE_NOT_ENABLED', 'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_IN_FLIGHT', 'IDEMPOTENCY_MISMATCH', 'QUOTE_ALREADY_PAID',
  'PAYMENT_UNRESOLVED', 'LOOKUP_REJECTED', 'PAYMENT_REJECTED', 'FUNDING_REFUSED', 'FUNDING_CANCELLED', 'FUNDING_MISMATCH',
  'FUNDING_EXPIRED', 'FUNDING_NOT_CONFIRMED', 'SERVICE_UNAVAILABLE', 'SHUTTING_DOWN', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR',
  'RATE_LIMITED', 'AUTH_REQUIRED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'FORBIDDEN_ORIGIN', 'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODE_NAMES)[number];
export const isErrorCode = (value: unknown): value is ErrorCode => (ERROR_CODE_NAMES as readonly unknown[]).includes(value);

/**
 * The codes the widgets' client gives itself: no answer (NETWORK, TIMEOUT, ABORTED), one it could not
 * read (BAD_RESPONSE, or UNKNOWN for a code this version does not know), a payment it could not confirm.
 */
export const CLIENT_ERROR_CODES = ['NETWORK', 'TIMEOUT', 'ABORTED', 'BAD_RESPONSE', 'PAY_UNCONFIRMED', 'UNKNOWN'] as const;
/** What a widget may report and must translate: the proxy's codes and its own. */
export type WidgetErrorCode = ErrorCode | (typeof CLIENT_ERROR_CODES)[number];
