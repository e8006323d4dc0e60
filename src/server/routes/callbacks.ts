/** The aggregator's calls to the proxy, under `/callbacks/`: they carry no user (host authentication skips them). */
import { Hono } from 'hono';
import { ROUTES } from '../../contract.js';
import { ProxyError, successEnvelope } from '../errors.js';
import { parseBody, validated, paymentsOf, type ProxyEnv, type RouteContext } from './context.js';

export function callbackRoutes(context: RouteContext) {
  const app = new Hono<ProxyEnv>();
  // The delivery report: a hint to ask the status lookup now, never trusted by itself.
  // It documents them as multipart/form-data; urlencoded and JSON are accepted too.
  app.post(ROUTES.deliveryReport.path, async (c) => {
    const form = /^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(c.req.header('content-type') ?? '');
    const body = form
      ? validated(
          ROUTES.deliveryReport.request,
          await c.req.parseBody().catch(() => {
            throw new ProxyError('VALIDATION', 'The request body is not valid form data');
          }),
        )
      : await parseBody(c, ROUTES.deliveryReport.request);
    await paymentsOf(context, c).hint(body.reference);
    return c.json(successEnvelope(null, 'Received'));
  });
  return app;
}
