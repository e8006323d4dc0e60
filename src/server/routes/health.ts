/**
 * Probes for orchestrators and load balancers, mounted before logging, CORS, rate limits and sign-in.
 * They name what failed, never a URL, an address or an error text (those may carry credentials).
 */
import { Hono } from 'hono';
import type { ProxyEnv, RouteContext } from './context.js';

/** `aggregatorReady`: whether the proxy has an aggregator URL and token; `draining`: whether it is shutting down. */
export function healthRoutes({ store, log }: RouteContext, aggregatorReady: boolean, draining: () => boolean) {
  const app = new Hono<ProxyEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const database = await withTimeout(store.check(), READY_TIMEOUT_MS).then(
      () => 'ok',
      (error: unknown) => {
        log('warn', 'readyz.database', { error });
        return 'unavailable';
      },
    );
    const checks = {
      database,
      aggregator: aggregatorReady ? 'ok' : 'not configured',
      ...(draining() ? { shutdown: 'shutting down' } : {}),
    };
    const failed = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k);
    return c.json({ status: failed.length ? 'unavailable' : 'ok', checks, ...(failed.length ? { failed } : {}) }, failed.length ? 503 : 200);
  });
  return app;
}

/** How long /readyz waits for the database before calling it unavailable. */
const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
