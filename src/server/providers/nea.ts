/**
 * NEA electricity, both generations of the aggregator's NEA API, chosen per counter.
 * - v1 (seed 001): counters, details by SC No and consumer ID, service charge, commit. The customer pays
 *   at least the oldest bill's payable amount and at most the total due.
 * - v2 (offices migrated to NEA's new billing, AGGREGATOR-FACTS.md): details by the new consumer number
 *   (found from the old numbers through `user-info/nea-v2/` when the customer knows only those), string
 *   amounts, the generic service-charge API, commit with the ids of the bills the amount reaches. The
 *   customer pays at least the oldest bill, may pay more than the total, or in advance when nothing is
 *   due, up to the merchant's cap.
 */
import { z } from 'zod';
import { billsReached, countersResponse, type Bill, type Counter, type NeaLookupRequest } from '../../api.js';
import { ROUTES } from '../../contract.js';
import { paisaToRupees } from '../../money.js';
import type { Aggregator } from '../aggregator.js';
import { ProxyError, successEnvelope } from '../errors.js';
import { accountOf, newReference } from '../payments.js';
import type { Provider, QuoteDraft } from './types.js';
import { amount, expectAnswer } from './upstream.js';

export const neaCounters = z.object({
  status: z.literal(true),
  counters: z.array(z.object({ name: z.string(), value: z.string() })),
});

export const neaDetails = z.object({
  status: z.literal(true),
  session_id: z.union([z.number(), z.string()]),
  consumer_name: z.string(),
  due_bills: z.array(
    z.object({
      bill_amount: amount,
      bill_date: z.string().nullish(),
      days: z.number().int().nullish(),
      payable_amount: amount,
      due_bill_of: z.string(),
      status: z.string().nullish(),
    }),
  ),
  total_due_amount: amount,
});

export const neaServiceCharge = z.object({
  status: z.literal(true),
  service_charge: amount,
  amount: amount,
});

/* ---------- v2 ---------- */

export const neaV2Counters = z.object({
  status: z.literal(true),
  counters: z.array(
    z.object({ name: z.string(), value: z.string(), org_no: z.coerce.string().nullish(), migrated_to_v2: z.boolean() }),
  ),
});

export const neaV2UserInfo = z.object({ status: z.literal(true), consumer_no: z.coerce.string().regex(/^\d{1,20}$/) });

/** `days` comes as a string ("47"). */
const days = z.union([z.string().regex(/^\d{1,6}$/), z.number().int().nonnegative()]).transform(Number);
/** `billDate` comes as `YYYYMMDD`; the bill model has ISO dates. */
const yyyymmdd = z
  .string()
  .regex(/^\d{8}$/)
  .transform((d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`);

export const neaV2Bill = z.object({
  feeType: z.string().nullish(),
  feeSubType: z.string().nullish(),
  rcvblID: z.coerce.string().min(1),
  feeAmount: amount,
  payableAmount: amount,
  billDate: yyyymmdd.nullish(),
  billMonth: z.string().regex(/^\d{6}$/),
  days: days.nullish(),
  rebate: amount.nullish(),
  penalty: amount.nullish(),
  status: z.string().nullish(),
  rcvedAmount: amount.nullish(),
});

export const neaV2Details = z.object({
  status: z.literal(true),
  session_id: z.union([z.number(), z.string()]),
  consumer_name: z.string(),
  total_due_amount: amount,
  due_bills: z.array(neaV2Bill),
  /** An array (empty) when bills are due, one object (the last bill paid) when nothing is. */
  paid_upto_bill: z.union([z.array(neaV2Bill), neaV2Bill]).nullish(),
});

/** The generic service-charge API: `{status, details: {amount, service_charge}}`. */
export const serviceChargeV2 = z.object({
  status: z.literal(true),
  details: z.object({ amount: amount, service_charge: amount }),
});

/** A v2 bill in the common bill model; the label is the Bikram Sambat month, `YYYY-MM`. */
export function neaV2BillOf(b: z.infer<typeof neaV2Bill>): Bill {
  return {
    label: `${b.billMonth.slice(0, 4)}-${b.billMonth.slice(4)}`,
    date: b.billDate ?? null,
    days: b.days ?? null,
    status: b.status ?? null,
    bill_paisa: b.feeAmount,
    discount_paisa: b.rebate ?? null,
    penalty_paisa: b.penalty ?? null,
    payable_paisa: b.payableAmount,
    bill_id: b.rcvblID,
    bill_month: b.billMonth,
    ...(b.rcvedAmount != null ? { received_paisa: b.rcvedAmount } : {}),
  };
}

/** Pay-what-you-like with nothing due still has a floor: Rs 1. */
export const NEA_V2_MIN_ADVANCE_PAISA = 100;

/**
 * A v2 details answer as a quote: bills oldest first (as NEA lists them), at least the oldest bill, more
 * than the total allowed, anything up to the cap in advance when nothing is due.
 */
export function neaV2Quote(details: z.infer<typeof neaV2Details>, consumerNo: string, capPaisa: number): QuoteDraft {
  const bills = details.due_bills.map(neaV2BillOf);
  const sum = bills.reduce((total, b) => total + b.payable_paisa, 0);
  if (sum !== details.total_due_amount) {
    throw new ProxyError('UPSTREAM_ERROR', 'The aggregator answered the lookup with bills that do not add up');
  }
  return {
    sessionId: String(details.session_id),
    // The aggregator's own example pads names inside ("RAJESWARI   GIRI").
    customerName: details.consumer_name.replace(/\s+/g, ' ').trim(),
    facts: [{ key: 'consumer_no', value: consumerNo }],
    bills,
    packages: [],
    totalDuePaisa: sum,
    minPaisa: bills[0]?.payable_paisa ?? NEA_V2_MIN_ADVANCE_PAISA,
    maxPaisa: capPaisa,
    generation: 'v2',
    // One account however it was looked up: by the new number, or by the old numbers that lead to it.
    account: accountOf('nea', { consumer_no: consumerNo }),
  };
}

/**
 * The `bill_id` of a v2 commit: the ids of the bills the amount reaches, fully or partly, oldest first,
 * comma-separated; undefined (left out) for an advance payment with no bill due.
 */
export function billIdsFor(bills: Pick<Bill, 'bill_id' | 'payable_paisa'>[], amountPaisa: number): string | undefined {
  const ids = billsReached(bills, amountPaisa).flatMap((b) => (b.bill_id ? [b.bill_id] : []));
  return ids.length ? ids.join(',') : undefined;
}

const COUNTERS_TTL_MS = 5 * 60_000;

type NeaCounter = Counter & { migrated_to_v2: boolean };

export interface NeaOptions {
  /** The most one v2 payment may be, advance included. */
  v2MaxPaisa: number;
  /** The `service_slug` of v2 in the generic service-charge API. */
  v2ServiceSlug: string;
}

export function nea(options: NeaOptions): Provider<NeaLookupRequest> {
  let cache: { at: number; counters: NeaCounter[] } | null = null;

  /** The counters, while the cached list is fresh. */
  const cached = () => (cache && Date.now() - cache.at <= COUNTERS_TTL_MS ? cache.counters : null);

  /** Every counter with its generation: from `counters/nea-v2/`, or all v1 where the aggregator has no v2 (404). */
  async function counters(aggregator: Aggregator): Promise<NeaCounter[]> {
    const fresh = cached();
    if (fresh) return fresh;
    const v2 = await aggregator.post('/api/servicegroup/counters/nea-v2/', {});
    let list: NeaCounter[];
    if (v2.kind === 'answer' && v2.status === 404) {
      const answer = expectAnswer(await aggregator.post('/api/servicegroup/counters/nea/', {}), neaCounters, 'counter list');
      list = answer.counters.map(({ name, value }) => ({ name, value, migrated_to_v2: false }));
    } else {
      const answer = expectAnswer(v2, neaV2Counters, 'counter list');
      list = answer.counters.map(({ name, value, migrated_to_v2 }) => ({ name, value, migrated_to_v2 }));
    }
    cache = { at: Date.now(), counters: list };
    return list;
  }

  async function lookupV1(aggregator: Aggregator, input: NeaLookupRequest, reference: string): Promise<QuoteDraft> {
    const details = expectAnswer(
      await aggregator.post('/api/servicegroup/details/nea/', { ...input, reference }),
      neaDetails,
      'lookup',
    );
    const bills = details.due_bills.map((b) => ({
      label: b.due_bill_of,
      date: b.bill_date ?? null,
      days: b.days ?? null,
      status: b.status ?? null,
      bill_paisa: b.bill_amount,
      discount_paisa: null,
      penalty_paisa: null,
      payable_paisa: b.payable_amount,
    }));
    const sum = bills.reduce((total, b) => total + b.payable_paisa, 0);
    // The bills are the truth: a total that disagrees with them would let a customer pay the wrong amount.
    if (sum !== details.total_due_amount) {
      throw new ProxyError('UPSTREAM_ERROR', 'The aggregator answered the lookup with bills that do not add up');
    }
    return {
      sessionId: String(details.session_id),
      customerName: details.consumer_name,
      facts: [],
      bills,
      packages: [],
      totalDuePaisa: sum,
      minPaisa: bills[0]?.payable_paisa ?? 0,
      maxPaisa: sum,
      generation: 'v1',
    };
  }

  async function lookupV2(aggregator: Aggregator, consumerNo: string, reference: string): Promise<QuoteDraft> {
    const details = expectAnswer(
      await aggregator.post('/api/servicegroup/details/nea-v2/', { reference, request_no: consumerNo, confirm_type: 'E', confirm_id_type: 'CN' }),
      neaV2Details,
      'lookup',
    );
    return neaV2Quote(details, consumerNo, options.v2MaxPaisa);
  }

  return {
    service: 'nea',
    statusLookup: true,

    async lookup(aggregator, input, reference) {
      // Read from the cache without an await: most lookups find the list there.
      const counter = (cached() ?? (await counters(aggregator))).find((c) => c.value === input.office_code);
      if ('consumer_no' in input) {
        if (!counter?.migrated_to_v2) {
          throw new ProxyError('VALIDATION', 'This counter takes the SC No and consumer ID, not a consumer number', {
            details: { fields: ['consumer_no'] },
          });
        }
        return lookupV2(aggregator, input.consumer_no, reference);
      }
      if (!counter?.migrated_to_v2) return lookupV1(aggregator, input, reference);
      // A migrated office knows its customers by the new number: the aggregator finds it from the old ones.
      const info = expectAnswer(
        await aggregator.post('/api/servicegroup/user-info/nea-v2/', {
          reference: newReference(),
          sc_no: input.sc_no,
          old_consumer_id: input.consumer_id,
          // The office's name in the counter list ("BALAJU" -> "balaju", as the aggregator's example).
          org_name: counter.name.toLowerCase(),
        }),
        neaV2UserInfo,
        'lookup',
      );
      return { ...(await lookupV2(aggregator, info.consumer_no, reference)), newConsumerNo: info.consumer_no };
    },

    async serviceCharge(aggregator, sessionId, amountPaisa, quote) {
      if (quote.generation === 'v2') {
        const answer = expectAnswer(
          await aggregator.get('/api/account/service-charges/', { service_slug: options.v2ServiceSlug, amount: paisaToRupees(amountPaisa) }),
          serviceChargeV2,
          'service charge',
        );
        if (answer.details.amount !== amountPaisa) {
          throw new ProxyError('UPSTREAM_ERROR', 'The aggregator priced a different amount than asked');
        }
        return answer.details.service_charge;
      }
      const answer = expectAnswer(
        await aggregator.post('/api/servicegroup/servicecharge/nea/', {
          amount: paisaToRupees(amountPaisa),
          session_id: sessionId,
        }),
        neaServiceCharge,
        'service charge',
      );
      if (answer.amount !== amountPaisa) {
        throw new ProxyError('UPSTREAM_ERROR', 'The aggregator priced a different amount than asked');
      }
      return answer.service_charge;
    },

    commit(aggregator, { sessionId, amountPaisa, reference, quote }) {
      if (quote.generation === 'v2') {
        const billId = billIdsFor(quote.bills, amountPaisa);
        return aggregator.post('/api/servicegroup/commit/nea-v2/', {
          reference,
          session_id: sessionId,
          amount: paisaToRupees(amountPaisa),
          ...(billId ? { bill_id: billId } : {}),
        });
      }
      return aggregator.post('/api/servicegroup/commit/nea/', {
        amount: paisaToRupees(amountPaisa),
        session_id: sessionId,
        reference,
      });
    },

    routes(app, aggregatorOf) {
      app.get(ROUTES.counters.path, async (c) => c.json(successEnvelope(countersResponse.parse({ counters: await counters(aggregatorOf(c)) }))));
    },
  };
}
