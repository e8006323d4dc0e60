/** Sandbox Dreamer Electricity (seed 000): details by customer code and service slug; commit of the total payable. */
import type { Hono } from 'hono';
import { paisaToRupees, rupeesToPaisa } from '../money.js';
import { DREAMER_CUSTOMERS, DREAMER_SERVICES, type DreamerBillFixture, type DreamerCustomerFixture } from './fixtures.js';
import { cannotFulfil, detailsRoute, invalid, type SandboxCore } from './sandbox.js';

/** A column's total in rupees, added up in paisa. */
const sum = (bills: DreamerBillFixture[], key: 'bill_amount' | 'penalty' | 'discount' | 'total_amount') =>
  Number(paisaToRupees(bills.reduce((total, b) => total + rupeesToPaisa(b[key])!, 0)));

export function registerDreamer(app: Hono, core: SandboxCore) {
  const dues = (customer: DreamerCustomerFixture) => core.customerState(customer, () => customer.due_bills);
  let receipts = 0;

  detailsRoute<DreamerCustomerFixture>(app, core, 'dreamer', '/api/servicegroup/details/dreamer-electricity/', {
    invalid: ({ customer_code, service_slug }) => {
      if (typeof service_slug !== 'string' || !DREAMER_SERVICES.some((s) => s.slug === service_slug)) {
        return ['Invalid service_slug', 'service_slug must be an enabled Dreamer service'];
      }
      if (typeof customer_code !== 'string' || customer_code === '') return ['Invalid customer_code', 'customer_code is required'];
      return null;
    },
    find: ({ customer_code, service_slug }) =>
      DREAMER_CUSTOMERS.find((f) => f.service_slug === service_slug && f.customer_code === customer_code),
    answer: (session, customer) => {
      const bills = dues(customer);
      return {
        consumer_id: customer.consumer_id,
        consumer_no: customer.customer_code,
        consumer_name: customer.consumer_name,
        address: customer.address,
        total_payable_amount: sum(bills, 'total_amount'),
        total_discount: sum(bills, 'discount'),
        total_penalty: sum(bills, 'penalty'),
        total_bill_amount: sum(bills, 'bill_amount'),
        due_bills: bills,
        session_id: session.id,
        status: true,
      };
    },
  });

  app.post('/api/servicegroup/commit/dreamer-electricity/', async (c) => {
    const checked = await core.checkRequest(c, 'commit', 'dreamer');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const reference = core.useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const session = core.findSession(c, body, token, 'dreamer');
    if (session instanceof Response) return session;
    const customer = session.customer as DreamerCustomerFixture;
    const bills = dues(customer);
    const payable = rupeesToPaisa(sum(bills, 'total_amount'))!;
    const amount = core.readAmount(body.amount);
    if (bills.length === 0) return c.json(cannotFulfil('No due bills'), 400);
    if (amount !== payable) {
      return c.json(invalid('1011', 'Invalid amount', `amount must be the total payable amount ${paisaToRupees(payable)}`), 400);
    }
    return core.commit(c, session, reference, amount, amount, () => ({
      detail: 'Payment Successful',
      extra_data: { receipt_no: ++receipts },
      settle: () => core.state.customers.set(customer, []),
    }));
  });
}
