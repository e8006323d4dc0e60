/**
 * The funding modules a configuration offers, by method. Embedded gateway sandboxes (a gateway setting of
 * null in the configuration) are reached through `sandboxes`, which the host process supplies: the base
 * URLs the browser uses and a fetch that reaches them.
 */
import type { FundingConfig } from '../config.js';
import type { Logger } from '../log.js';
import { esewaFunding } from './esewa.js';
import { hostFunding, type HostFundingHooks } from './host.js';
import { khaltiFunding } from './khalti.js';
import { noFunding } from './none.js';
import type { FundingMethod, FundingModule } from './types.js';

export interface FundingDeps {
  timeoutMs: number;
  log: Logger;
  fetch?: typeof fetch;
  /** Required when `host` is offered. */
  hostHooks?: HostFundingHooks;
  /** Where the embedded gateway sandboxes are, when the configuration uses them. */
  sandboxes?: { khaltiBaseUrl: string; esewaBaseUrl: string; fetch: typeof fetch; esewaFormUrl?: () => string };
}

export function createFundings(config: FundingConfig, deps: FundingDeps): Map<FundingMethod, FundingModule> {
  const modules = new Map<FundingMethod, FundingModule>();
  const gatewayDeps = (embedded: boolean) => ({ timeoutMs: deps.timeoutMs, log: deps.log, fetch: embedded ? deps.sandboxes?.fetch : deps.fetch });
  for (const method of config.methods) {
    if (method === 'khalti' && config.khalti) {
      const embedded = config.khalti.baseUrl === null;
      const baseUrl = config.khalti.baseUrl ?? `${sandboxes(deps).khaltiBaseUrl}/api/v2`;
      modules.set(method, khaltiFunding({ ...gatewayDeps(embedded), baseUrl, secretKey: config.khalti.secretKey }));
    } else if (method === 'esewa' && config.esewa) {
      const embedded = config.esewa.formUrl === null;
      const base = embedded ? sandboxes(deps).esewaBaseUrl : '';
      modules.set(
        method,
        esewaFunding({
          ...gatewayDeps(embedded),
          formUrl: config.esewa.formUrl ?? sandboxes(deps).esewaFormUrl ?? `${base}/api/epay/main/v2/form`,
          statusUrl: config.esewa.statusUrl ?? `${base}/api/epay/transaction/status/`,
          productCode: config.esewa.productCode,
          secretKey: config.esewa.secretKey,
        }),
      );
    } else if (method === 'host') {
      if (!deps.hostHooks) throw new Error('FUNDING offers host: pass hostFunding hooks (hold, capture, release) to createProxy');
      modules.set(method, hostFunding(deps.hostHooks, deps.log));
    } else if (method === 'none') {
      modules.set(method, noFunding());
    }
  }
  return modules;
}

function sandboxes(deps: FundingDeps) {
  if (!deps.sandboxes) throw new Error('the configuration uses the embedded gateway sandboxes: pass their URLs and fetch');
  return deps.sandboxes;
}

export type { FundingMethod, FundingModule } from './types.js';
export type { HostFundingHooks } from './host.js';
