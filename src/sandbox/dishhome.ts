/**
 * Sandbox Dish Home (seed 004): details by customer id with the package list; commit of a package by
 * its `idx`. The commit carries no reference and no amount (as documented), so the status lookup cannot
 * find a Dish Home payment by the merchant's reference.
 */
import type { Hono } from 'hono';
import { paisaToRupees, rupeesToPaisa } from '../money.js';
import { DISHHOME_CUSTOMERS, DISHHOME_PACKAGES, type DishhomeCustomerFixture } from './fixtures.js';
import { detailsRoute, invalid, type SandboxCore } from './sandbox.js';

interface Subscription {
  expiry_date: string;
  customer_status: string;
  balance: number;
}

/** The expiry after a recharge: duration packages add months, top-ups add a month's worth of days. */
function extend(expiry: string, months: number, now: number): string {
  const start = Math.max(Date.parse(`${expiry}Z`), now);
  const date = new Date(start);
  if (months > 0) date.setUTCMonth(date.getUTCMonth() + months);
  else date.setUTCDate(date.getUTCDate() + 30);
  return date.toISOString().slice(0, 19);
}

export function registerDishhome(app: Hono, core: SandboxCore) {
  const subscription = (customer: DishhomeCustomerFixture) =>
    core.customerState<Subscription>(customer, () => ({
      expiry_date: customer.expiry_date,
      customer_status: customer.customer_status,
      balance: -1591.5836,
    }));

  detailsRoute<DishhomeCustomerFixture>(app, core, 'dishhome', '/api/servicegroup/details/dishhome-updated/', {
    invalid: ({ customer_id: id }) =>
      (typeof id !== 'string' && typeof id !== 'number') || !/^\d+$/.test(String(id))
        ? ['Invalid customer_id', 'customer_id must be digits']
        : null,
    find: ({ customer_id }) => DISHHOME_CUSTOMERS.find((f) => f.customer_id === String(customer_id)),
    answer: (session, customer) => {
      const sub = subscription(customer);
      return {
        response_code: 200,
        package: customer.package,
        quantity: 1,
        expiry_date: sub.expiry_date,
        zone: customer.zone,
        district: customer.district,
        customer_type: customer.customer_type,
        customer_status: sub.customer_status,
        customer_id: Number(customer.customer_id),
        customer_class: customer.customer_class,
        isp_customer_id: '',
        yearly_price: customer.yearly_price,
        packages: DISHHOME_PACKAGES,
        session_id: session.id,
        status: true,
      };
    },
  });

  app.post('/api/servicegroup/commit/dishhome-updated/', async (c) => {
    const checked = await core.checkRequest(c, 'commit', 'dishhome');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const session = core.findSession(c, body, token, 'dishhome');
    if (session instanceof Response) return session;
    const customer = session.customer as DishhomeCustomerFixture;
    const pkg = DISHHOME_PACKAGES.find((p) => String(p.idx) === String(body.package_id));
    if (!pkg) return c.json(invalid('1011', 'Invalid package_id', 'package_id must be the idx of one of the packages'), 400);
    const price = rupeesToPaisa(pkg.price)!;
    const reference = `dishhome${core.state.nextTransaction}`;
    return core.commit(c, session, reference, price, price, () => {
      const sub = subscription(customer);
      const renewed: Subscription = {
        expiry_date: extend(sub.expiry_date, pkg.duration_type, core.now()),
        customer_status: 'Active',
        balance: sub.balance,
      };
      return {
        detail: {
          response_code: 200,
          response_description: 'Successfully Recharged',
          updated_balance: renewed.balance,
          expiry_date: renewed.expiry_date,
          customer_status: renewed.customer_status,
          transaction_id: 140251146 + core.state.nextTransaction,
          recharged_amount: Number(paisaToRupees(price)),
          is_bonus_added: pkg.bonus > 0,
        },
        settle: () => core.state.customers.set(customer, renewed),
      };
    });
  });
}
