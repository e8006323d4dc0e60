import { ProxyError } from './errors.js';
import type { StoredQuote } from './store/store.js';

/**
 * The browser is never trusted for an amount: it must fit the quote the proxy stored from the
 * aggregator's answer. With packages (Dish Home) the package must be one of the quote's and the amount
 * its price; otherwise the amount lies between the quote's minimum and maximum (NEA: the oldest bill
 * and the total due; Dreamer: exactly the total payable).
 */
export function checkPayment(
  quote: Pick<StoredQuote, 'totalDuePaisa' | 'minPaisa' | 'maxPaisa' | 'packages'>,
  amountPaisa: number,
  packageId: number | undefined,
): void {
  if (quote.packages.length) {
    const chosen = quote.packages.find((p) => p.id === packageId);
    if (!chosen) throw new ProxyError('PACKAGE_NOT_IN_QUOTE', 'Choose one of the packages offered for this customer');
    if (amountPaisa !== chosen.price_paisa) {
      throw new ProxyError('AMOUNT_OUT_OF_RANGE', "The amount is not the package's price", {
        details: { min_paisa: chosen.price_paisa, max_paisa: chosen.price_paisa },
      });
    }
    return;
  }
  if (packageId !== undefined) throw new ProxyError('VALIDATION', 'Invalid request: check package_id', { details: { fields: ['package_id'] } });
  // Nothing allowed (rather than nothing due): NEA v2 takes advance payments.
  if (quote.maxPaisa === 0) throw new ProxyError('NO_DUES', 'There is nothing to pay for this account');
  if (!Number.isSafeInteger(amountPaisa) || amountPaisa < quote.minPaisa || amountPaisa > quote.maxPaisa) {
    throw new ProxyError('AMOUNT_OUT_OF_RANGE', 'The amount is outside what may be paid for this account', {
      details: { min_paisa: quote.minPaisa, max_paisa: quote.maxPaisa },
    });
  }
}
