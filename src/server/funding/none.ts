/**
 * No funding: the payment is secured at once. Only for staff or agent desks behind host authentication
 * that take the customer's money themselves, and only when `FUNDING=none` says so (config.ts enforces it).
 */
import type { FundingModule, FundingRef } from './types.js';

const secured = async (funding: FundingRef) => ({ state: 'secured', ids: funding.ids, paidPaisa: funding.expectedPaisa }) as const;

export function noFunding(): FundingModule {
  return {
    method: 'none',
    start: async () => ({ kind: 'secured', ids: {} }),
    verify: secured,
    status: secured,
    capture: async () => ({ state: 'captured' }),
    // Nothing was taken, so there is nothing to give back.
    refund: async () => ({ state: 'refunded' }),
  };
}
