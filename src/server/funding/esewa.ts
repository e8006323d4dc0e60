/**
 * eSewa ePay v2: the server signs the form the browser posts to eSewa (our reference as
 * `transaction_uuid`); on return it checks the signature of the success redirect's `data` and THEN asks
 * the status API, which is the truth. eSewa has no refund API: a refund is owed by the operator, who
 * makes it in eSewa's merchant portal.
 */
import { z } from 'zod';
import { paisaToRupees, rupeesToPaisa } from '../../money.js';
import type { Logger } from '../log.js';
import { esewaSignature, sameSignature } from './esewa-signature.js';
import { gatewayClient } from './http.js';
import type { FundingModule, FundingPayment, FundingRef, FundingStart, FundingVerdict } from './types.js';

export interface EsewaFundingOptions {
  /** Where the browser posts the form, e.g. `https://epay.esewa.com.np/api/epay/main/v2/form`. */
  formUrl: string | (() => string);
  /** The status API, e.g. `https://esewa.com.np/api/epay/transaction/status/`. */
  statusUrl: string;
  productCode: string;
  secretKey: string;
  timeoutMs: number;
  log: Logger;
  fetch?: typeof fetch;
}

const SIGNED_FIELDS = ['total_amount', 'transaction_uuid', 'product_code'];

const statusAnswer = z.object({
  product_code: z.string(),
  transaction_uuid: z.string(),
  status: z.string(),
  ref_id: z.string().nullable().optional(),
});

/**
 * The fields of a flat JSON object with values as written: strings decoded, numbers as their literal
 * text. eSewa signs `total_amount=1000.0`, and its data may carry that as the JSON number `1000.0`,
 * which JSON.parse would turn into 1000 and so break the signature.
 */
export function rawJsonFields(text: string): Record<string, string> | null {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) return null;
  const fields: Record<string, string> = {};
  const pair = /\s*"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*(,|$)/y;
  const inner = body.slice(1, -1);
  pair.lastIndex = 0;
  while (pair.lastIndex < inner.length) {
    const match = pair.exec(inner);
    if (!match) return inner.slice(pair.lastIndex).trim() === '' ? fields : null;
    try {
      const key = JSON.parse(`"${match[1]}"`) as string;
      fields[key] = match[2]!.startsWith('"') ? (JSON.parse(match[2]!) as string) : match[2]!;
    } catch {
      return null;
    }
    if (match[3] === '') break;
  }
  return fields;
}

export function esewaFunding(options: EsewaFundingOptions): FundingModule {
  const call = gatewayClient({ gateway: 'esewa', timeoutMs: options.timeoutMs, log: options.log, fetch: options.fetch, secrets: [options.secretKey] });

  async function start(payment: FundingPayment): Promise<FundingStart> {
    const total = paisaToRupees(payment.totalPaisa);
    const fields: Record<string, string> = {
      amount: total,
      tax_amount: '0',
      total_amount: total,
      transaction_uuid: payment.reference,
      product_code: options.productCode,
      product_service_charge: '0',
      product_delivery_charge: '0',
      success_url: payment.returnUrl,
      failure_url: payment.returnUrl,
      signed_field_names: SIGNED_FIELDS.join(','),
    };
    fields.signature = esewaSignature(options.secretKey, fields, SIGNED_FIELDS);
    return { kind: 'form', action: typeof options.formUrl === 'function' ? options.formUrl() : options.formUrl, fields, ids: { transaction_uuid: payment.reference, product_code: options.productCode } };
  }

  /** Asks the status API about `totalPaisa` (eSewa finds a transaction by product code, uuid and total together). */
  async function ask(funding: FundingRef, totalPaisa: number): Promise<FundingVerdict> {
    const uuid = funding.ids.transaction_uuid ?? funding.reference;
    const query = new URLSearchParams({ product_code: options.productCode, total_amount: paisaToRupees(totalPaisa), transaction_uuid: uuid });
    const result = await call(`${options.statusUrl}?${query}`, { method: 'GET', headers: { accept: 'application/json' } });
    const answer = result.kind === 'answer' && result.status === 200 ? statusAnswer.safeParse(result.body) : null;
    if (!answer?.success) return { state: 'pending', reason: 'gateway_unavailable' };
    const found = answer.data;
    if (found.transaction_uuid !== uuid || found.product_code !== options.productCode) return { state: 'failed', reason: 'foreign_answer' };
    const ids = { transaction_uuid: uuid, product_code: options.productCode, ...(found.ref_id ? { ref_id: found.ref_id } : {}) };
    switch (found.status) {
      case 'COMPLETE':
        return totalPaisa === funding.expectedPaisa
          ? { state: 'secured', ids, paidPaisa: totalPaisa }
          : { state: 'mismatch', ids, paidPaisa: totalPaisa, expectedPaisa: funding.expectedPaisa };
      case 'PENDING':
      case 'AMBIGUOUS':
        return { state: 'pending', reason: 'gateway_pending', ids };
      case 'CANCELED':
        return { state: 'cancelled', reason: 'cancelled' };
      case 'NOT_FOUND':
        return { state: 'failed', reason: 'not_found' };
      case 'FULL_REFUND':
        return { state: 'refunded', ids, partial: false };
      case 'PARTIAL_REFUND':
        return { state: 'refunded', ids, partial: true };
      default:
        options.log('warn', 'funding.unknown_status', { gateway: 'esewa', status: found.status });
        return { state: 'pending', reason: 'gateway_pending', ids };
    }
  }

  async function verify(funding: FundingRef, returnParams: Record<string, string>): Promise<FundingVerdict> {
    if (!returnParams.data) return ask(funding, funding.expectedPaisa);
    const fields = rawJsonFields(Buffer.from(returnParams.data, 'base64').toString('utf8'));
    const names = fields?.signed_field_names?.split(',') ?? [];
    const signed = fields && SIGNED_FIELDS.every((n) => names.includes(n)) && fields.signature;
    if (!fields || !signed || !sameSignature(esewaSignature(options.secretKey, fields, names), fields.signature!)) {
      options.log('warn', 'funding.forged_return', { gateway: 'esewa', reference: funding.reference });
      return { state: 'failed', reason: 'bad_signature' };
    }
    if (fields.transaction_uuid !== (funding.ids.transaction_uuid ?? funding.reference) || fields.product_code !== options.productCode) {
      options.log('warn', 'funding.return_mismatch', { gateway: 'esewa', reference: funding.reference });
      return { state: 'failed', reason: 'foreign_return' };
    }
    // A signed total other than ours: find out whether that other amount was really paid (then refund it).
    const signedTotal = rupeesToPaisa(fields.total_amount ?? '');
    return ask(funding, signedTotal !== null && signedTotal !== funding.expectedPaisa ? signedTotal : funding.expectedPaisa);
  }

  return {
    method: 'esewa',
    start,
    verify,
    status: (funding) => ask(funding, funding.expectedPaisa),
    capture: async () => ({ state: 'captured' }),
    // eSewa has no refund API: the operator refunds in eSewa's merchant portal.
    refund: async () => ({ state: 'refund_due', reason: 'esewa_refunds_by_hand' }),
  };
}
