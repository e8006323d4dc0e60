/**
 * The widgets' only way out: requests to the merchant proxy (`endpoint`), never to the aggregator.
 * Every answer is parsed with the shared contract; anything else becomes a RequestError with a code
 * the widget can translate, never an exception string shown to a customer.
 */
import * as z from 'zod/mini';
import { envelope } from '../api.js';

export class RequestError extends Error {
  constructor(
    readonly code: string,
    readonly retryable: boolean,
    /** A recognised biller reason (`reason_code`), never the aggregator's own text. */
    readonly reasonCode: string | null = null,
    /** `data.response` of an error envelope (a failed payment carries its record here). */
    readonly response: unknown = null,
  ) {
    super(code);
  }
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function proxyRequest<T>(
  endpoint: string,
  path: string,
  schema: z.ZodMiniType<T>,
  { body, headers, signal, timeoutMs = 20_000 }: RequestOptions = {},
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response | undefined;
  let json: unknown;
  try {
    response = await fetch(`${endpoint.replace(/\/+$/, '')}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: combined,
    });
    json = await response.json();
  } catch {
    if (signal?.aborted) throw new RequestError('ABORTED', true);
    if (timeout.aborted) throw new RequestError('TIMEOUT', true);
    // An answer that came but was not JSON is unreadable; no answer at all is the network.
    throw new RequestError(response ? 'BAD_RESPONSE' : 'NETWORK', true);
  }
  const env = z.safeParse(envelope, json);
  if (!env.success) throw new RequestError('BAD_RESPONSE', true);
  const e = env.data;
  if (e.is_error) {
    throw new RequestError(e.error_code ?? 'UNKNOWN', e.retryable ?? false, e.reason_code ?? null, e.data?.response ?? null);
  }
  const data = z.safeParse(schema, e.data?.response);
  if (!data.success) throw new RequestError('BAD_RESPONSE', true);
  return data.data;
}
