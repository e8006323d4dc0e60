/**
 * Dish Home (seed 004): details by customer id with the package list; the commit pays a package by its
 * `idx` and takes no reference and no amount. The proxy still records its own reference and the
 * package's price; since the aggregator never sees that reference, its status lookup cannot settle a
 * Dish Home payment whose answer was lost.
 */
import { z } from 'zod';
import type { DishhomeLookupRequest } from '../../api.js';
import type { Provider } from './types.js';
import { amount, expectAnswer } from './upstream.js';

export const dishhomeDetails = z.object({
  status: z.literal(true),
  session_id: z.union([z.number(), z.string()]),
  package: z.string().nullish(),
  expiry_date: z.string().nullish(),
  zone: z.string().nullish(),
  district: z.string().nullish(),
  customer_status: z.string().nullish(),
  customer_id: z.union([z.number(), z.string()]).nullish(),
  packages: z.array(
    z.object({
      description: z.string(),
      price: amount,
      duration_type: z.number().int(),
      bonus: amount,
      is_regular: z.boolean(),
      idx: z.number().int(),
    }),
  ),
});

const dishhomeReceipt = z.object({
  expiry_date: z.string().nullish(),
  transaction_id: z.union([z.number(), z.string()]).nullish(),
  customer_status: z.string().nullish(),
});

export const dishhome: Provider<DishhomeLookupRequest> = {
  service: 'dishhome',
  statusLookup: false,

  async lookup(aggregator, input, reference) {
    const details = expectAnswer(
      await aggregator.post('/api/servicegroup/details/dishhome-updated/', { ...input, reference }),
      dishhomeDetails,
      'lookup',
    );
    const packages = details.packages.map((p) => ({
      id: p.idx,
      description: p.description,
      price_paisa: p.price,
      months: p.duration_type,
      bonus_paisa: p.bonus,
      regular: p.is_regular,
    }));
    const prices = packages.map((p) => p.price_paisa);
    // The aggregator's local time "2037-11-28T11:15:00", shown as "2037-11-28 11:15".
    const when = (value: string | null | undefined) => value?.replace('T', ' ').slice(0, 16);
    const facts = (
      [
        ['package', details.package],
        ['status', details.customer_status],
        ['expiry', when(details.expiry_date)],
        ['zone', details.zone],
        ['district', details.district],
      ] as const
    )
      .filter(([, value]) => value)
      .map(([key, value]) => ({ key, value: value! }));
    return {
      sessionId: String(details.session_id),
      customerName: String(details.customer_id ?? input.customer_id),
      facts,
      bills: [],
      packages,
      totalDuePaisa: 0,
      minPaisa: prices.length ? Math.min(...prices) : 0,
      maxPaisa: prices.length ? Math.max(...prices) : 0,
    };
  },

  commit(aggregator, { sessionId, packageId }) {
    return aggregator.post('/api/servicegroup/commit/dishhome-updated/', { session_id: sessionId, package_id: packageId });
  },

  receipt(answer) {
    const detail = dishhomeReceipt.safeParse(answer.detail);
    if (!detail.success) return [];
    const { expiry_date, transaction_id, customer_status } = detail.data;
    return [
      ...(expiry_date ? [{ key: 'new_expiry', value: expiry_date.replace('T', ' ').slice(0, 16) }] : []),
      ...(transaction_id != null ? [{ key: 'provider_transaction_id', value: String(transaction_id) }] : []),
      ...(customer_status ? [{ key: 'status', value: customer_status }] : []),
    ];
  },
};
