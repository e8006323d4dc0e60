/**
 * The service registry, proxy half: each service's provider, built from the configuration. Keyed by the
 * registry's ServiceId (src/services.ts), so a service without a provider does not compile.
 */
import type { LookupRequest } from '../contract.js';
import { SERVICES, type ServiceId } from '../services.js';
import type { ProxyConfig } from './config.js';
import { dishhome } from './providers/dishhome.js';
import { dreamer } from './providers/dreamer.js';
import { nea } from './providers/nea.js';
import type { Provider } from './providers/types.js';

export const PROVIDERS = {
  nea: (config) => nea({ v2MaxPaisa: config.neaV2MaxPaisa, v2ServiceSlug: config.neaV2ServiceSlug }),
  dreamer: (config) => dreamer(config.dreamerServices),
  dishhome: () => dishhome,
} satisfies { [S in ServiceId]: (config: ProxyConfig) => Provider<LookupRequest<S>> };

/** One provider per aggregator service the proxy serves, in registry order. */
export function providersFor(config: ProxyConfig): Provider<never>[] {
  return SERVICES.map((service) => PROVIDERS[service](config) as Provider<never>);
}
