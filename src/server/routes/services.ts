/** Each service's lookup, charge and pay (the contract's routes), beside the routes only that service has. */
import { Hono } from 'hono';
import type * as z from 'zod/mini';
import { IDEMPOTENCY_KEY, type Charge, type PayRequest } from '../../api.js';
import { LOOKUP_REQUESTS, ROUTES, routePath } from '../../contract.js';
import type { ProxyConfig } from '../config.js';
import { ProxyError, successEnvelope } from '../errors.js';
import type { FundingChoice } from '../payments.js';
import { logOf, parseBody, paymentsOf, refuseIfLimited, subjectOf, type ProxyEnv, type RouteContext } from './context.js';
import { answerPayment, quoteView } from './views.js';

export function serviceRoutes(context: RouteContext) {
  const { config, aggregator, perCustomer, testMode, log } = context;
  const app = new Hono<ProxyEnv>();
  for (const provider of context.payments.providers.values()) {
    const api = new Hono<ProxyEnv>();
    const service = provider.service;
    provider.routes?.(api, (c) => aggregator.withLog(logOf(c, log)));

    api.post(routePath(ROUTES.lookup, { service }), async (c) => {
      const input = (await parseBody(c, LOOKUP_REQUESTS[service] as z.ZodMiniType)) as never;
      // A lookup shows a customer's name: limit them per customer too, whatever the client's address.
      if (perCustomer.active) refuseIfLimited(c, await perCustomer.hit(`lookup:${provider.service}:${JSON.stringify(input)}`), 'lookups of this account');
      const quote = await paymentsOf(context, c).quote(provider, input, subjectOf(c));
      return c.json(successEnvelope(quoteView(quote, testMode), 'Account found'));
    });

    api.post(routePath(ROUTES.charge, { service }), async (c) => {
      const body = await parseBody(c, ROUTES.charge.request);
      const { charge } = await paymentsOf(context, c).price(provider, body, subjectOf(c));
      const answer: Charge = {
        amount_paisa: body.amount_paisa,
        service_charge_paisa: charge,
        total_paisa: body.amount_paisa + charge,
      };
      return c.json(successEnvelope(answer));
    });

    api.post(routePath(ROUTES.pay, { service }), async (c) => {
      const key = c.req.header('idempotency-key');
      if (!key || !IDEMPOTENCY_KEY.test(key)) {
        throw new ProxyError('IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header (8-128 letters, digits, _ : . -)');
      }
      const body = await parseBody(c, ROUTES.pay.request);
      const choice = fundingChoice(config, body);
      const payments = paymentsOf(context, c);
      const { payment, replayed, funding } = await payments.pay(provider, key, body, subjectOf(c), choice).catch((error: unknown) => {
        if (error instanceof ProxyError && error.code === 'IDEMPOTENCY_IN_FLIGHT') c.header('retry-after', '1');
        throw error;
      });
      if (replayed) c.header('idempotent-replayed', 'true');
      return answerPayment(c, payment, funding !== undefined ? funding : await payments.fundingOf(payment.reference));
    });

    app.route('/', api);
  }
  return app;
}

/**
 * How this payment is funded: the method asked for, among those FUNDING offers. While the widget sends no
 * method, none is needed only when the one method offered secures at once (host, none). A gateway sends
 * the customer back to `return_url`, which must be a page of this merchant (never an open redirect).
 */
export function fundingChoice(config: ProxyConfig, body: PayRequest): FundingChoice {
  const offered = config.funding.methods;
  const method = body.funding ?? (offered.length === 1 && (offered[0] === 'host' || offered[0] === 'none') ? offered[0] : undefined);
  if (!method || !offered.includes(method)) {
    throw new ProxyError('VALIDATION', `Invalid request: check funding (one of ${offered.join(', ')})`, { details: { fields: ['funding'], allowed: offered } });
  }
  if (method !== 'khalti' && method !== 'esewa') return { method, returnUrl: null };
  let origin: string | null = null;
  try {
    const url = new URL(body.return_url ?? '');
    if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin;
  } catch {
    // not a URL: refused below
  }
  if (!origin || !(config.allowedOrigins.includes(origin) || config.publicOrigins.includes(origin))) {
    throw new ProxyError('VALIDATION', 'Invalid request: check return_url (a page of this merchant: ALLOWED_ORIGINS or PUBLIC_ORIGIN)', {
      details: { fields: ['return_url'] },
    });
  }
  return { method, returnUrl: body.return_url! };
}
