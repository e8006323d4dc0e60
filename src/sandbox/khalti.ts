/**
 * The embedded Khalti sandbox: Web Checkout (KPG-2) as docs.khalti.com documents it. Initiate answers a
 * `pidx` and a `payment_url`; the payment page lets the tester pick a test wallet and pay, cancel, leave
 * the payment pending or pay another amount; the browser is then sent to `return_url` with Khalti's query
 * parameters; lookup is the truth; the merchant refund API refunds a completed payment. Faults (lookup or
 * refund answering 500 or hanging, refunds refused) are armed through `POST /_sandbox/faults`.
 */
import { Hono, type Context } from 'hono';
import { formatNpr, paisaToRupees, rupeesToPaisa } from '../money.js';
import {
  createFaults,
  DEFAULT_GATEWAY_LIMITS,
  escapeHtml,
  gatewayId,
  gatewayPage,
  keepBounded,
  mountBase,
  nepalTime,
  readAnyBody,
  withGatewayFault,
  withQuery,
  type GatewayLimits,
  type GatewaySandboxOptions,
} from './gateways.js';
import { controlGuard } from './sandbox.js';
import { DEFAULT_KHALTI_SANDBOX_KEY } from './token.js';

export { DEFAULT_KHALTI_SANDBOX_KEY };

/** Khalti's documented sandbox test accounts. */
export const KHALTI_TEST_WALLETS = ['9800000000', '9800000001', '9800000002', '9800000003', '9800000004', '9800000005'];
export const KHALTI_TEST_MPIN = '1111';
/** Khalti's least amount: Rs 10. */
export const KHALTI_MIN_PAISA = 1000;

export type KhaltiStatus = 'Initiated' | 'Pending' | 'Completed' | 'Refunded' | 'Partially Refunded' | 'Expired' | 'User canceled';

export interface KhaltiPayment {
  pidx: string;
  key: string;
  amount: number;
  purchaseOrderId: string;
  purchaseOrderName: string;
  returnUrl: string;
  websiteUrl: string;
  status: KhaltiStatus;
  /** What the customer paid, in paisa (the initiated amount unless the tester paid another). */
  totalAmount: number;
  transactionId: string | null;
  mobile: string | null;
  refundedPaisa: number;
  createdAt: number;
  expiresAt: number;
}

export interface KhaltiSandboxOptions extends GatewaySandboxOptions {
  /** Secret keys the sandbox accepts (`Authorization: Key <key>`). Default: `test_secret_key_khalti_sandbox`. */
  keys?: string[];
  /** How long an initiated payment can be paid. Default 30 minutes (Khalti's `expires_in: 1800`). */
  ttlMs?: number;
  /**
   * The origin and path where browsers reach this sandbox, for `payment_url` (a function when it is known
   * only once the server listens). Default: the initiate request's.
   */
  publicUrl?: string | (() => string);
}

const STEPS = ['initiate', 'lookup', 'refund'] as const;
const INITIATE_PATH = '/api/v2/epayment/initiate/';

const unauthorized = (c: Context) => c.json({ detail: 'Invalid token.', status_code: 401 }, 401);
const validation = (c: Context, errors: Record<string, string[]>) => c.json({ ...errors, error_key: 'validation_error' }, 400);

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function createKhaltiSandbox(options: KhaltiSandboxOptions = {}) {
  const now = options.now ?? Date.now;
  const keys = new Set(options.keys ?? [DEFAULT_KHALTI_SANDBOX_KEY]);
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const hangMs = options.hangMs ?? 120_000;
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits };
  const faults = createFaults(STEPS);
  const state = {
    payments: new Map<string, KhaltiPayment>(),
    /** transaction_id -> pidx, for the refund API. */
    transactions: new Map<string, string>(),
    counter: 0,
  };

  function reset() {
    state.payments.clear();
    state.transactions.clear();
    faults.clear();
  }

  function key(c: Context): string | null {
    const header = c.req.header('authorization') ?? '';
    const match = /^Key\s+(\S+)$/.exec(header);
    return match && keys.has(match[1]!) ? match[1]! : null;
  }

  /** The payment as it stands now: an initiated payment past its expiry has expired. */
  function current(pidx: string | undefined): KhaltiPayment | undefined {
    const payment = pidx ? state.payments.get(pidx) : undefined;
    if (payment?.status === 'Initiated' && payment.expiresAt <= now()) payment.status = 'Expired';
    return payment;
  }

  function lookupBody(p: KhaltiPayment) {
    return {
      pidx: p.pidx,
      total_amount: p.totalAmount,
      status: p.status,
      transaction_id: p.transactionId,
      fee: 0,
      refunded: p.refundedPaisa > 0,
    };
  }

  function complete(p: KhaltiPayment) {
    p.status = 'Completed';
    p.transactionId ??= gatewayId('', ++state.counter);
    state.transactions.set(p.transactionId, p.pidx);
  }

  const app = new Hono();

  app.post(INITIATE_PATH, async (c) => {
    const merchant = key(c);
    if (!merchant) return unauthorized(c);
    const body = await readAnyBody(c);
    if (!body) return validation(c, { detail: ['Body must be a JSON object.'] });
    const errors: Record<string, string[]> = {};
    for (const field of ['return_url', 'website_url'] as const) {
      if (body[field] === undefined || body[field] === '') errors[field] = ['This field is required.'];
      else if (!isHttpUrl(body[field])) errors[field] = ['Enter a valid URL.'];
    }
    for (const field of ['purchase_order_id', 'purchase_order_name'] as const) {
      if (typeof body[field] !== 'string' || !(body[field] as string).trim()) errors[field] = ['This field is required.'];
    }
    const amount = Number(body.amount);
    if (body.amount === undefined || body.amount === '') errors.amount = ['This field is required.'];
    else if (!Number.isSafeInteger(amount)) errors.amount = ['A valid integer is required.'];
    else if (amount < KHALTI_MIN_PAISA) errors.amount = ['Amount should be greater than Rs. 10, that is 1000 paisa.'];
    if (Object.keys(errors).length) return validation(c, errors);
    const fault = faults.take('initiate');
    if (fault === 'refuse') return validation(c, { detail: ['Merchant is not allowed to initiate payments now.'] });
    return withGatewayFault(c, fault, hangMs, () => {
      const pidx = gatewayId('', ++state.counter);
      const createdAt = now();
      const payment: KhaltiPayment = {
        pidx,
        key: merchant,
        amount,
        purchaseOrderId: body.purchase_order_id as string,
        purchaseOrderName: body.purchase_order_name as string,
        returnUrl: body.return_url as string,
        websiteUrl: body.website_url as string,
        status: 'Initiated',
        totalAmount: amount,
        transactionId: null,
        mobile: null,
        refundedPaisa: 0,
        createdAt,
        expiresAt: createdAt + ttlMs,
      };
      keepBounded(state.payments, pidx, payment, limits, createdAt, (evicted) => {
        if (evicted.transactionId) state.transactions.delete(evicted.transactionId);
      });
      const publicUrl = typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl;
      const base = publicUrl?.replace(/\/+$/, '') ?? mountBase(c, INITIATE_PATH);
      return c.json({
        pidx,
        payment_url: `${base}/pay/?pidx=${pidx}`,
        expires_at: nepalTime(payment.expiresAt),
        expires_in: Math.round(ttlMs / 1000),
      });
    });
  });

  app.post('/api/v2/epayment/lookup/', async (c) => {
    const merchant = key(c);
    if (!merchant) return unauthorized(c);
    const body = await readAnyBody(c);
    const payment = current(typeof body?.pidx === 'string' ? body.pidx : undefined);
    const fault = faults.take('lookup');
    return withGatewayFault(c, fault, hangMs, () => {
      if (!payment || payment.key !== merchant) return c.json({ detail: 'Not found.', error_key: 'validation_error' }, 404);
      return c.json(lookupBody(payment));
    });
  });

  app.post('/api/merchant-transaction/:transactionId/refund/', async (c) => {
    const merchant = key(c);
    if (!merchant) return unauthorized(c);
    const body = (await readAnyBody(c)) ?? {};
    const pidx = state.transactions.get(c.req.param('transactionId'));
    const payment = current(pidx);
    if (!payment || payment.key !== merchant) return c.json({ detail: 'Transaction not found.' }, 404);
    const fault = faults.take('refund');
    if (fault === 'refuse') return c.json({ detail: 'Refund could not be processed for this transaction.' }, 400);
    const left = payment.totalAmount - payment.refundedPaisa;
    if (payment.status !== 'Completed' && payment.status !== 'Partially Refunded') {
      return c.json({ detail: `Transaction cannot be refunded: it is ${payment.status}.` }, 400);
    }
    const amount = body.amount === undefined ? left : Number(body.amount);
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) {
      return c.json({ detail: `Refund amount must be between 1 and ${left} paisa.` }, 400);
    }
    return withGatewayFault(c, fault, hangMs, () => {
      payment.refundedPaisa += amount;
      payment.status = payment.refundedPaisa === payment.totalAmount ? 'Refunded' : 'Partially Refunded';
      return c.json({ detail: 'Transaction refund successful.' });
    });
  });

  /** The payment page (Khalti's pay.khalti.com): forms only. */
  app.get('/pay/', (c) => {
    const payment = current(c.req.query('pidx'));
    if (!payment) return gatewayPage(c, 'Khalti sandbox', '<p>No such payment.</p>', [], 404);
    return paymentPage(c, payment);
  });

  function paymentPage(c: Context, p: KhaltiPayment, problem = ''): Response {
    if (p.status !== 'Initiated') {
      return gatewayPage(c, 'Khalti sandbox', `<p>This payment is ${escapeHtml(p.status)}.</p><p><a href="${escapeHtml(p.websiteUrl)}">Back to the merchant</a></p>`);
    }
    const wallets = KHALTI_TEST_WALLETS.map((m, i) => `<option value="${m}"${i === 0 ? ' selected' : ''}>${m}</option>`).join('');
    const half = Math.max(KHALTI_MIN_PAISA, Math.floor(p.amount / 200) * 100);
    const body = `
<p>Pay <strong>${escapeHtml(formatNpr(p.amount, 'en'))}</strong> for ${escapeHtml(p.purchaseOrderName)} (order ${escapeHtml(p.purchaseOrderId)}).</p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="./">
<input type="hidden" name="pidx" value="${escapeHtml(p.pidx)}">
<p><label>Khalti ID (test wallet) <select name="mobile">${wallets}</select></label></p>
<p><label>MPIN <input name="mpin" inputmode="numeric" autocomplete="off" value="${KHALTI_TEST_MPIN}"></label></p>
<p><button name="action" value="pay">Pay ${escapeHtml(formatNpr(p.amount, 'en'))}</button></p>
<p><button name="action" value="pending">Leave it pending</button></p>
<p><label>Another amount (Rs) <input name="other_amount" inputmode="decimal" value="${paisaToRupees(half)}"></label>
<button name="action" value="other">Pay this amount instead</button></p>
<p><button name="action" value="cancel">Cancel</button></p>
</form>
<p>Test wallets: ${KHALTI_TEST_WALLETS.join(', ')}; MPIN ${KHALTI_TEST_MPIN}.</p>`;
    return gatewayPage(c, 'Khalti sandbox', body, [p.returnUrl]);
  }

  app.post('/pay/', async (c) => {
    const form = await readAnyBody(c);
    const payment = current(typeof form?.pidx === 'string' ? form.pidx : undefined);
    if (!form || !payment) return gatewayPage(c, 'Khalti sandbox', '<p>No such payment.</p>', [], 404);
    if (payment.status !== 'Initiated') return paymentPage(c, payment);
    const action = form.action;
    if (action === 'cancel') {
      payment.status = 'User canceled';
      return c.redirect(returnTo(payment), 302);
    }
    const mobile = String(form.mobile ?? '');
    if (!KHALTI_TEST_WALLETS.includes(mobile)) return paymentPage(c, payment, 'Pick one of the test wallets.');
    if (form.mpin !== KHALTI_TEST_MPIN) return paymentPage(c, payment, 'Wrong MPIN: the test wallets use 1111.');
    payment.mobile = mobile;
    if (action === 'other') {
      const other = rupeesToPaisa(String(form.other_amount ?? ''));
      if (other === null || other < KHALTI_MIN_PAISA) return paymentPage(c, payment, 'Another amount must be at least Rs 10.');
      payment.totalAmount = other;
      complete(payment);
    } else if (action === 'pending') {
      payment.status = 'Pending';
    } else if (action === 'pay') {
      complete(payment);
    } else {
      return paymentPage(c, payment, 'Choose pay, leave pending, another amount or cancel.');
    }
    return c.redirect(returnTo(payment), 302);
  });

  /** The return redirect, with the query parameters Khalti documents. */
  function returnTo(p: KhaltiPayment): string {
    const id = p.status === 'Completed' ? p.transactionId ?? '' : '';
    return withQuery(p.returnUrl, {
      pidx: p.pidx,
      transaction_id: id,
      tidx: id,
      txnId: id,
      amount: String(p.totalAmount),
      total_amount: String(p.totalAmount),
      mobile: p.mobile ? `${p.mobile.slice(0, 2)}XXXXX${p.mobile.slice(-3)}` : '',
      status: p.status,
      purchase_order_id: p.purchaseOrderId,
      purchase_order_name: p.purchaseOrderName,
    });
  }

  app.use('/_sandbox/*', controlGuard(options.openControl));

  app.post('/_sandbox/faults', async (c) => {
    const armed = faults.arm(await readAnyBody(c));
    return typeof armed === 'string' ? c.json({ error: armed }, 400) : c.json({ armed });
  });

  /** Settles a pending payment the way Khalti later would: `{"status": "Completed"}` or `{"status": "User canceled"}`. */
  app.post('/_sandbox/payments/:pidx', async (c) => {
    const payment = current(c.req.param('pidx'));
    const body = await readAnyBody(c);
    if (!payment) return c.json({ error: 'no such pidx' }, 404);
    if (payment.status !== 'Pending') return c.json({ error: `the payment is ${payment.status}, not Pending` }, 409);
    if (body?.status === 'Completed') complete(payment);
    else if (body?.status === 'User canceled') payment.status = 'User canceled';
    else return c.json({ error: 'status must be Completed or User canceled' }, 400);
    return c.json(lookupBody(payment));
  });

  app.get('/_sandbox/wallets', (c) => c.json({ wallets: KHALTI_TEST_WALLETS, mpin: KHALTI_TEST_MPIN, key: [...keys].find((k) => k.startsWith('test_')) ?? null }));

  app.post('/_sandbox/reset', (c) => {
    reset();
    return c.json({ reset: true });
  });

  app.notFound((c) => c.json({ detail: 'Not found.', status_code: 404 }, 404));

  return { app, fetch: app.fetch, state, reset };
}

export type KhaltiSandbox = ReturnType<typeof createKhaltiSandbox>;
