/**
 * The standalone Node server: the proxy under /api, the embedded sandbox under /sandbox (when no real
 * aggregator is configured) and, for the demo, static files from a folder.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { createPortalSandbox } from '../sandbox/portal.js';
import { createSandboxWallet, type SandboxWallet } from '../sandbox/wallet.js';
import type { ProxyConfig } from './config.js';
import type { Logger } from './log.js';
import { createEmbeddedProxy, GATEWAY_MOUNTS, type EmbeddedProxy } from './embedded.js';

export interface ServerOptions {
  config: ProxyConfig;
  /** Serve this folder at `/` (the built demo). */
  staticRoot?: string;
  /**
   * Also serve the portal demo: a sandbox of the ElectroSoft portal's sign-in at /portal-sandbox and a
   * second proxy at /portal/api that accepts only its (short-lived) access tokens.
   */
  portal?: { accessTtlSeconds?: number };
  log?: Logger;
  hostname?: string;
}

/** The server's routes as one fetch handler, for hosts that bring their own listener (tests, dev servers). */
export function createServerApp(options: Omit<ServerOptions, 'hostname'>) {
  const proxy = createEmbeddedProxy({ config: options.config, log: options.log });
  const root = new Hono();
  // The gateway sandboxes first: the aggregator sandbox answers everything else under /sandbox.
  if (proxy.gateways.khalti) root.route(GATEWAY_MOUNTS.khalti, proxy.gateways.khalti.app);
  if (proxy.gateways.esewa) root.route(GATEWAY_MOUNTS.esewa, proxy.gateways.esewa.app);
  if (proxy.sandbox) root.route('/sandbox', proxy.sandbox.app);
  root.all('/api/*', (c) => proxy.fetch(c.req.raw, c.env));
  root.get('/healthz', (c) => proxy.fetch(c.req.raw, c.env));
  root.get('/readyz', (c) => proxy.fetch(c.req.raw, c.env));
  root.get('/metrics', (c) => proxy.fetch(c.req.raw, c.env));
  let portalProxy: EmbeddedProxy | null = null;
  let portalSandbox: ReturnType<typeof createPortalSandbox> | null = null;
  let portalWallet: SandboxWallet | null = null;
  if (options.portal) {
    const secret = randomBytes(32).toString('hex');
    portalSandbox = createPortalSandbox({ secret, accessTtlSeconds: options.portal.accessTtlSeconds });
    // The portal sandbox signs with this process's clock: no leeway, so its short-lived tokens expire on time.
    const auth = { secret, clockToleranceSeconds: 0 };
    // The portal's consumers pay from their sandbox balance (host funding), one per signed-in consumer.
    portalWallet = createSandboxWallet();
    portalProxy = createEmbeddedProxy({
      config: { ...options.config, auth, databaseUrl: portalDatabase(options.config.databaseUrl), funding: { methods: ['host'], khalti: null, esewa: null } },
      log: options.log,
      hostFunding: portalWallet.hooks,
    });
    root.route('/portal-sandbox', portalSandbox.app);
    const mounted = portalProxy;
    root.all('/portal/api/*', (c) => {
      const url = new URL(c.req.url);
      url.pathname = url.pathname.slice('/portal'.length);
      return mounted.fetch(new Request(url, c.req.raw), c.env);
    });
  }
  if (options.staticRoot) {
    root.use('/*', serveStatic({ root: options.staticRoot }));
  }
  return { root, proxy, portalProxy, portalSandbox, portalWallet };
}

/** The portal demo keeps its own ledger beside the partner demo's. */
function portalDatabase(databaseUrl: string) {
  return databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:' ? databaseUrl.replace(/(\.sqlite)?$/, '-portal.sqlite') : databaseUrl;
}

export async function startServer(options: ServerOptions) {
  const hostname = options.hostname ?? '127.0.0.1';
  // Without PUBLIC_ORIGIN, the pages this server serves are at its listen URL: filled in once the port is
  // known, in the listen callback, before any request is read (the proxies read the list per request).
  const publicOrigins = [...options.config.publicOrigins];
  const { root, proxy, portalProxy } = createServerApp({ ...options, config: { ...options.config, publicOrigins } });
  let server: ReturnType<typeof serve>;
  try {
    // Connect and migrate before listening: a ledger that cannot be used stops the start, loudly.
    await proxy.store.ready();
    await portalProxy?.store.ready();
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: root.fetch, port: options.config.port, hostname }, (info) => {
        if (!publicOrigins.length) publicOrigins.push(...listenOrigins(hostname, info.port));
        resolve(s);
      });
      s.once('error', reject);
    });
  } catch (error) {
    await Promise.allSettled([proxy.close(), portalProxy?.close()]);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(hostname)}:${port}`,
    port,
    proxy,
    /**
     * Stops accepting connections and requests, lets the requests in flight finish and write their answers,
     * closes the ledgers, then drops the idle connections that are left.
     */
    async close() {
      const http = server as unknown as { closeIdleConnections(): void; closeAllConnections(): void };
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      http.closeIdleConnections();
      await Promise.all([proxy.close(), portalProxy?.close()]);
      // The last answers are being written: give them a moment, then cut keep-alive connections.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      http.closeAllConnections();
      await closed;
    },
  };
}

const urlHost = (hostname: string) => (hostname.includes(':') ? `[${hostname}]` : hostname);

/** The origins a browser uses for a server listening here: a loopback or wildcard address also as localhost. */
function listenOrigins(hostname: string, port: number) {
  const local = ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(hostname);
  return (local ? ['127.0.0.1', 'localhost', '[::1]'] : [urlHost(hostname)]).map((host) => `http://${host}:${port}`);
}
