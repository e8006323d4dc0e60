/**
 * Host funding: the merchant's own wallet, bank or portal balance, through hooks passed to `createProxy`.
 * `hold` secures the money before the commit; `capture` keeps it once the bill is paid; `release` gives it
 * back when the commit failed. A hook that throws is an answer lost: `start` fails (nothing may be held:
 * the host must make holds idempotent per reference), capture and release become `unknown`.
 */
import type { Logger } from '../log.js';
import type { FundingModule, FundingPayment, FundingRef } from './types.js';

export interface HostHold {
  reference: string;
  holdId: string;
  amountPaisa: number;
}

export interface HostFundingHooks {
  /** Holds `payment.totalPaisa` of the customer's (`payment.subject`) money, or refuses (e.g. not enough balance). */
  hold(payment: FundingPayment): Promise<{ holdId: string } | { refused: string }>;
  /** Takes the held money for good. */
  capture(hold: HostHold): Promise<void>;
  /** Gives the held money back. */
  release(hold: HostHold): Promise<void>;
}

export function hostFunding(hooks: HostFundingHooks, log: Logger): FundingModule {
  const holdOf = (funding: FundingRef): HostHold | null =>
    funding.ids.hold_id ? { reference: funding.reference, holdId: funding.ids.hold_id, amountPaisa: funding.expectedPaisa } : null;
  // A hold is secured when made; its later fate is the ledger's record (capture or release).
  const truth = async (funding: FundingRef) =>
    holdOf(funding) ? ({ state: 'secured', ids: funding.ids, paidPaisa: funding.expectedPaisa } as const) : ({ state: 'failed', reason: 'no_hold' } as const);

  return {
    method: 'host',
    async start(payment) {
      try {
        const held = await hooks.hold(payment);
        if ('refused' in held) return { kind: 'failed', reason: held.refused, retryable: false };
        return { kind: 'secured', ids: { hold_id: held.holdId } };
      } catch (error) {
        log('error', 'funding.host_hook_failed', { hook: 'hold', reference: payment.reference, error });
        return { kind: 'failed', reason: 'host_unavailable', retryable: true };
      }
    },
    verify: truth,
    status: truth,
    async capture(funding) {
      const hold = holdOf(funding);
      if (!hold) return { state: 'failed', reason: 'no_hold' };
      try {
        await hooks.capture(hold);
        return { state: 'captured' };
      } catch (error) {
        log('error', 'funding.host_hook_failed', { hook: 'capture', reference: funding.reference, error });
        return { state: 'unknown', reason: 'host_unavailable' };
      }
    },
    async refund(funding) {
      const hold = holdOf(funding);
      if (!hold) return { state: 'failed', reason: 'no_hold' };
      try {
        await hooks.release(hold);
        return { state: 'refunded' };
      } catch (error) {
        log('error', 'funding.host_hook_failed', { hook: 'release', reference: funding.reference, error });
        return { state: 'unknown', reason: 'host_unavailable' };
      }
    },
  };
}
