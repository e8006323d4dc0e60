/**
 * Dreamer Electricity (seed 000): details by customer code and service slug, then payment of exactly
 * `total_payable_amount`. No service charge API. The merchant's configuration lists the enabled services.
 */
import { z } from 'zod';
import type { DreamerLookupRequest, DreamerService } from '../../api.js';
import { ROUTES } from '../../contract.js';
import { paisaToRupees } from '../../money.js';
import { ProxyError, successEnvelope } from '../errors.js';
import type { Provider } from './types.js';
import { amount, expectAnswer } from './upstream.js';

export const dreamerDetails = z.object({
  status: z.literal(true),
  session_id: z.union([z.number(), z.string()]),
  consumer_id: z.union([z.number(), z.string()]).nullish(),
  consumer_no: z.string().nullish(),
  consumer_name: z.string(),
  address: z.string().nullish(),
  total_payable_amount: amount,
  due_bills: z.array(
    z.object({
      bill_id: z.union([z.number(), z.string()]),
      bill_year: z.union([z.string(), z.number()]),
      bill_month: z.string(),
      bill_amount: amount,
      penalty: amount,
      discount: amount,
      no_of_days: z.number().int().nullish(),
      total_amount: amount,
    }),
  ),
});

export function dreamer(services: DreamerService[]): Provider<DreamerLookupRequest> {
  return {
    service: 'dreamer',
    statusLookup: true,

    async lookup(aggregator, input, reference) {
      if (!services.some((s) => s.slug === input.service_slug)) {
        throw new ProxyError('SERVICE_NOT_ENABLED', 'This Dreamer service is not enabled for this merchant');
      }
      const details = expectAnswer(
        await aggregator.post('/api/servicegroup/details/dreamer-electricity/', { ...input, reference }),
        dreamerDetails,
        'lookup',
      );
      const bills = details.due_bills.map((b) => ({
        label: `${b.bill_year} ${b.bill_month}`,
        date: null,
        days: b.no_of_days ?? null,
        status: null,
        bill_paisa: b.bill_amount,
        discount_paisa: b.discount,
        penalty_paisa: b.penalty,
        payable_paisa: b.total_amount,
      }));
      const sum = bills.reduce((total, b) => total + b.payable_paisa, 0);
      if (sum !== details.total_payable_amount) {
        throw new ProxyError('UPSTREAM_ERROR', 'The aggregator answered the lookup with bills that do not add up');
      }
      const facts = [
        { key: 'customer_code', value: details.consumer_no ?? input.customer_code },
        ...(details.address ? [{ key: 'address', value: details.address }] : []),
      ];
      // Dreamer takes the whole payable amount, nothing less or more.
      return { sessionId: String(details.session_id), customerName: details.consumer_name, facts, bills, packages: [], totalDuePaisa: sum, minPaisa: sum, maxPaisa: sum };
    },

    commit(aggregator, { sessionId, amountPaisa, reference }) {
      return aggregator.post('/api/servicegroup/commit/dreamer-electricity/', {
        reference,
        session_id: sessionId,
        amount: paisaToRupees(amountPaisa),
      });
    },

    receipt(answer) {
      const extra = answer.extra_data as { receipt_no?: unknown } | undefined;
      return extra?.receipt_no === undefined || extra.receipt_no === null ? [] : [{ key: 'receipt_no', value: String(extra.receipt_no) }];
    },

    routes(app) {
      app.get(ROUTES.dreamerServices.path, (c) => c.json(successEnvelope({ services })));
    },
  };
}
