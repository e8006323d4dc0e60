/** Each service's lookup, charge and pay (the contract's routes), beside the routes only that service has. */
import { Hono, type Context } from 'hono';
import type * as z from 'zod/mini';
import { IDEMPOTENCY_KEY, isReasonCode, type Charge } from '../../api.js';
import { LOOKUP_REQUESTS, ROUTES, routePath } from '../../contract.js';
import { ProxyError, successEnvelope } from '../errors.js';
import { SERVICE_UNAVAILABLE_MESSAGE, isAccountCode } from '../providers/upstream.js';
import type { PaymentRow } from '../store/store.js';
import { parseBody, refuseIfLimited, subjectOf, type ProxyEnv, type RouteContext } from './context.js';
import { paymentView, quoteView } from './views.js';

export function serviceRoutes({ payments, aggregator, perCustomer, testMode }: RouteContext) {
  const app = new Hono<ProxyEnv>();
  for (const provider of payments.providers.values()) {
    const api = new Hono<ProxyEnv>();
    const service = provider.service;
    provider.routes?.(api, aggregator);

    api.post(routePath(ROUTES.lookup, { service }), async (c) => {
      const input = (await parseBody(c, LOOKUP_REQUESTS[service] as z.ZodMiniType)) as never;
      // A lookup shows a customer's name: limit them per customer too, whatever the client's address.
      refuseIfLimited(c, await perCustomer.hit(`lookup:${provider.service}:${JSON.stringify(input)}`), 'lookups of this account');
      const quote = await payments.quote(provider, input, subjectOf(c));
      return c.json(successEnvelope(quoteView(quote, testMode), 'Account found'));
    });

    api.post(routePath(ROUTES.charge, { service }), async (c) => {
      const body = await parseBody(c, ROUTES.charge.request);
      const { charge } = await payments.price(provider, body, subjectOf(c));
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
      const { payment, replayed } = await payments.pay(provider, key, body, subjectOf(c)).catch((error: unknown) => {
        if (error instanceof ProxyError && error.code === 'IDEMPOTENCY_IN_FLIGHT') c.header('retry-after', '1');
        throw error;
      });
      if (replayed) c.header('idempotent-replayed', 'true');
      return answerPayment(c, payment);
    });

    app.route('/', api);
  }
  return app;
}

/** A pay's answer: 200 paid, 202 being verified, or the refusal with the payment in it. */
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
