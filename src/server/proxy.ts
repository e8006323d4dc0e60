/**
 * The merchant proxy: a fetch-standard handler (Request -> Response) built from a validated configuration.
 * It holds the aggregator token, validates every input, keeps quotes and the payment ledger, and is the
 * only thing that talks to the aggregator.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as zm from 'zod/mini';
import {
  IDEMPOTENCY_KEY,
  REFERENCE,
  chargeRequest,
  deliveryReport,
  historyRequest,
  isReasonCode,
  payRequest,
  type HistoryRecord,
  type Receipt,
  type Charge,
  type Payment,
  type Quote,
} from '../api.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { Aggregator } from './aggregator.js';
import { jwtVerifier, type Authorize } from './auth.js';
import { clientAddressResolver } from './client-ip.js';
import type { ProxyConfig } from './config.js';
import { ProxyError, errorEnvelope, reasonFields, successEnvelope } from './errors.js';
import { createLogger, logContext, type Logger } from './log.js';
import { dishhome } from './providers/dishhome.js';
import { dreamer } from './providers/dreamer.js';
import { nea } from './providers/nea.js';
import type { Provider } from './providers/types.js';
import { SERVICE_UNAVAILABLE_MESSAGE, isAccountCode, type LedgerState } from './providers/upstream.js';
import { Payments } from './payments.js';
import { RateLimiter } from './rate-limit.js';
import { openStore } from './store/open.js';
import type { PaymentRow, Store, StoredQuote } from './store/store.js';

/** One provider per aggregator service the proxy serves. */
export function providersFor(config: ProxyConfig): Provider<never>[] {
  return [nea, dreamer(config.dreamerServices), dishhome] as Provider<never>[];
}

export interface ProxyOptions {
  config: ProxyConfig;
  /** Defaults to the store named by `config.databaseUrl`. */
  store?: Store;
  log?: Logger;
  /** How the proxy reaches the aggregator; defaults to global fetch (or the embedded sandbox). */
  fetch?: typeof fetch;
  now?: () => number;
  /** The client's address for rate limits, when the host knows it better than the socket. */
  clientIp?: (c: Context) => string | undefined;
  /**
   * Host authentication: names the user of each request or refuses it. Defaults to a JWT verifier when
   * AUTH_JWT_SECRET or AUTH_JWKS_URL is configured, else none (anyone may look up and pay).
   */
  authorize?: Authorize;
}

/** What the proxy's middleware hands to its routes. */
export type ProxyEnv = { Variables: { subject?: string } };

export function createProxy(options: ProxyOptions) {
  const { config } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger([config.aggregatorToken], undefined, config.logLevel);
  const store = options.store ?? openStore(config.databaseUrl);
  let sandbox: Sandbox | null = null;
  let upstreamFetch = options.fetch;
  let baseUrl = config.aggregatorBaseUrl;
  if (!baseUrl) {
    sandbox = createSandbox({ tokens: [config.aggregatorToken], openControl: config.sandboxControl });
    baseUrl = 'http://sandbox.internal';
    const embedded = sandbox;
    upstreamFetch ??= (input, init) => Promise.resolve(embedded.fetch(new Request(input, init)));
  }
  const aggregator = new Aggregator({
    baseUrl,
    token: config.aggregatorToken,
    timeoutMs: config.upstreamTimeoutMs,
    log,
    fetch: upstreamFetch,
  });
  const testMode = config.aggregatorToken.startsWith('TEST:');

  const app = new Hono<ProxyEnv>();

  app.onError((error, c) => {
    const known =
      error instanceof ProxyError ? error : new ProxyError('INTERNAL', 'Something went wrong; nothing was charged');
    if (!(error instanceof ProxyError)) log('error', 'request.failed', { path: c.req.path, error });
    return c.json(errorEnvelope(known), known.status as 500);
  });
  app.notFound((c) => c.json(errorEnvelope(new ProxyError('NOT_FOUND', 'No such route')), 404));

  // Probes for orchestrators and load balancers, answered before logging, CORS, rate limits and sign-in.
  // They name what failed, never a URL, an address or an error text (those may carry credentials).
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
      aggregator: baseUrl && config.aggregatorToken ? 'ok' : 'not configured',
      ...(draining ? { shutdown: 'shutting down' } : {}),
    };
    const failed = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k);
    return c.json({ status: failed.length ? 'unavailable' : 'ok', checks, ...(failed.length ? { failed } : {}) }, failed.length ? 503 : 200);
  });

  // A request id, taken from the client or the load balancer when well-formed, is echoed in the answer and
  // carried by every log line of the request (createLogger reads logContext), however deep it is logged.
  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    await logContext.run({ request_id: requestId }, next);
    c.res.headers.set('x-request-id', requestId);
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const headers = c.res.headers;
    headers.set('cache-control', 'no-store');
    headers.set('x-content-type-options', 'nosniff');
    headers.set('referrer-policy', 'no-referrer');
    headers.set('cross-origin-resource-policy', 'same-site');
    log('info', 'request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });

  // Shutdown drain: once close() is called, new requests are refused; the ones in flight (a commit among
  // them) run to their end and record their answers before the ledger closes.
  let draining = false;
  let inFlight = 0;
  const drained = new Set<() => void>();
  app.use('*', async (c, next) => {
    if (draining) {
      c.header('retry-after', '1');
      c.header('connection', 'close');
      throw new ProxyError('SHUTTING_DOWN', 'The payment proxy is restarting; try again in a moment');
    }
    inFlight++;
    try {
      await next();
    } finally {
      if (--inFlight === 0) drained.forEach((resolve) => resolve());
    }
  });

  // CORS: an exact allow-list of merchant origins plus the proxy's own (PUBLIC_ORIGIN), never the Host header.
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && (config.allowedOrigins.includes(origin) || config.publicOrigins.includes(origin));
    try {
      if (origin !== undefined && !allowed) {
        throw new ProxyError('FORBIDDEN_ORIGIN', 'This origin may not use the payment proxy');
      }
      if (c.req.method === 'OPTIONS') {
        c.res = new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': 'authorization, content-type, idempotency-key',
            'access-control-max-age': '600',
          },
        });
        return;
      }
      await next();
    } finally {
      c.res.headers.append('vary', 'Origin');
      if (origin && allowed) {
        c.res.headers.set('access-control-allow-origin', origin);
        c.res.headers.set('access-control-expose-headers', 'idempotent-replayed, retry-after, x-request-id');
      }
    }
  });

  const perIp = new RateLimiter(store, config.rateLimitPerMinute, now);
  const perCustomer = new RateLimiter(store, config.lookupsPerCustomerPerMinute, now);
  const limit = (c: Context, wait: number, what: string) => {
    if (!wait) return;
    c.header('retry-after', String(wait));
    throw new ProxyError('RATE_LIMITED', `Too many ${what}; try again in a minute`);
  };
  const clientAddress = clientAddressResolver(config.trustProxy, config.trustProxyHeader);
  app.use('*', async (c, next) => {
    const ip = options.clientIp?.(c) ?? clientAddress(remoteAddress(c), c.req.raw.headers) ?? 'unknown';
    limit(c, await perIp.hit(`ip:${ip}`), 'requests');
    await next();
  });

  // Host authentication, after CORS and rate limits; the aggregator's own callback carries no user.
  const authorize = options.authorize ?? (config.auth ? jwtVerifier({ ...config.auth, now }) : undefined);
  // The user travels in the request context: body middleware may rebuild c.req.raw (chunked bodies).
  const subjectOf = (c: Context<ProxyEnv>) => c.get('subject') ?? null;
  app.use('*', async (c, next) => {
    if (authorize && !c.req.path.startsWith('/api/callbacks/')) {
      const result = await authorize(c.req.raw);
      if ('refused' in result) {
        throw new ProxyError('AUTH_REQUIRED', 'Sign in to continue', { details: { reason: result.refused } });
      }
      c.set('subject', result.subject);
    }
    await next();
  });

  app.use(
    '*',
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new ProxyError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${config.bodyLimitBytes} bytes`);
      },
    }),
  );

  async function parseBody<T>(c: Context, schema: zm.ZodMiniType<T>): Promise<T> {
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      throw new ProxyError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await c.req.text());
    } catch (error) {
      if (error instanceof ProxyError) throw error;
      throw new ProxyError('VALIDATION', 'The request body is not valid JSON');
    }
    const parsed = zm.safeParse(schema, raw);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(',') : '(body)')))];
      throw new ProxyError('VALIDATION', `Invalid request: check ${fields.join(', ')}`, { details: { fields } });
    }
    return parsed.data;
  }

  const quoteResponse = (q: StoredQuote): Quote => ({
    quote_id: q.id,
    service: q.service,
    expires_at: new Date(q.expiresAt).toISOString(),
    test_mode: testMode,
    customer_name: q.customerName,
    facts: q.facts,
    bills: q.bills,
    packages: q.packages,
    total_due_paisa: q.totalDuePaisa,
    min_paisa: q.minPaisa,
    max_paisa: q.maxPaisa,
  });

  const paymentView = (p: PaymentRow): Payment => ({
    reference: p.reference,
    service: p.service,
    state: p.state === 'unknown' ? 'pending' : p.state,
    amount_paisa: p.amountPaisa,
    service_charge_paisa: p.serviceChargePaisa,
    total_paisa: p.amountPaisa + p.serviceChargePaisa,
    transaction_id: p.upstreamId,
    customer_name: p.customerName,
    receipt: p.receipt,
    // The merchant's account problems (wrong token, credits, maintenance) are not the customer's business.
    error_code: isAccountCode(p.errorCode) ? 'SERVICE_UNAVAILABLE' : p.errorCode,
    ...reasonFields(p.reason),
    created_at: new Date(p.createdAt).toISOString(),
    updated_at: new Date(p.updatedAt).toISOString(),
    ...settlement(p),
  });

  function answerPayment(c: Context, p: PaymentRow) {
    const view = paymentView(p);
    if (view.state === 'failed' && isAccountCode(p.errorCode)) {
      throw new ProxyError('SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE, { response: view });
    }
    if (view.state === 'failed') {
      throw new ProxyError('PAYMENT_REJECTED', 'The payment was not accepted; nothing was charged', {
        reason: isReasonCode(p.reason) ? p.reason : null,
        response: view,
      });
    }
    return c.json(
      successEnvelope(view, view.state === 'success' ? 'Payment successful' : 'Payment is being verified'),
      view.state === 'success' ? 200 : 202,
    );
  }

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
  });

  for (const provider of payments.providers.values()) {
    const api = new Hono<ProxyEnv>();
    provider.routes?.(api, aggregator);

    api.post('/lookup', async (c) => {
      const input = await parseBody(c, provider.lookupRequest);
      // A lookup shows a customer's name: limit them per customer too, whatever the client's address.
      limit(c, await perCustomer.hit(`lookup:${provider.service}:${JSON.stringify(input)}`), 'lookups of this account');
      const quote = await payments.quote(provider, input, subjectOf(c));
      return c.json(successEnvelope(quoteResponse(quote), 'Account found'));
    });

    api.post('/charge', async (c) => {
      const body = await parseBody(c, chargeRequest);
      const { charge } = await payments.price(provider, body, subjectOf(c));
      const answer: Charge = {
        amount_paisa: body.amount_paisa,
        service_charge_paisa: charge,
        total_paisa: body.amount_paisa + charge,
      };
      return c.json(successEnvelope(answer));
    });

    api.post('/pay', async (c) => {
      const key = c.req.header('idempotency-key');
      if (!key || !IDEMPOTENCY_KEY.test(key)) {
        throw new ProxyError('IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header (8-128 letters, digits, _ : . -)');
      }
      const body = await parseBody(c, payRequest);
      const { payment, replayed } = await payments.pay(provider, key, body, subjectOf(c)).catch((error: unknown) => {
        if (error instanceof ProxyError && error.code === 'IDEMPOTENCY_IN_FLIGHT') c.header('retry-after', '1');
        throw error;
      });
      if (replayed) c.header('idempotent-replayed', 'true');
      return answerPayment(c, payment);
    });

    app.route(`/api/${provider.service}`, api);
  }

  app.get('/api/payments/:reference', async (c) => {
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    const payment = await payments.status(reference, subjectOf(c));
    if (!payment) throw new ProxyError('NOT_FOUND', 'No payment with this reference');
    const view = paymentView(payment);
    return c.json(successEnvelope(view), view.state === 'pending' ? 202 : 200);
  });

  /** History and receipts belong to a signed-in user: they need host authentication. */
  const signedIn = (c: Context) => {
    const subject = subjectOf(c);
    if (subject === null) throw new ProxyError('AUTH_REQUIRED', 'Payment history needs host authentication (AUTH_JWT_SECRET or AUTH_JWKS_URL)');
    return subject;
  };

  // The signed-in user's payments, as the portal's paginated lists (API no. 40).
  app.post('/api/payments/history', async (c) => {
    const subject = signedIn(c);
    const body = await parseBody(c, historyRequest);
    const states = body.filter_parameters?.status?.flatMap((state) => (state === 'pending' ? ['pending', 'unknown'] : [state])) as
      | LedgerState[]
      | undefined;
    const { rows, total } = await store.listPayments({
      subject,
      states,
      services: body.filter_parameters?.service,
      search: body.search_query?.trim() || undefined,
      limit: body.page_size,
      offset: (body.page_no - 1) * body.page_size,
    });
    const records: HistoryRecord[] = rows.map((p) => {
      const view = paymentView(p);
      return {
        reference: view.reference,
        service: view.service,
        customer_name: view.customer_name,
        status: view.state,
        bill_paid: view.state === 'success',
        payment_date: view.created_at,
        payment_mode: 'online',
        bill_amount_paisa: view.amount_paisa,
        service_charge_paisa: view.service_charge_paisa,
        total_paisa: view.total_paisa,
        transaction_id: view.transaction_id,
        ...settlement(p),
      };
    });
    return c.json(successEnvelope({ records, total }, 'Data fetched successfully.'));
  });

  // One payment's receipt (API no. 42): only a successful payment has one.
  app.get('/api/payments/:reference/receipt', async (c) => {
    const subject = signedIn(c);
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    const payment = await payments.status(reference, subject);
    if (!payment || payment.state !== 'success') throw new ProxyError('NOT_FOUND', 'No receipt: no successful payment with this reference');
    const view = paymentView(payment);
    const receipt: Receipt = {
      bill_id: view.reference,
      payment_date: view.created_at,
      payment_mode: 'online',
      bill_amount_paisa: view.amount_paisa,
      service_charge_paisa: view.service_charge_paisa,
      total_paisa: view.total_paisa,
      service: view.service,
      customer_name: view.customer_name,
      transaction_id: view.transaction_id,
      details: view.receipt,
    };
    return c.json(successEnvelope(receipt, 'Data fetched successfully.'));
  });

  // The aggregator's delivery report: a hint to ask the status lookup now, never trusted by itself.
  app.post('/api/callbacks/delivery-report', async (c) => {
    const body = await parseBody(c, deliveryReport);
    await payments.hint(body.reference);
    return c.json(successEnvelope(null, 'Received'));
  });

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
    sandbox,
    payments,
    /** How many requests are being answered now. */
    get inFlight() {
      return inFlight;
    },
    /**
     * Stops taking requests, waits for those in flight (at most the upstream timeout and a margin: a commit
     * cannot take longer), stops the reconciler and closes the ledger. Safe to call more than once.
     */
    close() {
      closing ??= (async () => {
        draining = true;
        if (inFlight > 0) {
          let timeout: ReturnType<typeof setTimeout> | undefined;
          await new Promise<void>((resolve) => {
            drained.add(resolve);
            timeout = setTimeout(resolve, config.upstreamTimeoutMs + DRAIN_MARGIN_MS);
          });
          clearTimeout(timeout);
          if (inFlight > 0) log('warn', 'shutdown.abandoned', { in_flight: inFlight });
        }
        clearInterval(timer);
        await reconciling;
        await store.close();
      })();
      return closing;
    },
  };
}

/** An operator's settlement (`bill-pay-settle`), shown with the payment; nothing when the aggregator settled it. */
function settlement(p: PaymentRow): Pick<Payment, 'settled_by' | 'settled_at' | 'note'> {
  if (p.settledBy === null) return {};
  return { settled_by: p.settledBy, ...(p.settledAt === null ? {} : { settled_at: new Date(p.settledAt).toISOString() }), ...(p.note === null ? {} : { note: p.note }) };
}

/** What a request may take beyond the upstream timeout (the ledger writes around the commit). */
const DRAIN_MARGIN_MS = 5000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** How long /readyz waits for the database before calling it unavailable. */
const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The socket's peer, from the bindings @hono/node-server (and `nodeHandler`) pass as `env`. */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export type Proxy = ReturnType<typeof createProxy>;
