/**
 * The merchant proxy: a fetch-standard handler (Request -> Response) built from a validated configuration.
 * It holds the aggregator token, validates every input, keeps quotes and the payment ledger, and is the
 * only thing that talks to the aggregator.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as zm from 'zod/mini';
import {
  IDEMPOTENCY_KEY,
  chargeRequest,
  payRequest,
  type Charge,
  type Payment,
  type Quote,
} from '../api.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { Aggregator } from './aggregator.js';
import type { ProxyConfig } from './config.js';
import { ProxyError, errorEnvelope, successEnvelope } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { dishhome } from './providers/dishhome.js';
import { dreamer } from './providers/dreamer.js';
import { nea } from './providers/nea.js';
import type { Provider } from './providers/types.js';
import { classifyCommit, classifyStatus } from './providers/upstream.js';
import { checkPayment } from './quotes.js';
import { openSqliteStore } from './store/sqlite.js';
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
}

const REFERENCE = /^[A-Za-z0-9]{1,50}$/;
/** A new upstream reference: 32 alphanumeric characters (the aggregator allows up to 50). */
export const newReference = () => randomUUID().replaceAll('-', '');

function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl.slice('sqlite:'.length));
  throw new Error('PostgreSQL storage is not available in this version; use a sqlite: DATABASE_URL');
}

export function createProxy(options: ProxyOptions) {
  const { config } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger([config.aggregatorToken]);
  const store = options.store ?? openStore(config.databaseUrl);
  let sandbox: Sandbox | null = null;
  let upstreamFetch = options.fetch;
  let baseUrl = config.aggregatorBaseUrl;
  if (!baseUrl) {
    sandbox = createSandbox({ tokens: [config.aggregatorToken] });
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

  const app = new Hono();

  app.onError((error, c) => {
    const known =
      error instanceof ProxyError ? error : new ProxyError('INTERNAL', 'Something went wrong; nothing was charged');
    if (!(error instanceof ProxyError)) log('error', 'request.failed', { path: c.req.path, error });
    return c.json(errorEnvelope(known), known.status as 500);
  });
  app.notFound((c) => c.json(errorEnvelope(new ProxyError('NOT_FOUND', 'No such route')), 404));

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

  // CORS: an exact allow-list of merchant origins; same-origin pages need no entry.
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && (config.allowedOrigins.includes(origin) || origin === new URL(c.req.url).origin);
    try {
      if (origin !== undefined && !allowed) {
        throw new ProxyError('FORBIDDEN_ORIGIN', 'This origin may not use the payment proxy');
      }
      if (c.req.method === 'OPTIONS') {
        c.res = new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': 'content-type, idempotency-key',
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
        c.res.headers.set('access-control-expose-headers', 'idempotent-replayed, retry-after');
      }
    }
  });

  const windows = new Map<string, { start: number; count: number }>();
  app.use('*', async (c, next) => {
    if (config.rateLimitPerMinute > 0) {
      const ip = options.clientIp?.(c) ?? remoteAddress(c) ?? 'unknown';
      const t = now();
      let w = windows.get(ip);
      if (!w || t - w.start >= 60_000) {
        if (windows.size > 10_000) windows.clear();
        w = { start: t, count: 0 };
        windows.set(ip, w);
      }
      if (++w.count > config.rateLimitPerMinute) {
        c.header('retry-after', String(Math.ceil((w.start + 60_000 - t) / 1000)));
        throw new ProxyError('RATE_LIMITED', 'Too many requests; try again in a minute');
      }
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

  async function loadQuote(id: string, service: string): Promise<StoredQuote> {
    const quote = await store.getQuote(id);
    if (!quote || quote.service !== service) throw new ProxyError('QUOTE_NOT_FOUND', 'Unknown quote; look the account up again');
    if (quote.expiresAt <= now()) throw new ProxyError('QUOTE_EXPIRED', 'The lookup has expired; look the account up again');
    return quote;
  }

  async function serviceCharge(provider: Provider<never>, quote: StoredQuote, amountPaisa: number) {
    if (!provider.serviceCharge) return 0;
    const known = quote.charges[String(amountPaisa)];
    if (known !== undefined) return known;
    const charge = await provider.serviceCharge(aggregator, quote.sessionId, amountPaisa);
    await store.saveCharge(quote.id, amountPaisa, charge);
    return charge;
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
    error_code: p.errorCode,
    reason: p.reason,
    created_at: new Date(p.createdAt).toISOString(),
    updated_at: new Date(p.updatedAt).toISOString(),
  });

  function answerPayment(c: Context, p: PaymentRow) {
    const view = paymentView(p);
    if (view.state === 'failed') {
      throw new ProxyError('PAYMENT_REJECTED', 'The payment was not accepted; nothing was charged', {
        reason: p.reason,
        response: view,
      });
    }
    return c.json(
      successEnvelope(view, view.state === 'success' ? 'Payment successful' : 'Payment is being verified'),
      view.state === 'success' ? 200 : 202,
    );
  }

  /**
   * Asks the aggregator's status lookup about a payment that is not final. Always safe: it sends no commit
   * and changes the ledger only on a final answer. "No such reference" is final only when the commit's
   * own answer (HTTP 400) showed the request was processed and refused.
   */
  async function checkStatus(p: PaymentRow, notFoundIsFinal: boolean): Promise<PaymentRow> {
    const status = classifyStatus(await aggregator.status(p.reference));
    const t = now();
    let updated: PaymentRow | null;
    if (status.kind === 'settled') {
      updated = await store.updatePayment(
        p.reference,
        ['pending', 'unknown'],
        {
          state: status.state,
          upstreamId: p.upstreamId ?? status.upstreamId,
          upstreamState: status.upstreamState,
          reason: p.reason ?? status.reason,
          checkedAt: t,
        },
        t,
      );
    } else if (status.kind === 'invalidReference' && notFoundIsFinal) {
      updated = await store.updatePayment(p.reference, ['pending', 'unknown'], { state: 'failed', checkedAt: t }, t);
    } else {
      updated = await store.updatePayment(p.reference, ['pending', 'unknown'], { checkedAt: t }, t);
    }
    if (updated && updated.state !== p.state) {
      log('info', 'payment.settled', { reference: p.reference, from: p.state, to: updated.state, by: 'status-lookup' });
    }
    return updated ?? (await store.paymentByReference(p.reference)) ?? p;
  }

  const requestHash = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

  function replay(c: Context, existing: PaymentRow, hash: string) {
    if (existing.requestHash !== hash) {
      throw new ProxyError('IDEMPOTENCY_MISMATCH', 'This idempotency key was used for a different payment');
    }
    if (existing.state === 'pending') {
      c.header('retry-after', '1');
      throw new ProxyError('IDEMPOTENCY_IN_FLIGHT', 'This payment is still being processed', {
        details: { reference: existing.reference },
      });
    }
    c.header('idempotent-replayed', 'true');
    return answerPayment(c, existing);
  }

  const providers = providersFor(config);
  const byService = new Map(providers.map((p) => [p.service as string, p]));
  for (const provider of providers) {
    const api = new Hono();
    provider.routes?.(api, aggregator);

    api.post('/lookup', async (c) => {
      const input = await parseBody(c, provider.lookupRequest);
      const draft = await provider.lookup(aggregator, input, newReference());
      const t = now();
      const quote: StoredQuote = {
        id: randomUUID(),
        service: provider.service,
        ...draft,
        charges: {},
        createdAt: t,
        expiresAt: t + config.quoteTtlMs,
      };
      await store.saveQuote(quote);
      return c.json(successEnvelope(quoteResponse(quote), 'Account found'));
    });

    api.post('/charge', async (c) => {
      const body = await parseBody(c, chargeRequest);
      const quote = await loadQuote(body.quote_id, provider.service);
      checkPayment(quote, body.amount_paisa, body.package_id);
      const charge = await serviceCharge(provider, quote, body.amount_paisa);
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
      const hash = requestHash([provider.service, body.quote_id, body.amount_paisa, body.package_id ?? null]);
      const previous = await store.paymentByKey(key);
      if (previous) return replay(c, previous, hash);

      const quote = await loadQuote(body.quote_id, provider.service);
      checkPayment(quote, body.amount_paisa, body.package_id);
      const charge = await serviceCharge(provider, quote, body.amount_paisa);
      const t = now();
      const row: PaymentRow = {
        reference: newReference(),
        idempotencyKey: key,
        requestHash: hash,
        quoteId: quote.id,
        service: provider.service,
        sessionId: quote.sessionId,
        customerName: quote.customerName,
        amountPaisa: body.amount_paisa,
        serviceChargePaisa: charge,
        packageId: body.package_id ?? null,
        state: 'pending',
        upstreamId: null,
        upstreamState: null,
        errorCode: null,
        reason: null,
        receipt: [],
        createdAt: t,
        updatedAt: t,
        checkedAt: null,
      };
      // The reference is fixed in the ledger before the commit leaves, so a lost answer can be looked up.
      const inserted = await store.insertPayment(row);
      if (!inserted.inserted) {
        if (inserted.conflict === 'key') return replay(c, inserted.existing, hash);
        throw new ProxyError('QUOTE_ALREADY_PAID', 'A payment for this lookup is already under way or done', {
          details: { reference: inserted.existing.reference },
        });
      }
      log('info', 'payment.reserved', { reference: row.reference, service: row.service, amount_paisa: row.amountPaisa });

      const outcome = classifyCommit(
        await provider.commit(aggregator, {
          sessionId: quote.sessionId,
          amountPaisa: row.amountPaisa,
          reference: row.reference,
          packageId: row.packageId,
        }),
        provider.statusLookup,
      );
      let settled =
        (await store.updatePayment(
          row.reference,
          ['pending'],
          {
            state: outcome.state,
            upstreamId: outcome.upstreamId,
            upstreamState: outcome.upstreamState,
            errorCode: outcome.errorCode,
            reason: outcome.reason,
            receipt: outcome.state === 'success' && outcome.answer && provider.receipt ? provider.receipt(outcome.answer) : [],
          },
          now(),
        )) ?? (await store.paymentByReference(row.reference))!;
      log('info', 'payment.committed', { reference: row.reference, state: outcome.state, upstream_state: outcome.upstreamState });
      if (outcome.lookupNow) settled = await checkStatus(settled, true);
      return answerPayment(c, settled);
    });

    app.route(`/api/${provider.service}`, api);
  }

  app.get('/api/payments/:reference', async (c) => {
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    let payment = await store.paymentByReference(reference);
    if (!payment) throw new ProxyError('NOT_FOUND', 'No payment with this reference');
    const due = payment.checkedAt === null || now() - payment.checkedAt >= config.statusRecheckMs;
    const settled = payment.state === 'success' || payment.state === 'failed';
    if (!settled && due && byService.get(payment.service)?.statusLookup) {
      // A pending row younger than the commit timeout may still be in flight; the lookup is harmless then too.
      payment = await checkStatus(payment, false);
    }
    const view = paymentView(payment);
    return c.json(successEnvelope(view), view.state === 'pending' ? 202 : 200);
  });

  return {
    fetch: app.fetch,
    app,
    store,
    sandbox,
    async close() {
      await store.close();
    },
  };
}

function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export type Proxy = ReturnType<typeof createProxy>;
