import { ERROR_CODES, type Envelope, type ErrorCode } from '../api.js';

/** An error the proxy answers with: a code from the contract, an English message, optional extras. */
export class ProxyError extends Error {
  override name = 'ProxyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { reason?: string | null; details?: unknown; response?: unknown } = {},
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
    ...(reason !== undefined ? { reason } : {}),
    ...(details !== undefined ? { details } : {}),
  };
}
