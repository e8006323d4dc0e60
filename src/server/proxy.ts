/**
 * The merchant proxy: a fetch-standard handler (Request -> Response) built from a validated configuration.
 * It holds the aggregator token, validates every input, keeps quotes and the payment ledger, and is the
 * only thing that talks to the aggregator. The routes live in routes/, one module per concern; this
 * factory wires them to the ledger, the aggregator and the middleware.
 */
import { Hono, type Context } from 'hono';
import { Aggregator } from './aggregator.js';
import { jwtVerifier, type Authorize } from './auth.js';
import { ConfigError, secretsOf, type ProxyConfig } from './config.js';
import { createFundings, type FundingDeps, type HostFundingHooks } from './funding/index.js';
import { ProxyError, errorEnvelope } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { authenticate, drainGate, requestChecks, requestFrame } from './middleware.js';
import { OPENAPI_PATH, openapiCaching, openapiRoutes } from './openapi.js';
import { Payments } from './payments.js';
import { RateLimiter } from './rate-limit.js';
import { callbackRoutes } from './routes/callbacks.js';
import { logOf, type ProxyEnv, type RouteContext } from './routes/context.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/history.js';
import { paymentRoutes } from './routes/payments.js';
import { serviceRoutes } from './routes/services.js';
import { providersFor } from './services.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export type { ProxyEnv } from './routes/context.js';

export interface ProxyOptions {
  config: ProxyConfig;
  /** Defaults to the store named by `config.databaseUrl`. */
  store?: Store;
  log?: Logger;
  /** The aggregator's base URL; defaults to `config.aggregatorBaseUrl`. One of the two is required. */
  baseUrl?: string;
  /** How the proxy reaches the aggregator; defaults to global fetch. */
  fetch?: typeof fetch;
  now?: () => number;
  /** The client's address for rate limits, when the host knows it better than the socket. */
  clientIp?: (c: Context) => string | undefined;
  /**
   * Host authentication: names the user of each request or refuses it. Defaults to a JWT verifier when
   * AUTH_JWT_SECRET or AUTH_JWKS_URL is configured, else none (anyone may look up and pay).
   */
  authorize?: Authorize;
  /** Host funding's hooks (hold, capture, release): required when FUNDING offers `host`. */
  hostFunding?: HostFundingHooks;
  /** The embedded gateway sandboxes, when the configuration uses them (createEmbeddedProxy passes them). */
  gatewaySandboxes?: FundingDeps['sandboxes'];
}

export function createProxy(options: ProxyOptions) {
  const { config } = options;
  const baseUrl = options.baseUrl ?? config.aggregatorBaseUrl;
  if (!baseUrl) {
    throw new ConfigError(
      'no aggregator: set AGGREGATOR_BASE_URL and AGGREGATOR_TOKEN, or pass baseUrl (and fetch) to createProxy; createEmbeddedProxy (bill-pay-widgets/sandbox) runs on the embedded sandbox',
    );
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger(secretsOf(config), undefined, config.logLevel);
  // Made once here, so that a configuration they refuse is refused at start; each request's Payments make
  // their own, logging to the request's logger (Payments.withLog).
  const fundings = (log: Logger) =>
    createFundings(config.funding, { timeoutMs: config.upstreamTimeoutMs, log, hostHooks: options.hostFunding, sandboxes: options.gatewaySandboxes });
  try {
    fundings(log);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const store = options.store ?? openStore(config.databaseUrl);
  const metrics = config.metrics ? createMetrics(store, now) : null;
  const aggregator = new Aggregator({
    baseUrl,
    token: config.aggregatorToken,
    timeoutMs: config.upstreamTimeoutMs,
    log,
    fetch: options.fetch,
    observe: metrics?.upstream,
  });
  const payments = new Payments({
    store,
    quoteTtlMs: config.quoteTtlMs,
    aggregator,
    providers: providersFor(config),
    log,
    now,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    reconcileDelayMs: config.reconcileDelayMs,
    reconcileMaxAttempts: config.reconcileMaxAttempts,
    statusRecheckMs: config.statusRecheckMs,
    fundings,
  });
  const context: RouteContext = {
    config,
    store,
    payments,
    aggregator,
    log,
    perCustomer: new RateLimiter(store, config.lookupsPerCustomerPerMinute, now),
    testMode: config.aggregatorToken.startsWith('TEST:'),
  };
  const drain = drainGate();
  const authorize = options.authorize ?? (config.auth ? jwtVerifier({ ...config.auth, now }) : undefined);

  const app = new Hono<ProxyEnv>();
  app.onError((error, c) => {
    const known =
      error instanceof ProxyError ? error : new ProxyError('INTERNAL', 'Something went wrong; nothing was charged');
    if (!(error instanceof ProxyError)) logOf(c, log)('error', 'request.failed', { path: c.req.path, error });
    return c.json(errorEnvelope(known), known.status as 500);
  });
  app.notFound((c) => c.json(errorEnvelope(new ProxyError('NOT_FOUND', 'No such route')), 404));

  // Mounted first, the probes are answered before the middleware below (Hono runs handlers in order).
  app.route('/', healthRoutes(context, Boolean(config.aggregatorToken), () => drain.draining));
  if (metrics) app.get('/metrics', metrics.handler);
  if (metrics) app.use(metrics.requests);
  app.use(`/api${OPENAPI_PATH}`, openapiCaching);
  // Few layers, each doing all it can (middleware.ts): a layer costs every request an async dispatch.
  app.use(requestFrame(log, drain));
  app.use(requestChecks(config, drain, new RateLimiter(store, config.rateLimitPerMinute, now), options.clientIp));
  app.route('/api', openapiRoutes()); // public: before host authentication
  app.use(authenticate(authorize, config.bodyLimitBytes));

  app.route('/api', serviceRoutes(context));
  app.route('/api', historyRoutes(context));
  app.route('/api', paymentRoutes(context));
  app.route('/api', callbackRoutes(context));

  let reconciling: Promise<unknown> | null = null;
  const reconcile = () => {
    reconciling ??= payments
      .reconcile()
      .catch((error: unknown) => log('error', 'reconcile.failed', { error }))
      .finally(() => (reconciling = null));
    return reconciling;
  };
  const timer = config.reconcileIntervalMs > 0 ? setInterval(reconcile, config.reconcileIntervalMs) : undefined;
  timer?.unref();
  let closing: Promise<void> | undefined;

  return {
    fetch: app.fetch,
    app,
    store,
    payments,
    /** How many requests are being answered now. */
    get inFlight() {
      return drain.inFlight;
    },
    /**
     * Stops taking requests, waits for those in flight (at most the upstream timeout and a margin: a commit
     * cannot take longer), stops the reconciler and closes the ledger. Safe to call more than once.
     */
    close() {
      closing ??= (async () => {
        await drain.close(config.upstreamTimeoutMs + DRAIN_MARGIN_MS);
        if (drain.inFlight > 0) log('warn', 'shutdown.abandoned', { in_flight: drain.inFlight });
        clearInterval(timer);
        await reconciling;
        await store.close();
      })();
      return closing;
    },
  };
}

/** What a request may take beyond the upstream timeout (the ledger writes around the commit). */
const DRAIN_MARGIN_MS = 5000;

export type Proxy = ReturnType<typeof createProxy>;
