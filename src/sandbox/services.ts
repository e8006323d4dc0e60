/**
 * The service registry, sandbox half: how each service's fake registers its routes, and the test
 * customers it lists (`GET /_sandbox/customers`, for the demo). Keyed by the registry's ServiceId, so a
 * service without a sandbox module does not compile.
 */
import type { Hono } from 'hono';
import type { ServiceId } from '../services.js';
import { registerDishhome } from './dishhome.js';
import { registerDreamer } from './dreamer.js';
import {
  DISHHOME_CUSTOMERS,
  DREAMER_CUSTOMERS,
  DREAMER_SERVICES,
  NEA_CUSTOMERS,
  NEA_V2_CUSTOMERS,
  NEA_V2_MIGRATED_COUNTERS,
} from './fixtures.js';
import { registerNea, registerNeaV2 } from './nea.js';
import type { SandboxCore } from './sandbox.js';

export interface SandboxModule {
  register(app: Hono, core: SandboxCore): void;
  /** Test customers by list name (the service id, or a variant such as `nea_v2`): what the demo shows. */
  customers(): Record<string, object[]>;
}

export const SANDBOX_MODULES = {
  nea: {
    register(app, core) {
      registerNea(app, core);
      registerNeaV2(app, core);
    },
    customers: () => ({
      nea: NEA_CUSTOMERS.map((f) => ({
        case: f.case,
        office_code: f.office_code,
        sc_no: f.sc_no,
        consumer_id: f.consumer_id,
        consumer_name: f.consumer_name,
      })),
      nea_v2: NEA_V2_CUSTOMERS.map((f) => ({
        case: f.case,
        consumer_no: f.consumer_no,
        office_code: NEA_V2_MIGRATED_COUNTERS.find((counter) => counter.name.toLowerCase() === f.org_name)!.value,
        sc_no: f.sc_no,
        consumer_id: f.old_consumer_id,
        consumer_name: f.consumer_name,
      })),
    }),
  },
  dreamer: {
    register: registerDreamer,
    customers: () => ({
      dreamer: DREAMER_CUSTOMERS.map((f) => ({
        case: f.case,
        service_slug: f.service_slug,
        service_name: DREAMER_SERVICES.find((s) => s.slug === f.service_slug)?.name ?? f.service_slug,
        customer_code: f.customer_code,
        consumer_name: f.consumer_name,
      })),
    }),
  },
  dishhome: {
    register: registerDishhome,
    customers: () => ({ dishhome: DISHHOME_CUSTOMERS.map((f) => ({ case: f.case, customer_id: f.customer_id, package: f.package })) }),
  },
} satisfies Record<ServiceId, SandboxModule>;
