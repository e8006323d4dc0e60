/**
 * The service registry, browser half: one entry per aggregator service. Every list of services is derived
 * from it (the contract's enums and filters, the proxy's routes, the demo and portal, the size budget, the
 * fuzz targets), and every per-service table elsewhere is a `Record<ServiceId, ...>` (the proxy's providers
 * in server/services.ts, the sandbox's modules in sandbox/services.ts, the translations' titles), so the
 * compiler points at whatever a new service still lacks. Browser-safe: ids, names and tags only.
 */

/** One service as the browser knows it. */
export interface ServiceInfo {
  /** The custom element that pays it; its module is `src/<tag>.ts` (built to `dist/<tag>.js`). */
  tag: `${string}-${string}`;
  /** The service's name for lists (demo, portal); the element's heading is the locale tables' `titles`. */
  name: string;
}

export const SERVICE_REGISTRY = {
  nea: { tag: 'nea-pay', name: 'NEA electricity' },
  dreamer: { tag: 'dreamer-pay', name: 'Dreamer Electricity' },
  dishhome: { tag: 'dishhome-recharge', name: 'Dish Home' },
} as const satisfies Record<string, ServiceInfo>;

export type ServiceId = keyof typeof SERVICE_REGISTRY;
/** The element tag of a service, e.g. `ServiceTag<'nea'>` is `'nea-pay'`. */
export type ServiceTag<S extends ServiceId = ServiceId> = (typeof SERVICE_REGISTRY)[S]['tag'];

/** Every service id, in registry order (a tuple, as `z.enum` wants it). */
export const SERVICES = Object.keys(SERVICE_REGISTRY) as [ServiceId, ...ServiceId[]];
/** Every service's element tag, in registry order. */
export const SERVICE_TAGS: ServiceTag[] = SERVICES.map((s) => SERVICE_REGISTRY[s].tag);
