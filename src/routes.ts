/**
 * The proxy's routes without their schemas: method, path (under the proxy's `/api`) and the error codes
 * each may answer. Zod-free, for the browser's client; contract.ts attaches each route's request and
 * response schema (`ROUTES`), for the proxy.
 */
import type { ErrorCode } from './fields.js';
import type { ServiceId } from './services.js';

/** What any route may answer: refused by the middleware, or a failure of the proxy itself. */
export const EVERY_ROUTE_ERRORS = ['FORBIDDEN_ORIGIN', 'RATE_LIMITED', 'AUTH_REQUIRED', 'PAYLOAD_TOO_LARGE', 'SHUTTING_DOWN', 'INTERNAL'] as const satisfies readonly ErrorCode[];
/** A JSON body's refusals. */
const BODY_ERRORS = ['VALIDATION', 'UNSUPPORTED_MEDIA_TYPE'] as const satisfies readonly ErrorCode[];
/** What a call to the aggregator may end in. */
const UPSTREAM_ERRORS = ['SERVICE_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR'] as const satisfies readonly ErrorCode[];
const QUOTE_ERRORS = ['QUOTE_NOT_FOUND', 'QUOTE_EXPIRED', 'AMOUNT_OUT_OF_RANGE', 'NO_DUES', 'PACKAGE_NOT_IN_QUOTE'] as const satisfies readonly ErrorCode[];

/** A route as the browser knows it. */
export interface RouteShape {
  method: 'GET' | 'POST';
  /** Under the proxy's `/api`. `:service` is one route per service; `:reference` is a path parameter. */
  path: string;
  /** The codes this route answers besides EVERY_ROUTE_ERRORS. */
  errors: readonly ErrorCode[];
  /** Only this service has the route. */
  service?: ServiceId;
}

/** The routes the widgets call. */
export const WIDGET_ROUTE_SHAPES = {
  lookup: {
    method: 'POST',
    path: '/:service/lookup',
    errors: [...BODY_ERRORS, ...UPSTREAM_ERRORS, 'LOOKUP_REJECTED', 'SERVICE_NOT_ENABLED', 'QUOTE_EXPIRED', 'NO_DUES'],
  },
  charge: {
    method: 'POST',
    path: '/:service/charge',
    errors: [...BODY_ERRORS, ...UPSTREAM_ERRORS, ...QUOTE_ERRORS],
  },
  pay: {
    method: 'POST',
    path: '/:service/pay',
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
      // A replayed key answers the payment's outcome as resume decided it (routes/views.ts answerPayment).
      'FUNDING_CANCELLED',
      'FUNDING_EXPIRED',
      'FUNDING_MISMATCH',
    ],
  },
  /** Back from the gateway: the return's query, verified with the gateway; answers the outcome as `pay` does. */
  resume: {
    method: 'POST',
    path: '/payments/:reference/resume',
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
  counters: { method: 'GET', path: '/nea/counters', service: 'nea', errors: UPSTREAM_ERRORS },
  dreamerServices: { method: 'GET', path: '/dreamer/services', service: 'dreamer', errors: [] },
  status: { method: 'GET', path: '/payments/:reference', errors: ['VALIDATION', 'NOT_FOUND'] },
  /** The payment methods offered (FUNDING), for the confirm step's chooser. */
  funding: { method: 'GET', path: '/funding', errors: [] },
} as const satisfies Record<string, RouteShape>;

/** The host's routes (history and receipts) and the aggregator's callbacks. */
export const OTHER_ROUTE_SHAPES = {
  history: { method: 'POST', path: '/payments/history', errors: BODY_ERRORS },
  receipt: { method: 'GET', path: '/payments/:reference/receipt', errors: ['VALIDATION', 'NOT_FOUND'] },
  deliveryReport: { method: 'POST', path: '/callbacks/delivery-report', errors: BODY_ERRORS },
} as const satisfies Record<string, RouteShape>;

/** A route's path with its parameters filled in (`:reference` encoded). */
export function routePath(route: RouteShape, params: { service?: ServiceId; reference?: string } = {}): string {
  return route.path.replace(/:(service|reference)\b/g, (_, name: 'service' | 'reference') => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${route.path} needs ${name}`);
    return name === 'reference' ? encodeURIComponent(value) : value;
  });
}

/** The paths a route stands for, as the proxy registers them: one per service for `:service` routes. */
export function routePaths(route: RouteShape, services: readonly ServiceId[]): string[] {
  return route.path.includes(':service') ? services.map((service) => route.path.replace(':service', service)) : [route.path];
}
