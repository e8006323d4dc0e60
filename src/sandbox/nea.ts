/** Sandbox NEA (seed 001): counters, details, service charge, commit. */
import type { Hono } from 'hono';
import { paisaToRupees, rupeesToPaisa } from '../money.js';
import { NEA_COUNTERS, NEA_CUSTOMERS, type NeaBillFixture, type NeaCustomerFixture } from './fixtures.js';
import { cannotFulfil, detailsRoute, invalid, type SandboxCore } from './sandbox.js';

/** NEA service charge of the sandbox: none up to Rs 500, then Rs 5 for every started Rs 1,000. */
export function sandboxServiceChargePaisa(amountPaisa: number): number {
  return amountPaisa > 50_000 ? Math.ceil(amountPaisa / 100_000) * 500 : 0;
}

const payable = (b: NeaBillFixture) => rupeesToPaisa(b.payable_amount)!;

/** Pays bills oldest first; a partial amount lowers the next bill's payable amount. */
function settleBills(bills: NeaBillFixture[], amountPaisa: number): NeaBillFixture[] {
  let left = amountPaisa;
  const remaining: NeaBillFixture[] = [];
  for (const b of bills) {
    if (left >= payable(b)) {
      left -= payable(b);
      continue;
    }
    remaining.push(left > 0 ? { ...b, payable_amount: Number(paisaToRupees(payable(b) - left)) } : b);
    left = 0;
  }
  return remaining;
}

export function registerNea(app: Hono, core: SandboxCore) {
  const dues = (customer: NeaCustomerFixture) => core.customerState(customer, () => customer.due_bills);

  app.post('/api/servicegroup/counters/nea/', async (c) => {
    const checked = await core.checkRequest(c, 'counters', 'nea');
    if ('error' in checked) return checked.error;
    return core.withFault(c, core.takeFault(c, 'counters'), () => c.json({ status: true, counters: NEA_COUNTERS }));
  });

  detailsRoute<NeaCustomerFixture>(app, core, 'nea', '/api/servicegroup/details/nea/', {
    invalid: ({ sc_no, office_code, consumer_id }) => {
      if (typeof sc_no !== 'string' || !/^[A-Za-z0-9]+\.[A-Za-z0-9]+\.[A-Za-z0-9]+$/.test(sc_no)) {
        return ['Invalid sc_no', 'sc_no must be 3 alphanumeric strings separated by dot'];
      }
      if (typeof office_code !== 'string' || !NEA_COUNTERS.some((counter) => counter.value === office_code)) {
        return ['Invalid office_code', 'office_code must be a value from counters'];
      }
      if (typeof consumer_id !== 'string' && typeof consumer_id !== 'number') return ['Invalid consumer_id', 'consumer_id is required'];
      return null;
    },
    find: ({ sc_no, office_code, consumer_id }) =>
      NEA_CUSTOMERS.find((f) => f.office_code === office_code && f.sc_no === sc_no && f.consumer_id === String(consumer_id)),
    answer: (session, customer) => {
      const bills = dues(customer);
      return {
        session_id: session.id,
        consumer_name: customer.consumer_name,
        due_bills: bills,
        total_due_amount: Number(paisaToRupees(bills.reduce((sum, b) => sum + payable(b), 0))),
        status: true,
      };
    },
  });

  app.post('/api/servicegroup/servicecharge/nea/', async (c) => {
    const checked = await core.checkRequest(c, 'servicecharge', 'nea');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const session = core.findSession(c, body, token, 'nea');
    if (session instanceof Response) return session;
    const amount = core.readAmount(body.amount);
    if (!amount) return c.json(invalid('1011', 'Invalid amount', 'amount must be a positive number'), 400);
    return core.withFault(c, core.takeFault(c, 'servicecharge', session.customer as NeaCustomerFixture), () =>
      c.json({
        service_charge: Number(paisaToRupees(sandboxServiceChargePaisa(amount))),
        amount: Number(paisaToRupees(amount)),
        status: true,
      }),
    );
  });

  app.post('/api/servicegroup/commit/nea/', async (c) => {
    const checked = await core.checkRequest(c, 'commit', 'nea');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const reference = core.useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const session = core.findSession(c, body, token, 'nea');
    if (session instanceof Response) return session;
    const customer = session.customer as NeaCustomerFixture;
    const amount = core.readAmount(body.amount);
    const bills = dues(customer);
    const total = bills.reduce((sum, b) => sum + payable(b), 0);
    if (!amount) return c.json(invalid('1011', 'Invalid amount', 'amount must be a positive number'), 400);
    if (bills.length === 0) return c.json(cannotFulfil('No due bills'), 400);
    if (amount < payable(bills[0]!) || amount > total) {
      return c.json(
        invalid('1011', 'Invalid amount', `amount must be between ${paisaToRupees(payable(bills[0]!))} and ${paisaToRupees(total)}`),
        400,
      );
    }
    return core.commit(c, session, reference, amount, amount + sandboxServiceChargePaisa(amount), () => ({
      detail: 'Amount Paid Successfully',
      settle: () => core.state.customers.set(customer, settleBills(bills, amount)),
    }));
  });
}
