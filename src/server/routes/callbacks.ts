/** The aggregator's calls to the proxy, under `/callbacks/`: they carry no user (host authentication skips them). */
import { Hono } from 'hono';
import { deliveryReport } from '../../api.js';
import { successEnvelope } from '../errors.js';
import { parseBody, type ProxyEnv, type RouteContext } from './context.js';

export function callbackRoutes({ payments }: RouteContext) {
  const app = new Hono<ProxyEnv>();
  // The delivery report: a hint to ask the status lookup now, never trusted by itself.
  app.post('/delivery-report', async (c) => {
    const body = await parseBody(c, deliveryReport);
    await payments.hint(body.reference);
    return c.json(successEnvelope(null, 'Received'));
  });
  return app;
}
