/** A payment's status by its reference (with an operator's settlement, when there is one). */
import { Hono } from 'hono';
import { REFERENCE } from '../../api.js';
import { ROUTES } from '../../contract.js';
import { ProxyError, successEnvelope } from '../errors.js';
import { parseBody, subjectOf, paymentsOf, type ProxyEnv, type RouteContext } from './context.js';
import { answerPayment, paymentView } from './views.js';

export function paymentRoutes(context: RouteContext) {
  const { config } = context;
  const app = new Hono<ProxyEnv>();
  // The methods the confirm step offers: FUNDING, in its order.
  app.get(ROUTES.funding.path, (c) => c.json(successEnvelope({ methods: config.funding.methods })));
  app.get(ROUTES.status.path, async (c) => {
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    const payments = paymentsOf(context, c);
    const payment = await payments.status(reference, subjectOf(c));
    if (!payment) throw new ProxyError('NOT_FOUND', 'No payment with this reference');
    const view = paymentView(payment, await payments.fundingOf(reference));
    return c.json(successEnvelope(view), view.state === 'pending' ? 202 : 200);
  });
  // The customer is back from the gateway: verify with the gateway, commit once, answer the outcome.
  app.post(ROUTES.resume.path, async (c) => {
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    const { params } = await parseBody(c, ROUTES.resume.request);
    const resumed = await paymentsOf(context, c).resume(reference, subjectOf(c), params);
    if (!resumed) throw new ProxyError('NOT_FOUND', 'No funded payment with this reference');
    return answerPayment(c, resumed.payment, resumed.funding);
  });
  return app;
}
