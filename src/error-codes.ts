/**
 * The proxy's error codes (fields.ts `ERROR_CODE_NAMES`) with their HTTP status, and whether the same request
 * may be sent again without risk (never true for anything that might have moved money). The server's half:
 * api.ts re-exports it; the widgets only check names (`isErrorCode`), so these stay out of their bundle.
 */
import type { ErrorCode } from './fields.js';

export const ERROR_CODES = {
  VALIDATION: { status: 400, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  QUOTE_NOT_FOUND: { status: 404, retryable: false },
  QUOTE_EXPIRED: { status: 410, retryable: false },
  NO_DUES: { status: 422, retryable: false },
  AMOUNT_OUT_OF_RANGE: { status: 422, retryable: false },
  PACKAGE_NOT_IN_QUOTE: { status: 422, retryable: false },
  SERVICE_NOT_ENABLED: { status: 422, retryable: false },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, retryable: false },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, retryable: true },
  IDEMPOTENCY_MISMATCH: { status: 422, retryable: false },
  QUOTE_ALREADY_PAID: { status: 409, retryable: false },
  PAYMENT_UNRESOLVED: { status: 409, retryable: false },
  LOOKUP_REJECTED: { status: 422, retryable: false },
  PAYMENT_REJECTED: { status: 402, retryable: false },
  FUNDING_REFUSED: { status: 402, retryable: false },
  FUNDING_CANCELLED: { status: 402, retryable: false },
  FUNDING_MISMATCH: { status: 402, retryable: false },
  FUNDING_EXPIRED: { status: 410, retryable: false },
  FUNDING_NOT_CONFIRMED: { status: 409, retryable: false },
  SERVICE_UNAVAILABLE: { status: 503, retryable: true },
  SHUTTING_DOWN: { status: 503, retryable: true },
  UPSTREAM_TIMEOUT: { status: 504, retryable: true },
  UPSTREAM_ERROR: { status: 502, retryable: true },
  RATE_LIMITED: { status: 429, retryable: true },
  AUTH_REQUIRED: { status: 401, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  FORBIDDEN_ORIGIN: { status: 403, retryable: false },
  INTERNAL: { status: 500, retryable: false },
} as const satisfies Record<ErrorCode, { status: number; retryable: boolean }>;
