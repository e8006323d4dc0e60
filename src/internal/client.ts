/**
 * The widgets' only way out: requests to the merchant proxy (`endpoint`), never to the aggregator.
 * Every answer is parsed with the shared contract; anything else becomes a RequestError with a code
 * the widget can translate, never an exception string shown to a customer.
 */
import * as z from 'zod/mini';
import { envelope, isErrorCode, type ChargeRequest, type PayRequest, type ServiceId, type WidgetErrorCode } from '../api.js';
import { WIDGET_ROUTES, routePath, type ListRoute, type LookupRequest, type ResponseOf, type WidgetRouteName } from '../contract.js';

export class RequestError extends Error {
  constructor(
    readonly code: WidgetErrorCode,
    readonly retryable: boolean,
    /** A recognised biller reason (`reason_code`), never the aggregator's own text. */
    readonly reasonCode: string | null = null,
    /** `data.response` of an error envelope (a failed payment carries its record here). */
    readonly response: unknown = null,
    /** `details` of an error envelope (e.g. the payment's `reference` with IDEMPOTENCY_IN_FLIGHT). */
    readonly details: unknown = null,
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

/** A route's parameters: the service of a per-service route, the reference of a payment's. */
export interface RouteParams {
  service?: ServiceId;
  reference?: string;
}

/** Calls a route of the contract (`ROUTES`): its method and path, its answer checked against its schema. */
export async function proxyRequest<K extends WidgetRouteName>(
  endpoint: string,
  name: K,
  params: RouteParams,
  { body, headers, signal, timeoutMs = 20_000 }: RequestOptions = {},
): Promise<ResponseOf<K>> {
  const route = WIDGET_ROUTES[name];
  const path = routePath(route, params);
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response | undefined;
  let json: unknown;
  try {
    response = await fetch(`${endpoint.replace(/\/+$/, '')}${path}`, {
      method: route.method,
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
    // A code this version does not know (a newer proxy's) is reported and shown as UNKNOWN.
    const code = isErrorCode(e.error_code) ? e.error_code : 'UNKNOWN';
    throw new RequestError(code, e.retryable ?? false, e.reason_code ?? null, e.data?.response ?? null, e.details ?? null);
  }
  if (route.response === null) return null as ResponseOf<K>;
  const data = z.safeParse(route.response as z.ZodMiniType, e.data?.response);
  if (!data.success) throw new RequestError('BAD_RESPONSE', true);
  return data.data as ResponseOf<K>;
}

/** How the typed client sends: `proxyRequest` with the endpoint (and whatever the caller adds, such as a token). */
export type Send = <K extends WidgetRouteName>(name: K, params: RouteParams, options?: RequestOptions) => Promise<ResponseOf<K>>;
export type CallOptions = Omit<RequestOptions, 'body'>;

/**
 * The contract's routes as typed calls: a lookup's body is its service's lookup schema, so a field renamed
 * in api.ts breaks the callers' compilation.
 */
export function proxyClient(send: Send) {
  return {
    lookup: <S extends ServiceId>(service: S, body: LookupRequest<S>, options?: CallOptions) => send('lookup', { service }, { ...options, body }),
    charge: (service: ServiceId, body: ChargeRequest, options?: CallOptions) => send('charge', { service }, { ...options, body }),
    pay: (service: ServiceId, key: string, body: PayRequest, options?: CallOptions) =>
      send('pay', { service }, { ...options, body, headers: { ...options?.headers, 'idempotency-key': key } }),
    status: (reference: string, options?: CallOptions) => send('status', { reference }, options),
    /** Back from the gateway: the return's query, for the proxy to verify. */
    resume: (reference: string, params: Record<string, string>, options?: CallOptions) => send('resume', { reference }, { ...options, body: { params } }),
    /** The payment methods the proxy offers. */
    funding: (options?: CallOptions) => send('funding', {}, options),
    /** A list the lookup step needs (NEA's counters, Dreamer's services). */
    list: <K extends ListRoute>(name: K, options?: CallOptions) => send(name, {}, options),
  };
}
export type ProxyClient = ReturnType<typeof proxyClient>;
