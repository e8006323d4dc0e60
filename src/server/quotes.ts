import { ProxyError } from './errors.js';
import type { StoredQuote } from './store/store.js';

/**
 * The browser is never trusted for an amount: it must fit the quote the proxy stored from the
 * aggregator's answer (NEA: at least the oldest bill, at most the total due).
 */
export function checkAmount(quote: Pick<StoredQuote, 'totalDuePaisa' | 'minPaisa' | 'maxPaisa'>, amountPaisa: number): void {
  if (quote.totalDuePaisa === 0) throw new ProxyError('NO_DUES', 'There is nothing to pay for this account');
  if (!Number.isSafeInteger(amountPaisa) || amountPaisa < quote.minPaisa || amountPaisa > quote.maxPaisa) {
    throw new ProxyError('AMOUNT_OUT_OF_RANGE', 'The amount is outside what may be paid for this account', {
      details: { min_paisa: quote.minPaisa, max_paisa: quote.maxPaisa },
    });
  }
}
