/**
 * The proxy's routes as the browser's client needs them: method and path (under the proxy's `/api`).
 * Zod-free; contract.ts attaches each route's error codes (route-errors.ts, kept out of the widgets'
 * bundle) and its request and response schemas (`ROUTES`), for the proxy and the OpenAPI document.
 */
import type { ServiceId } from './services.js';

/** A route as the browser knows it. */
export interface RouteShape {
  method: 'GET' | 'POST';
  /** Under the proxy's `/api`. `:service` is one route per service; `:reference` is a path parameter. */
  path: string;
  /** Only this service has the route. */
  service?: ServiceId;
}

/** The routes the widgets call. */
export const WIDGET_ROUTE_SHAPES = {
  lookup: { method: 'POST', path: '/:service/lookup' },
  charge: { method: 'POST', path: '/:service/charge' },
  pay: { method: 'POST', path: '/:service/pay' },
  /** Back from the gateway: the return's query, verified with the gateway; answers the outcome as `pay` does. */
  resume: { method: 'POST', path: '/payments/:reference/resume' },
  counters: { method: 'GET', path: '/nea/counters', service: 'nea' },
  dreamerServices: { method: 'GET', path: '/dreamer/services', service: 'dreamer' },
  status: { method: 'GET', path: '/payments/:reference' },
  /** The payment methods offered (FUNDING), for the confirm step's chooser. */
  funding: { method: 'GET', path: '/funding' },
} as const satisfies Record<string, RouteShape>;

/** The host's routes (history and receipts) and the aggregator's callbacks. */
export const OTHER_ROUTE_SHAPES = {
  history: { method: 'POST', path: '/payments/history' },
  receipt: { method: 'GET', path: '/payments/:reference/receipt' },
  deliveryReport: { method: 'POST', path: '/callbacks/delivery-report' },
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
