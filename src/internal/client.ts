/**
 * The widgets' only way out: requests to the merchant proxy (`endpoint`), never to the aggregator.
 * Every answer is checked against the shared contract (with the guards generated from its response
 * schemas: no zod in the browser); anything else becomes a RequestError with a code the widget can
 * translate, never an exception string shown to a customer.
 */
import type { ServiceId } from '../api.js';
import type { ListRoute, LookupRequest, ResponseOf, WidgetRouteName } from '../contract.js';
import type { WidgetErrorCode } from '../fields.js';
import { WIDGET_ROUTE_SHAPES, routePath } from '../routes.js';
import { isEnvelope, type Guard } from './guards.generated.js';

/**
 * The routes whose answers the first load checks: the lists (each element passes its list's guard, so it bundles
 * only its own). The lookup is sent by the first load too, but its answer is checked by the checkout (checkout.ts,
 * lazy), which the answer waits for anyway; so are the others'.
 */
export type CheckoutRoute = Exclude<WidgetRouteName, ListRoute>;
/** Each route's answer check (`data.response`): typed, so a route without its guard does not compile. */
export type Guards<K extends WidgetRouteName> = { [R in K]: Guard<ResponseOf<R>> };

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

/**
 * Calls a route of the contract (`ROUTES`): its method and path, its answer checked with its schema's guard;
 * with `null` for the guard, the answer is the caller's to check (the lookup's: the checkout checks it).
 */
export function proxyRequest<K extends WidgetRouteName>(endpoint: string, name: K, guard: Guard<ResponseOf<K>>, params: RouteParams, options?: RequestOptions): Promise<ResponseOf<K>>;
export function proxyRequest(endpoint: string, name: WidgetRouteName, guard: null, params: RouteParams, options?: RequestOptions): Promise<unknown>;
export async function proxyRequest(
  endpoint: string,
  name: WidgetRouteName,
  guard: Guard<unknown> | null,
  params: RouteParams,
  { body, headers, signal, timeoutMs = 20_000 }: RequestOptions = {},
): Promise<unknown> {
  const route = WIDGET_ROUTE_SHAPES[name];
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
  if (!isEnvelope(json)) throw new RequestError('BAD_RESPONSE', true);
  const e = json;
  if (e.is_error) {
    // As it came: whether this version knows it (else it is reported and shown as UNKNOWN) is checked where a failure
    // is read (flow.ts `toRequestError`), against the list that comes with the steps' chunk (not in the first load).
    const code = (e.error_code ?? 'UNKNOWN') as WidgetErrorCode;
    throw new RequestError(code, e.retryable ?? false, e.reason_code ?? null, e.data?.response ?? null, e.details ?? null);
  }
  const answer = e.data?.response;
  if (guard && !guard(answer)) throw new RequestError('BAD_RESPONSE', true);
  return answer;
}

/** How the typed client sends: `proxyRequest` with the endpoint (and whatever the caller adds, such as a token). */
export interface Send {
  <K extends WidgetRouteName>(name: K, guard: Guard<ResponseOf<K>>, params: RouteParams, options?: RequestOptions): Promise<ResponseOf<K>>;
  (name: WidgetRouteName, guard: null, params: RouteParams, options?: RequestOptions): Promise<unknown>;
}
export type CallOptions = Omit<RequestOptions, 'body'>;

/**
 * The first load's routes as typed calls: a lookup's body is its service's lookup schema, so a field renamed
 * in api.ts breaks the callers' compilation; its answer is checked by the checkout (`Checkout.quote`). The pay
 * stage's calls: `payClient` in checkout.ts.
 */
export function proxyClient(send: Send) {
  return {
    lookup: <S extends ServiceId>(service: S, body: LookupRequest<S>, options?: CallOptions) => send('lookup', null, { service }, { ...options, body }),
    /** A list the lookup step needs (NEA's counters, Dreamer's services), checked with its guard. */
    list: <K extends ListRoute>(name: K, guard: Guard<ResponseOf<K>>, options?: CallOptions) => send(name, guard, {}, options),
  };
}
export type ProxyClient = ReturnType<typeof proxyClient>;
