/**
 * The error codes each route of the proxy may answer, besides EVERY_ROUTE_ERRORS: the contract's
 * (contract.ts `ROUTES[name].errors`), checked by test/server/contract.test.ts and written into the OpenAPI
 * document. Apart from routes.ts so the widgets' bundle, which only needs method and path, leaves them out.
 */
import type { ErrorCode } from './fields.js';

/** What any route may answer: refused by the middleware, or a failure of the proxy itself. */
export const EVERY_ROUTE_ERRORS = ['FORBIDDEN_ORIGIN', 'RATE_LIMITED', 'AUTH_REQUIRED', 'PAYLOAD_TOO_LARGE', 'SHUTTING_DOWN', 'INTERNAL'] as const satisfies readonly ErrorCode[];
/** A JSON body's refusals. */
const BODY_ERRORS = ['VALIDATION', 'UNSUPPORTED_MEDIA_TYPE'] as const satisfies readonly ErrorCode[];
/** What a call to the aggregator may end in. */
const UPSTREAM_ERRORS = ['SERVICE_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR'] as const satisfies readonly ErrorCode[];
const QUOTE_ERRORS = ['QUOTE_NOT_FOUND', 'QUOTE_EXPIRED', 'AMOUNT_OUT_OF_RANGE', 'NO_DUES', 'PACKAGE_NOT_IN_QUOTE'] as const satisfies readonly ErrorCode[];

/** The widgets' routes (routes.ts WIDGET_ROUTE_SHAPES). */
export const WIDGET_ROUTE_ERRORS = {
  lookup: [...BODY_ERRORS, ...UPSTREAM_ERRORS, 'LOOKUP_REJECTED', 'SERVICE_NOT_ENABLED', 'QUOTE_EXPIRED', 'NO_DUES'],
  charge: [...BODY_ERRORS, ...UPSTREAM_ERRORS, ...QUOTE_ERRORS],
  pay: [
    ...BODY_ERRORS,
    ...UPSTREAM_ERRORS,
    ...QUOTE_ERRORS,
    'IDEMPOTENCY_KEY_REQUIRED',
    'IDEMPOTENCY_IN_FLIGHT',
    'IDEMPOTENCY_MISMATCH',
    'QUOTE_ALREADY_PAID',
    'PAYMENT_UNRESOLVED',
    'PAYMENT_REJECTED',
    'FUNDING_REFUSED',
    // A replayed key answers the payment's outcome as resume decided it (routes/views.ts answerPayment).
    'FUNDING_CANCELLED',
    'FUNDING_EXPIRED',
    'FUNDING_MISMATCH',
  ],
  resume: [
    ...BODY_ERRORS,
    ...UPSTREAM_ERRORS,
    'NOT_FOUND',
    'PAYMENT_REJECTED',
    'FUNDING_CANCELLED',
    'FUNDING_MISMATCH',
    'FUNDING_EXPIRED',
    'FUNDING_NOT_CONFIRMED',
  ],
  counters: UPSTREAM_ERRORS,
  dreamerServices: [],
  status: ['VALIDATION', 'NOT_FOUND'],
  funding: [],
} as const satisfies Record<string, readonly ErrorCode[]>;

/** The host's routes (history and receipts) and the aggregator's callbacks (routes.ts OTHER_ROUTE_SHAPES). */
export const OTHER_ROUTE_ERRORS = {
  history: BODY_ERRORS,
  receipt: ['VALIDATION', 'NOT_FOUND'],
  deliveryReport: BODY_ERRORS,
} as const satisfies Record<string, readonly ErrorCode[]>;
