/**
 * The proxy's routes as data: method, path (under the proxy's `/api`), request and response schema, and
 * the error codes each may answer. The browser's client (internal/client.ts) calls them by name and the
 * proxy's route modules register them by name, so a path or a body shape is written once.
 */
import * as z from 'zod/mini';
import {
  chargeRequest,
  chargeResponse,
  countersResponse,
  deliveryReport,
  fundingResponse,
  dishhomeLookupRequest,
  dreamerLookupRequest,
  dreamerServicesResponse,
  historyRequest,
  historyResponse,
  neaLookupRequest,
  payRequest,
  payment,
  resumeRequest,
  quote,
  receiptResponse,
  type ErrorCode,
} from './api.js';
import type { ServiceId } from './services.js';

/** Each service's lookup body. */
export const LOOKUP_REQUESTS = {
  nea: neaLookupRequest,
  dreamer: dreamerLookupRequest,
  dishhome: dishhomeLookupRequest,
} satisfies Record<ServiceId, z.ZodMiniType>;
export type LookupRequest<S extends ServiceId> = z.infer<(typeof LOOKUP_REQUESTS)[S]>;

/** What any route may answer: refused by the middleware, or a failure of the proxy itself. */
export const EVERY_ROUTE_ERRORS = ['FORBIDDEN_ORIGIN', 'RATE_LIMITED', 'AUTH_REQUIRED', 'PAYLOAD_TOO_LARGE', 'SHUTTING_DOWN', 'INTERNAL'] as const satisfies readonly ErrorCode[];
/** A JSON body's refusals. */
const BODY_ERRORS = ['VALIDATION', 'UNSUPPORTED_MEDIA_TYPE'] as const satisfies readonly ErrorCode[];
/** What a call to the aggregator may end in. */
const UPSTREAM_ERRORS = ['SERVICE_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR'] as const satisfies readonly ErrorCode[];
const QUOTE_ERRORS = ['QUOTE_NOT_FOUND', 'QUOTE_EXPIRED', 'AMOUNT_OUT_OF_RANGE', 'NO_DUES', 'PACKAGE_NOT_IN_QUOTE'] as const satisfies readonly ErrorCode[];

export interface Route {
  method: 'GET' | 'POST';
  /** Under the proxy's `/api`. `:service` is one route per service; `:reference` is a path parameter. */
  path: string;
  /** The JSON body; per service for the lookup; null when the route takes none. */
  request: z.ZodMiniType | Readonly<Record<ServiceId, z.ZodMiniType>> | null;
  /** `data.response` of the envelope; null for an answer with none. */
  response: z.ZodMiniType | null;
  /** The codes this route answers besides EVERY_ROUTE_ERRORS. */
  errors: readonly ErrorCode[];
  /** Only this service has the route. */
  service?: ServiceId;
}

/** The routes the widgets call (the browser bundles these schemas and no others). */
export const WIDGET_ROUTES = {
  lookup: {
    method: 'POST',
    path: '/:service/lookup',
    request: LOOKUP_REQUESTS,
    response: quote,
    errors: [...BODY_ERRORS, ...UPSTREAM_ERRORS, 'LOOKUP_REJECTED', 'SERVICE_NOT_ENABLED', 'QUOTE_EXPIRED', 'NO_DUES'],
  },
  charge: {
    method: 'POST',
    path: '/:service/charge',
    request: chargeRequest,
    response: chargeResponse,
    errors: [...BODY_ERRORS, ...UPSTREAM_ERRORS, ...QUOTE_ERRORS],
  },
  pay: {
    method: 'POST',
    path: '/:service/pay',
    request: payRequest,
    response: payment,
    errors: [
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
    ],
  },
  /** Back from the gateway: the return's query, verified with the gateway; answers the outcome as `pay` does. */
  resume: {
    method: 'POST',
    path: '/payments/:reference/resume',
    request: resumeRequest,
    response: payment,
    errors: [
      ...BODY_ERRORS,
      ...UPSTREAM_ERRORS,
      'NOT_FOUND',
      'PAYMENT_REJECTED',
      'FUNDING_CANCELLED',
      'FUNDING_MISMATCH',
      'FUNDING_EXPIRED',
      'FUNDING_NOT_CONFIRMED',
    ],
  },
  counters: { method: 'GET', path: '/nea/counters', service: 'nea', request: null, response: countersResponse, errors: UPSTREAM_ERRORS },
  dreamerServices: { method: 'GET', path: '/dreamer/services', service: 'dreamer', request: null, response: dreamerServicesResponse, errors: [] },
  status: { method: 'GET', path: '/payments/:reference', request: null, response: payment, errors: ['VALIDATION', 'NOT_FOUND'] },
  /** The payment methods offered (FUNDING), for the confirm step's chooser. */
  funding: { method: 'GET', path: '/funding', request: null, response: fundingResponse, errors: [] },
} as const satisfies Record<string, Route>;

/** Every route of the proxy's API: the widgets', the host's (history and receipts) and the aggregator's callbacks. */
export const ROUTES = {
  ...WIDGET_ROUTES,
  history: { method: 'POST', path: '/payments/history', request: historyRequest, response: historyResponse, errors: BODY_ERRORS },
  receipt: { method: 'GET', path: '/payments/:reference/receipt', request: null, response: receiptResponse, errors: ['VALIDATION', 'NOT_FOUND'] },
  deliveryReport: { method: 'POST', path: '/callbacks/delivery-report', request: deliveryReport, response: null, errors: BODY_ERRORS },
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES;
export type WidgetRouteName = keyof typeof WIDGET_ROUTES;
/** A route's answer (`data.response`). */
export type ResponseOf<K extends RouteName> = (typeof ROUTES)[K]['response'] extends z.ZodMiniType<infer T> ? T : null;
/** The GET routes with no parameter: lists a widget loads (NEA's counters, Dreamer's services). */
export type ListRoute = { [K in WidgetRouteName]: (typeof ROUTES)[K] extends { method: 'GET'; service: ServiceId } ? K : never }[WidgetRouteName];

/** A route's path with its parameters filled in (`:reference` encoded). */
export function routePath(route: Route, params: { service?: ServiceId; reference?: string } = {}): string {
  return route.path.replace(/:(service|reference)\b/g, (_, name: 'service' | 'reference') => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${route.path} needs ${name}`);
    return name === 'reference' ? encodeURIComponent(value) : value;
  });
}

/** The paths a route stands for, as the proxy registers them: one per service for `:service` routes. */
export function routePaths(route: Route, services: readonly ServiceId[]): string[] {
  return route.path.includes(':service') ? services.map((service) => route.path.replace(':service', service)) : [route.path];
}
