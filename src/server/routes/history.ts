/** The signed-in user's payments (API no. 40) and one payment's receipt (API no. 42). */
import { Hono } from 'hono';
import { REFERENCE, type HistoryRecord, type Receipt } from '../../api.js';
import { ROUTES } from '../../contract.js';
import { ProxyError, successEnvelope } from '../errors.js';
import type { LedgerState } from '../providers/upstream.js';
import { parseBody, signedIn, paymentsOf, type ProxyEnv, type RouteContext } from './context.js';
import { paymentView, settlement } from './views.js';

export function historyRoutes(context: RouteContext) {
  const { store } = context;
  const app = new Hono<ProxyEnv>();

  // The portal's paginated lists.
  app.post(ROUTES.history.path, async (c) => {
    const subject = signedIn(c);
    const body = await parseBody(c, ROUTES.history.request);
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

  // Only a successful payment has a receipt.
  app.get(ROUTES.receipt.path, async (c) => {
    const subject = signedIn(c);
    const reference = c.req.param('reference');
    if (!REFERENCE.test(reference)) throw new ProxyError('VALIDATION', 'Invalid reference');
    const payment = await paymentsOf(context, c).status(reference, subject);
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

  return app;
}
