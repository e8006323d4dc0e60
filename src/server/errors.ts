import { ERROR_CODES, isReasonCode, type Envelope, type ErrorCode, type ReasonCode } from '../api.js';
import { en } from '../internal/locales/en.js';

/**
 * A biller reason as the proxy answers it: the stable code and its English text (the widgets show their
 * own translation). A stored reason that is not a known code is shown as none.
 */
export function reasonFields(reason: string | null | undefined): { reason_code: ReasonCode | null; reason: string | null } {
  return isReasonCode(reason) ? { reason_code: reason, reason: en.reasons[reason] } : { reason_code: null, reason: null };
}

/** An error the proxy answers with: a code from the contract, an English message, optional extras. */
export class ProxyError extends Error {
  override name = 'ProxyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { reason?: ReasonCode | null; details?: unknown; response?: unknown } = {},
  ) {
    super(message);
  }
  get status() {
    return ERROR_CODES[this.code].status;
  }
}

export function successEnvelope(response: unknown, successMessage = ''): Envelope {
  return { data: { response, success_message: successMessage }, error_message: '', is_error: false };
}

export function errorEnvelope(error: ProxyError): Envelope {
  const { reason, details, response } = error.extra;
  return {
    data: response === undefined ? null : { response, success_message: '' },
    error_message: error.message,
    is_error: true,
    error_code: error.code,
    retryable: ERROR_CODES[error.code].retryable,
    ...(reason !== undefined ? reasonFields(reason) : {}),
    ...(details !== undefined ? { details } : {}),
  };
}
