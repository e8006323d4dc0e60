/**
 * The embedded sandbox aggregator, wired in by the server entry (serve.ts) and the command-line tools when
 * no AGGREGATOR_BASE_URL is configured. The proxy itself never imports the sandbox.
 */
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import type { ProxyConfig } from './config.js';
import { createProxy, type ProxyOptions } from './proxy.js';

/** The sandbox standing in for the aggregator of this configuration, or null when a real one is configured. */
export function embeddedAggregator(config: ProxyConfig): { sandbox: Sandbox; baseUrl: string; fetch: typeof fetch } | null {
  if (config.aggregatorBaseUrl) return null;
  const sandbox = createSandbox({ tokens: [config.aggregatorToken], openControl: config.sandboxControl });
  return {
    sandbox,
    baseUrl: 'http://sandbox.internal',
    fetch: (input, init) => Promise.resolve(sandbox.fetch(new Request(input, init))),
  };
}

/**
 * `createProxy`, on the embedded sandbox when the configuration names no aggregator (`sandbox` is then the
 * sandbox, for its routes and its state; null otherwise).
 */
export function createEmbeddedProxy(options: ProxyOptions) {
  const embedded = options.baseUrl ? null : embeddedAggregator(options.config);
  const proxy = createProxy(embedded ? { ...options, baseUrl: embedded.baseUrl, fetch: options.fetch ?? embedded.fetch } : options);
  return Object.assign(proxy, { sandbox: embedded?.sandbox ?? null });
}

export type EmbeddedProxy = ReturnType<typeof createEmbeddedProxy>;
