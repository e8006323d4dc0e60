/**
 * NEA electricity (seed 001): counters, details, service charge, commit.
 * Minimum payable amount: the oldest bill's payable amount; partial payments allowed; by default at most
 * the total due.
 */
import { z } from 'zod';
import { countersResponse, neaLookupRequest, type Counter, type NeaLookupRequest } from '../../api.js';
import { paisaToRupees } from '../../money.js';
import { ProxyError, successEnvelope } from '../errors.js';
import type { Provider } from './types.js';
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

const COUNTERS_TTL_MS = 5 * 60_000;

export const nea: Provider<NeaLookupRequest> = {
  service: 'nea',
  lookupRequest: neaLookupRequest,
  statusLookup: true,

  async lookup(aggregator, input, reference) {
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
    };
  },

  async serviceCharge(aggregator, sessionId, amountPaisa) {
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

  commit(aggregator, { sessionId, amountPaisa, reference }) {
    return aggregator.post('/api/servicegroup/commit/nea/', {
      amount: paisaToRupees(amountPaisa),
      session_id: sessionId,
      reference,
    });
  },

  routes(app, aggregator) {
    let cache: { at: number; counters: Counter[] } | null = null;
    app.get('/counters', async (c) => {
      if (!cache || Date.now() - cache.at > COUNTERS_TTL_MS) {
        const answer = expectAnswer(await aggregator.post('/api/servicegroup/counters/nea/', {}), neaCounters, 'counter list');
        cache = { at: Date.now(), counters: answer.counters.map(({ name, value }) => ({ name, value })) };
      }
      return c.json(successEnvelope(countersResponse.parse({ counters: cache.counters })));
    });
  },
};
