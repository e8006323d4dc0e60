/**
 * Sandbox NEA: the seed's v1 (counters, details, service charge, commit) and the second generation of
 * migrated offices (counters, user-info, details and commit `nea-v2`, the generic service-charge API),
 * with the aggregator's documented shapes: v2 amounts and `days` are strings.
 */
import type { Hono } from 'hono';
import { paisaToRupees, rupeesToPaisa } from '../money.js';
import {
  NEA_COUNTERS,
  NEA_CUSTOMERS,
  NEA_V2_COUNTERS,
  NEA_V2_CUSTOMERS,
  NEA_V2_MIGRATED_COUNTERS,
  v2Rupees,
  type NeaBillFixture,
  type NeaCustomerFixture,
  type NeaV2BillFixture,
  type NeaV2CustomerFixture,
} from './fixtures.js';
import { cannotFulfil, detailsRoute, errorBody, invalid, type Body, type SandboxCore } from './sandbox.js';

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

/* ---------- v2 ---------- */

/** The service slugs the generic service-charge API knows in the sandbox. */
export const SANDBOX_CHARGE_SLUGS = ['nea-v2'];

interface NeaV2State {
  bills: NeaV2BillFixture[];
  paidUpto: NeaV2BillFixture;
  advancePaisa: number;
}

const payableV2 = (b: NeaV2BillFixture) => rupeesToPaisa(b.payableAmount)!;

/** The bills an amount reaches, fully or partly, oldest first: what `bill_id` must list. */
function reachedIds(bills: NeaV2BillFixture[], amountPaisa: number): string {
  const ids: string[] = [];
  let before = 0;
  for (const b of bills) {
    if (before >= amountPaisa) break;
    ids.push(b.rcvblID);
    before += payableV2(b);
  }
  return ids.join(',');
}

/** Pays v2 bills oldest first; a partial amount lowers the bill's payable amount, an excess is an advance. */
function settleV2(current: NeaV2State, amountPaisa: number): NeaV2State {
  let left = amountPaisa;
  let paidUpto = current.paidUpto;
  const bills: NeaV2BillFixture[] = [];
  for (const b of current.bills) {
    const due = payableV2(b);
    if (left >= due) {
      left -= due;
      paidUpto = { ...b, rcvedAmount: v2Rupees(rupeesToPaisa(b.rcvedAmount)! + due), payableAmount: '0.00' };
      continue;
    }
    bills.push(left > 0 ? { ...b, payableAmount: v2Rupees(due - left), rcvedAmount: v2Rupees(rupeesToPaisa(b.rcvedAmount)! + left) } : b);
    left = 0;
  }
  return { bills, paidUpto, advancePaisa: current.advancePaisa + left };
}

const str = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

export function registerNeaV2(app: Hono, core: SandboxCore) {
  const stateOf = (customer: NeaV2CustomerFixture) =>
    core.customerState<NeaV2State>(customer, () => ({ bills: customer.due_bills, paidUpto: customer.paid_upto_bill, advancePaisa: 0 }));

  app.post('/api/servicegroup/counters/nea-v2/', async (c) => {
    const checked = await core.checkRequest(c, 'counters', 'nea-v2');
    if ('error' in checked) return checked.error;
    return core.withFault(c, core.takeFault(c, 'counters'), () => c.json({ counters: NEA_V2_COUNTERS, status: true }));
  });

  app.post('/api/servicegroup/user-info/nea-v2/', async (c) => {
    const checked = await core.checkRequest(c, 'userinfo', 'nea-v2');
    if ('error' in checked) return checked.error;
    const { body } = checked;
    const sc = str(body.sc_no);
    const old = str(body.old_consumer_id);
    const org = str(body.org_name)?.toLowerCase();
    if (!sc || !/^[A-Za-z0-9]+\.[A-Za-z0-9]+\.[A-Za-z0-9]+$/.test(sc)) {
      return c.json(invalid('1011', 'Invalid sc_no', 'sc_no must be 3 alphanumeric strings separated by dot'), 400);
    }
    if (!old) return c.json(invalid('1011', 'Invalid old_consumer_id', 'old_consumer_id is required'), 400);
    if (!org || !NEA_V2_MIGRATED_COUNTERS.some((counter) => counter.name.toLowerCase() === org)) {
      return c.json(invalid('1011', 'Invalid org_name', 'org_name must be the name of a counter migrated to v2'), 400);
    }
    const reference = core.useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const customer = NEA_V2_CUSTOMERS.find((f) => f.org_name === org && f.sc_no === sc && f.old_consumer_id === old);
    if (!customer) return c.json(cannotFulfil('Consumer not found'), 400);
    return core.withFault(c, core.takeFault(c, 'userinfo', customer), () => c.json({ consumer_no: customer.consumer_no, status: true }));
  });

  detailsRoute<NeaV2CustomerFixture>(app, core, 'nea-v2', '/api/servicegroup/details/nea-v2/', {
    invalid: ({ request_no, confirm_type, confirm_id_type }) => {
      if (!/^\d{1,20}$/.test(str(request_no) ?? '')) return ['Invalid request_no', 'request_no must be the new consumer number'];
      if (confirm_type !== 'E') return ['Invalid confirm_type', 'confirm_type must be "E"'];
      if (confirm_id_type !== 'CN') return ['Invalid confirm_id_type', 'confirm_id_type must be "CN"'];
      return null;
    },
    find: ({ request_no }) => NEA_V2_CUSTOMERS.find((f) => f.consumer_no === str(request_no)),
    answer: (session, customer) => {
      const { bills, paidUpto } = stateOf(customer);
      return {
        session_id: session.id,
        consumer_name: customer.consumer_name,
        total_due_amount: v2Rupees(bills.reduce((sum, b) => sum + payableV2(b), 0)),
        due_bills: bills,
        paid_upto_bill: bills.length ? [] : paidUpto,
        status: true,
      };
    },
  });

  // Documented as a GET with a JSON body; query parameters are read too (and first).
  app.get('/api/account/service-charges/', async (c) => {
    const body: Body = (await core.readBody(c)) ?? {};
    const token = c.req.query('token') ?? str(body.token);
    const slug = c.req.query('service_slug') ?? str(body.service_slug);
    const amountText = c.req.query('amount') ?? body.amount;
    core.logCall({ step: 'servicecharge', service: 'nea-v2', body: { service_slug: slug, amount: amountText }, at: core.now() });
    if (!token || !core.tokens.has(token)) return c.json(errorBody('1001', 'Invalid token', 'invalid_token', 'Invalid token'), 401);
    if (!slug || !SANDBOX_CHARGE_SLUGS.includes(slug)) {
      return c.json(errorBody('1008', 'Service not enabled', 'service_not_enabled', 'service_slug is not a service of this account'), 400);
    }
    const amount = core.readAmount(amountText);
    if (!amount) return c.json(invalid('1011', 'Invalid amount', 'amount must be a positive number'), 400);
    return core.withFault(c, core.takeFault(c, 'servicecharge'), () =>
      c.json({
        status: true,
        details: { amount: Number(paisaToRupees(amount)), service_charge: Number(paisaToRupees(sandboxServiceChargePaisa(amount))) },
      }),
    );
  });

  app.post('/api/servicegroup/commit/nea-v2/', async (c) => {
    const checked = await core.checkRequest(c, 'commit', 'nea-v2');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const reference = core.useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const session = core.findSession(c, body, token, 'nea-v2');
    if (session instanceof Response) return session;
    const customer = session.customer as NeaV2CustomerFixture;
    const amount = core.readAmount(body.amount);
    if (!amount) return c.json(invalid('1011', 'Invalid amount', 'amount must be a positive amount'), 400);
    const current = stateOf(customer);
    const billId = body.bill_id;
    if (current.bills.length === 0) {
      // Nothing due: the amount is an advance payment, and bill_id is left out.
      if (billId !== undefined) return c.json(invalid('1011', 'Invalid bill_id', 'bill_id must be left out when no bills are due'), 400);
    } else {
      const oldest = payableV2(current.bills[0]!);
      if (amount < oldest) {
        return c.json(invalid('1011', 'Invalid amount', `amount must not be less than the oldest bill (${v2Rupees(oldest)})`), 400);
      }
      const expected = reachedIds(current.bills, amount);
      if (billId !== expected) {
        return c.json(invalid('1011', 'Invalid bill_id', `bill_id must list the bills the amount pays, oldest first: ${expected}`), 400);
      }
    }
    return core.commit(c, session, reference, amount, amount + sandboxServiceChargePaisa(amount), () => ({
      detail: 'SUCCESS',
      settle: () => core.state.customers.set(customer, settleV2(current, amount)),
    }));
  });
}
