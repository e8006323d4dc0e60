/**
 * The embedded sandbox aggregator, wired in by the server entry (serve.ts) and the command-line tools when
 * no AGGREGATOR_BASE_URL is configured. The proxy itself never imports the sandbox.
 */
import { createEsewaSandbox, type EsewaSandbox } from '../sandbox/esewa.js';
import { createKhaltiSandbox, type KhaltiSandbox } from '../sandbox/khalti.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { createSandboxWallet, type SandboxWallet } from '../sandbox/wallet.js';
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

/** Where the server mounts the embedded gateway sandboxes (serve.ts), under the browser's origin. */
export const GATEWAY_MOUNTS = { khalti: '/sandbox/khalti', esewa: '/sandbox/esewa' } as const;
const INTERNAL = 'http://gateways.internal';

/**
 * The Khalti and eSewa sandboxes standing in for the gateways this configuration leaves unset (test tokens
 * only: config.ts refuses them with a live one). The proxy reaches them in-process; the browser at
 * GATEWAY_MOUNTS under the first PUBLIC_ORIGIN (or ALLOWED_ORIGINS), read when a payment starts.
 */
export function embeddedGateways(config: ProxyConfig) {
  const khaltiUsed = config.funding.methods.includes('khalti') && config.funding.khalti?.baseUrl === null;
  const esewaUsed = config.funding.methods.includes('esewa') && config.funding.esewa?.formUrl === null;
  if (!khaltiUsed && !esewaUsed) return null;
  const publicBase = () => config.publicOrigins[0] ?? config.allowedOrigins[0] ?? '';
  const khalti = khaltiUsed
    ? createKhaltiSandbox({ keys: [config.funding.khalti!.secretKey], openControl: config.sandboxControl, publicUrl: () => `${publicBase()}${GATEWAY_MOUNTS.khalti}` })
    : null;
  const esewa = esewaUsed
    ? createEsewaSandbox({ merchants: { [config.funding.esewa!.productCode]: config.funding.esewa!.secretKey }, openControl: config.sandboxControl })
    : null;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    for (const [name, gateway] of [['khalti', khalti], ['esewa', esewa]] as const) {
      const mount = GATEWAY_MOUNTS[name];
      if (gateway && url.pathname.startsWith(`${mount}/`)) {
        url.pathname = url.pathname.slice(mount.length);
        return gateway.fetch(new Request(url, request));
      }
    }
    return new Response('not found', { status: 404 });
  };
  return {
    khalti,
    esewa,
    sandboxes: {
      khaltiBaseUrl: `${INTERNAL}${GATEWAY_MOUNTS.khalti}`,
      esewaBaseUrl: `${INTERNAL}${GATEWAY_MOUNTS.esewa}`,
      esewaFormUrl: () => `${publicBase()}${GATEWAY_MOUNTS.esewa}/api/epay/main/v2/form`,
      fetch,
    },
  };
}

/**
 * `createProxy`, on the embedded sandbox when the configuration names no aggregator (`sandbox` is then the
 * sandbox, for its routes and its state; null otherwise), on the embedded gateway sandboxes when the
 * configuration leaves a gateway unset (`gateways`), and, with a test token, FUNDING=host and no hooks
 * given, on a sandbox balance per customer (`wallet`).
 */
export function createEmbeddedProxy(options: ProxyOptions) {
  const embedded = options.baseUrl ? null : embeddedAggregator(options.config);
  const gateways = options.gatewaySandboxes ? null : embeddedGateways(options.config);
  // Like the gateway sandboxes: only with a test token (the embedded aggregator's is one).
  const testToken = options.config.aggregatorToken.startsWith('TEST:');
  const wallet: SandboxWallet | null =
    !options.hostFunding && testToken && options.config.funding.methods.includes('host') ? createSandboxWallet() : null;
  const proxy = createProxy({
    ...options,
    ...(embedded ? { baseUrl: embedded.baseUrl, fetch: options.fetch ?? embedded.fetch } : {}),
    ...(gateways ? { gatewaySandboxes: gateways.sandboxes } : {}),
    ...(wallet ? { hostFunding: wallet.hooks } : {}),
  });
  return Object.assign(proxy, {
    sandbox: embedded?.sandbox ?? null,
    gateways: { khalti: (gateways?.khalti ?? null) as KhaltiSandbox | null, esewa: (gateways?.esewa ?? null) as EsewaSandbox | null },
    wallet,
  });
}

export type EmbeddedProxy = ReturnType<typeof createEmbeddedProxy>;
