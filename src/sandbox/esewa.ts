/**
 * The embedded eSewa sandbox: ePay v2 as developer.esewa.com.np documents it. The merchant's page posts a
 * signed form to `/api/epay/main/v2/form`; a bad signature is refused; the tester picks a test eSewa ID
 * and pays (back to `success_url?data=<base64 JSON, signed>`), cancels or leaves the payment ambiguous
 * (back to `failure_url`); the status API is the truth. eSewa has no refund API: the control route sets a
 * transaction's status the way an operator's refund in the merchant portal would.
 */
import { Hono, type Context } from 'hono';
import { formatNpr, paisaToRupees, rupeesToPaisa } from '../money.js';
import {
  createFaults,
  DEFAULT_GATEWAY_LIMITS,
  escapeHtml,
  gatewayPage,
  keepBounded,
  readAnyBody,
  withGatewayFault,
  withQuery,
  type GatewayLimits,
  type GatewaySandboxOptions,
} from './gateways.js';
import { esewaSignature, sameSignature } from '../server/funding/esewa-signature.js';
import { controlGuard } from './sandbox.js';
import { ESEWA_UAT_PRODUCT_CODE, ESEWA_UAT_SECRET } from './token.js';

export { esewaSignature, ESEWA_UAT_PRODUCT_CODE, ESEWA_UAT_SECRET };

export const ESEWA_TEST_IDS = ['9806800001', '9806800002', '9806800003', '9806800004', '9806800005'];
export const ESEWA_TEST_PASSWORD = 'Nepal@123';

export type EsewaStatus = 'PENDING' | 'COMPLETE' | 'FULL_REFUND' | 'PARTIAL_REFUND' | 'AMBIGUOUS' | 'NOT_FOUND' | 'CANCELED';
const SETTABLE: EsewaStatus[] = ['PENDING', 'COMPLETE', 'FULL_REFUND', 'PARTIAL_REFUND', 'AMBIGUOUS', 'NOT_FOUND', 'CANCELED'];

export interface EsewaTransaction {
  uuid: string;
  productCode: string;
  totalPaisa: number;
  successUrl: string;
  failureUrl: string;
  status: EsewaStatus;
  /** eSewa's `transaction_code` / `ref_id`, once paid. */
  code: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface EsewaSandboxOptions extends GatewaySandboxOptions {
  /** Merchants the sandbox knows: product code -> secret key. Default: eSewa's UAT merchant. */
  merchants?: Record<string, string>;
  /** How long the payment page can be used after the form post. Default 30 minutes. */
  ttlMs?: number;
}

/** The fields every ePay v2 form carries. */
export const ESEWA_FORM_FIELDS = [
  'amount',
  'tax_amount',
  'total_amount',
  'transaction_uuid',
  'product_code',
  'product_service_charge',
  'product_delivery_charge',
  'success_url',
  'failure_url',
  'signed_field_names',
  'signature',
] as const;

/** A rupee amount as eSewa's success data writes it: grouped, at least one decimal ("1,000.0", "1,050.5"). */
export function esewaAmount(paisa: number): string {
  const [rupees, decimals = ''] = paisaToRupees(paisa).split('.');
  const grouped = rupees!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}.${decimals.replace(/0$/, '') || '0'}`;
}

/** eSewa's `transaction_code` (`ref_id`), like `000AWEO`: from a counter, unique. */
const transactionCode = (counter: number) => `000${counter.toString(36).toUpperCase().padStart(4, '0')}`;

const UUID = /^[A-Za-z0-9-]{1,100}$/;
const STEPS = ['form', 'status'] as const;

export function createEsewaSandbox(options: EsewaSandboxOptions = {}) {
  const now = options.now ?? Date.now;
  const merchants = options.merchants ?? { [ESEWA_UAT_PRODUCT_CODE]: ESEWA_UAT_SECRET };
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const hangMs = options.hangMs ?? 120_000;
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits };
  const faults = createFaults(STEPS);
  const state = { transactions: new Map<string, EsewaTransaction>(), counter: 0 };
  const keyOf = (productCode: string, uuid: string) => `${productCode}\u0000${uuid}`;

  function reset() {
    state.transactions.clear();
    faults.clear();
  }

  /** The transaction as it stands: one never paid before its page expired is NOT_FOUND. */
  function current(productCode: string, uuid: string): EsewaTransaction | undefined {
    const tx = state.transactions.get(keyOf(productCode, uuid));
    if (tx?.status === 'PENDING' && !tx.code && tx.expiresAt <= now()) tx.status = 'NOT_FOUND';
    return tx;
  }

  const refused = (c: Context, why: string) => gatewayPage(c, 'eSewa sandbox', `<p role="alert">${escapeHtml(why)}</p>`, [], 400);

  const app = new Hono();

  app.post('/api/epay/main/v2/form', async (c) => {
    const form = await readAnyBody(c);
    if (!form) return refused(c, 'The payment form could not be read.');
    const fields = Object.fromEntries(ESEWA_FORM_FIELDS.map((f) => [f, typeof form[f] === 'string' ? (form[f] as string) : ''])) as Record<
      (typeof ESEWA_FORM_FIELDS)[number],
      string
    >;
    const missing = ESEWA_FORM_FIELDS.filter((f) => fields[f] === '');
    if (missing.length) return refused(c, `Missing fields: ${missing.join(', ')}.`);
    const secret = merchants[fields.product_code];
    if (!secret) return refused(c, 'Unknown product code.');
    const names = fields.signed_field_names.split(',');
    if (!['total_amount', 'transaction_uuid', 'product_code'].every((n) => names.includes(n))) {
      return refused(c, 'signed_field_names must include total_amount, transaction_uuid and product_code.');
    }
    if (!sameSignature(esewaSignature(secret, fields, names), fields.signature)) return refused(c, 'Invalid payload signature.');
    const [amount, tax, service, delivery, total] = [fields.amount, fields.tax_amount, fields.product_service_charge, fields.product_delivery_charge, fields.total_amount].map(
      (v) => rupeesToPaisa(v),
    );
    if ([amount, tax, service, delivery, total].some((v) => v === null) || amount! + tax! + service! + delivery! !== total || total! <= 0) {
      return refused(c, 'total_amount must equal amount + tax_amount + product_service_charge + product_delivery_charge.');
    }
    if (!UUID.test(fields.transaction_uuid)) return refused(c, 'transaction_uuid may hold only letters, digits and hyphens.');
    for (const url of [fields.success_url, fields.failure_url]) {
      try {
        new URL(url);
      } catch {
        return refused(c, 'success_url and failure_url must be absolute URLs.');
      }
    }
    const existing = current(fields.product_code, fields.transaction_uuid);
    if (existing && existing.status !== 'PENDING') return refused(c, 'Duplicate transaction_uuid: this transaction is already processed.');
    const fault = faults.take('form');
    if (fault === 'refuse') return refused(c, 'eSewa is not taking payments right now.');
    return withGatewayFault(c, fault, hangMs, () => {
      const createdAt = now();
      const tx: EsewaTransaction = existing ?? {
        uuid: fields.transaction_uuid,
        productCode: fields.product_code,
        totalPaisa: total!,
        successUrl: fields.success_url,
        failureUrl: fields.failure_url,
        status: 'PENDING',
        code: null,
        createdAt,
        expiresAt: createdAt + ttlMs,
      };
      if (!existing) keepBounded(state.transactions, keyOf(tx.productCode, tx.uuid), tx, limits, createdAt);
      return paymentPage(c, tx);
    });
  });

  function paymentPage(c: Context, tx: EsewaTransaction, problem = ''): Response {
    const ids = ESEWA_TEST_IDS.map((id, i) => `<option value="${id}"${i === 0 ? ' selected' : ''}>${id}</option>`).join('');
    const body = `
<p>Pay <strong>${escapeHtml(formatNpr(tx.totalPaisa, 'en'))}</strong> (transaction ${escapeHtml(tx.uuid)}).</p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="pay">
<input type="hidden" name="product_code" value="${escapeHtml(tx.productCode)}">
<input type="hidden" name="transaction_uuid" value="${escapeHtml(tx.uuid)}">
<p><label>eSewa ID (test account) <select name="esewa_id">${ids}</select></label></p>
<p><label>Password <input name="password" type="password" autocomplete="off" value="${ESEWA_TEST_PASSWORD}"></label></p>
<p><button name="action" value="pay">Pay ${escapeHtml(formatNpr(tx.totalPaisa, 'en'))}</button></p>
<p><button name="action" value="ambiguous">Leave it ambiguous (money held, outcome unknown)</button></p>
<p><button name="action" value="cancel">Cancel</button></p>
</form>
<p>Test eSewa IDs: ${ESEWA_TEST_IDS.join(', ')}; password ${ESEWA_TEST_PASSWORD}.</p>`;
    return gatewayPage(c, 'eSewa sandbox', body, [tx.successUrl, tx.failureUrl]);
  }

  app.post('/api/epay/main/v2/pay', async (c) => {
    const form = await readAnyBody(c);
    const tx = form ? current(String(form.product_code ?? ''), String(form.transaction_uuid ?? '')) : undefined;
    if (!form || !tx) return gatewayPage(c, 'eSewa sandbox', '<p>No such transaction.</p>', [], 404);
    if (tx.status !== 'PENDING' || tx.code) return gatewayPage(c, 'eSewa sandbox', `<p>This transaction is ${escapeHtml(tx.status)}.</p>`);
    if (form.action === 'cancel') {
      tx.status = 'CANCELED';
      return c.redirect(tx.failureUrl, 302);
    }
    if (!ESEWA_TEST_IDS.includes(String(form.esewa_id ?? ''))) return paymentPage(c, tx, 'Pick one of the test eSewa IDs.');
    if (form.password !== ESEWA_TEST_PASSWORD) return paymentPage(c, tx, `Wrong password: the test accounts use ${ESEWA_TEST_PASSWORD}.`);
    if (form.action === 'ambiguous') {
      tx.status = 'AMBIGUOUS';
      return c.redirect(tx.failureUrl, 302);
    }
    if (form.action !== 'pay') return paymentPage(c, tx, 'Choose pay, ambiguous or cancel.');
    tx.status = 'COMPLETE';
    tx.code = transactionCode(++state.counter);
    return c.redirect(withQuery(tx.successUrl, { data: successData(tx) }), 302);
  });

  /** The success redirect's `data`: base64 JSON, signed over the fields it names. */
  function successData(tx: EsewaTransaction): string {
    const names = ['transaction_code', 'status', 'total_amount', 'transaction_uuid', 'product_code', 'signed_field_names'];
    const fields: Record<string, string> = {
      transaction_code: tx.code!,
      status: tx.status,
      total_amount: esewaAmount(tx.totalPaisa),
      transaction_uuid: tx.uuid,
      product_code: tx.productCode,
      signed_field_names: names.join(','),
    };
    const signature = esewaSignature(merchants[tx.productCode]!, fields, names);
    return Buffer.from(JSON.stringify({ ...fields, signature })).toString('base64');
  }

  app.get('/api/epay/transaction/status/', async (c) => {
    const productCode = c.req.query('product_code') ?? '';
    const uuid = c.req.query('transaction_uuid') ?? '';
    const total = rupeesToPaisa(c.req.query('total_amount') ?? '');
    if (!productCode || !uuid || total === null) {
      return c.json({ code: 0, error_message: 'product_code, total_amount and transaction_uuid are required' }, 400);
    }
    const fault = faults.take('status');
    if (fault === 'refuse') return c.json({ code: 0, error_message: 'Service is currently unavailable' }, 400);
    return withGatewayFault(c, fault, hangMs, () => {
      const tx = current(productCode, uuid);
      // eSewa finds a transaction by all three: another total finds nothing.
      const found = tx && tx.totalPaisa === total ? tx : undefined;
      return c.json({
        product_code: productCode,
        transaction_uuid: uuid,
        total_amount: Number(paisaToRupees(total)),
        status: found?.status ?? 'NOT_FOUND',
        ref_id: found?.code ?? null,
      });
    });
  });

  app.use('/_sandbox/*', controlGuard(options.openControl));

  app.post('/_sandbox/faults', async (c) => {
    const armed = faults.arm(await readAnyBody(c));
    return typeof armed === 'string' ? c.json({ error: armed }, 400) : c.json({ armed });
  });

  /**
   * Sets a transaction's status as eSewa later would (an ambiguous payment settling) or as the operator's
   * refund in eSewa's merchant portal does: `{"status": "COMPLETE" | "FULL_REFUND" | ...}`.
   */
  app.post('/_sandbox/transactions/:uuid', async (c) => {
    const body = await readAnyBody(c);
    const tx = current(String(body?.product_code ?? ESEWA_UAT_PRODUCT_CODE), c.req.param('uuid'));
    if (!tx) return c.json({ error: 'no such transaction_uuid' }, 404);
    const status = body?.status as EsewaStatus;
    if (!SETTABLE.includes(status)) return c.json({ error: `status must be one of ${SETTABLE.join(', ')}` }, 400);
    tx.status = status;
    if (status === 'COMPLETE') tx.code ??= transactionCode(++state.counter);
    return c.json({ transaction_uuid: tx.uuid, status: tx.status, ref_id: tx.code });
  });

  app.get('/_sandbox/accounts', (c) => c.json({ esewa_ids: ESEWA_TEST_IDS, password: ESEWA_TEST_PASSWORD, product_code: ESEWA_UAT_PRODUCT_CODE }));

  app.post('/_sandbox/reset', (c) => {
    reset();
    return c.json({ reset: true });
  });

  app.notFound((c) => c.json({ code: 0, error_message: 'Not found' }, 404));

  return { app, fetch: app.fetch, state, reset };
}

export type EsewaSandbox = ReturnType<typeof createEsewaSandbox>;
