/**
 * Compile-only checks of the service registry (`npm run typecheck` runs them; nothing here executes).
 * Every per-service table is keyed by exactly the registry's ids, every registry tag is its service's
 * element, and a lookup's body is its service's schema.
 */
import type { ServiceId, ServiceTag } from '../src/services.js';
import type { LOOKUP_REQUESTS } from '../src/contract.js';
import type { ProxyClient } from '../src/internal/client.js';
import type { Messages } from '../src/internal/i18n.js';
import type { SANDBOX_MODULES } from '../src/sandbox/services.js';
import type { PROVIDERS } from '../src/server/services.js';
import type {} from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Tables = [
  Expect<Equal<keyof typeof PROVIDERS, ServiceId>>,
  Expect<Equal<keyof typeof SANDBOX_MODULES, ServiceId>>,
  Expect<Equal<keyof typeof LOOKUP_REQUESTS, ServiceId>>,
  Expect<Equal<keyof Messages['titles'], ServiceId>>,
];

/** Each registry tag is defined by src/index.ts, and its element pays that service. */
type ElementPays = { [S in ServiceId]: HTMLElementTagNameMap[ServiceTag<S>] extends { readonly service: S } ? true : false };
export type Elements = Expect<ElementPays[ServiceId]>;

declare const client: ProxyClient;
export const lookups = () => [
  client.lookup('nea', { office_code: '201:ratnapark-dc', sc_no: '024.12.512', consumer_id: '3042' }),
  client.lookup('nea', { office_code: '201:ratnapark-dc', consumer_no: '1001613602' }),
  client.lookup('dreamer', { service_slug: 'khamari-khola-electricity', customer_code: '01-1' }),
  client.lookup('dishhome', { customer_id: '1111' }),
  // @ts-expect-error: another service's body
  client.lookup('nea', { customer_id: '1111' }),
  // @ts-expect-error: a field the schema does not have (a renamed field breaks its callers)
  client.lookup('dishhome', { customer_no: '1111' }),
];
