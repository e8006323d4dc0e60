/**
 * The proxy's routes as data: method, path (under the proxy's `/api`), request and response schema, and
 * the error codes each may answer. The browser's client (internal/client.ts) calls them by name, with the
 * zod-free half (routes.ts) and guards generated from these response schemas; the proxy's route modules
 * register them by name, so a path or a body shape is written once.
 */
import type * as z from 'zod/mini';
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
} from './api.js';
import type { ErrorCode } from './fields.js';
import { OTHER_ROUTE_ERRORS, WIDGET_ROUTE_ERRORS } from './route-errors.js';
import { OTHER_ROUTE_SHAPES, WIDGET_ROUTE_SHAPES, type RouteShape } from './routes.js';
import type { ServiceId } from './services.js';

export { EVERY_ROUTE_ERRORS } from './route-errors.js';
export { routePath, routePaths, type RouteShape } from './routes.js';

/** Each service's lookup body. */
export const LOOKUP_REQUESTS = {
  nea: neaLookupRequest,
  dreamer: dreamerLookupRequest,
  dishhome: dishhomeLookupRequest,
} satisfies Record<ServiceId, z.ZodMiniType>;
export type LookupRequest<S extends ServiceId> = z.infer<(typeof LOOKUP_REQUESTS)[S]>;

export interface Route extends RouteShape {
  /** The codes this route answers besides EVERY_ROUTE_ERRORS. */
  errors: readonly ErrorCode[];
  /** The JSON body; per service for the lookup; null when the route takes none. */
  request: z.ZodMiniType | Readonly<Record<ServiceId, z.ZodMiniType>> | null;
  /** `data.response` of the envelope; null for an answer with none. */
  response: z.ZodMiniType | null;
}

/** A route's shape with its error codes. */
const W = Object.fromEntries(Object.entries(WIDGET_ROUTE_SHAPES).map(([k, v]) => [k, { ...v, errors: WIDGET_ROUTE_ERRORS[k as keyof typeof WIDGET_ROUTE_ERRORS] }])) as {
  [K in keyof typeof WIDGET_ROUTE_SHAPES]: (typeof WIDGET_ROUTE_SHAPES)[K] & { errors: (typeof WIDGET_ROUTE_ERRORS)[K] };
};
const O = Object.fromEntries(Object.entries(OTHER_ROUTE_SHAPES).map(([k, v]) => [k, { ...v, errors: OTHER_ROUTE_ERRORS[k as keyof typeof OTHER_ROUTE_ERRORS] }])) as {
  [K in keyof typeof OTHER_ROUTE_SHAPES]: (typeof OTHER_ROUTE_SHAPES)[K] & { errors: (typeof OTHER_ROUTE_ERRORS)[K] };
};

/** The routes the widgets call (the browser reads their answers with guards generated from these schemas). */
export const WIDGET_ROUTES = {
  lookup: { ...W.lookup, request: LOOKUP_REQUESTS, response: quote },
  charge: { ...W.charge, request: chargeRequest, response: chargeResponse },
  pay: { ...W.pay, request: payRequest, response: payment },
  resume: { ...W.resume, request: resumeRequest, response: payment },
  counters: { ...W.counters, request: null, response: countersResponse },
  dreamerServices: { ...W.dreamerServices, request: null, response: dreamerServicesResponse },
  status: { ...W.status, request: null, response: payment },
  funding: { ...W.funding, request: null, response: fundingResponse },
} as const satisfies { [K in keyof typeof W]: Route };

/** Every route of the proxy's API: the widgets', the host's (history and receipts) and the aggregator's callbacks. */
export const ROUTES = {
  ...WIDGET_ROUTES,
  history: { ...O.history, request: historyRequest, response: historyResponse },
  receipt: { ...O.receipt, request: null, response: receiptResponse },
  deliveryReport: { ...O.deliveryReport, request: deliveryReport, response: null },
} as const satisfies { [K in keyof typeof W | keyof typeof O]: Route };

export type RouteName = keyof typeof ROUTES;
export type WidgetRouteName = keyof typeof WIDGET_ROUTES;
/** A route's answer (`data.response`). */
export type ResponseOf<K extends RouteName> = (typeof ROUTES)[K]['response'] extends z.ZodMiniType<infer T> ? T : null;
/** The GET routes with no parameter: lists a widget loads (NEA's counters, Dreamer's services). */
export type ListRoute = { [K in WidgetRouteName]: (typeof ROUTES)[K] extends { method: 'GET'; service: ServiceId } ? K : never }[WidgetRouteName];
