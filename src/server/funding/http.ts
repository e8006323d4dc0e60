/**
 * Calls to a checkout gateway, with the aggregator client's rules (aggregator.ts): a timeout that also
 * covers fetch implementations ignoring the abort signal, redirects never followed (they would re-send the
 * secret key to a host nobody configured), every ending returned as a value, and the secret keys removed
 * from answers before anything reads them.
 */
import { fetchExchange, guardedExchange, secretScrubber, type UpstreamResult } from '../aggregator.js';
import type { Logger } from '../log.js';

export interface GatewayClientOptions {
  /** For log lines: `khalti`, `esewa`. */
  gateway: string;
  timeoutMs: number;
  log: Logger;
  fetch?: typeof fetch;
  /** Removed from every answer (and never logged: the logger is given them as secrets too). */
  secrets: string[];
}

export function gatewayClient(options: GatewayClientOptions) {
  const exchange = fetchExchange(options.fetch ?? fetch);
  const scrub = secretScrubber(options.secrets);
  return async function call(url: string, init: RequestInit): Promise<UpstreamResult> {
    const { result } = await guardedExchange((deadline) => exchange(url, init, deadline), {
      timeoutMs: options.timeoutMs,
      log: options.log,
      prefix: 'funding',
      fields: { gateway: options.gateway, path: new URL(url).pathname },
      scrub,
    });
    return result;
  };
}

export type GatewayCall = ReturnType<typeof gatewayClient>;
