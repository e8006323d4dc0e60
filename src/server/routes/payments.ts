/** A payment's status by its reference (with an operator's settlement, when there is one). */
import { Hono } from 'hono';
import { REFERENCE } from '../../api.js';
import { ROUTES } from '../../contract.js';
import { ProxyError, successEnvelope } from '../errors.js';
import { subjectOf, type ProxyEnv, type RouteContext } from './context.js';
import { paymentView } from './views.js';

export function paymentRoutes({ payments }: RouteContext) {
  const app = new Hono<ProxyEnv>();
  app.get(ROUTES.status.path, async (c) => {
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    const payment = await payments.status(reference, subjectOf(c));
    if (!payment) throw new ProxyError('NOT_FOUND', 'No payment with this reference');
    const view = paymentView(payment);
    return c.json(successEnvelope(view), view.state === 'pending' ? 202 : 200);
  });
  return app;
}
