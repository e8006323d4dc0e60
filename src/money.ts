/**
 * Money is integer paisa everywhere inside the product. These are the only places where a rupee
 * amount (a decimal string or a JSON number from the aggregator, or what a customer typed) becomes
 * paisa, and where paisa becomes a rupee string again. No float arithmetic on amounts.
 */

const DECIMAL = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses a rupee amount ("1,250.5", "200", 5.0) into integer paisa. Returns `null` for anything that
 * is not a non-negative amount with at most two decimals.
 */
export function rupeesToPaisa(value: string | number): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    // String() gives the shortest round-trip form, so 5.0 -> "5" and 0.1 -> "0.1": exact for 2 decimals.
    text = String(value);
  } else {
    text = value.trim().replace(/,/g, '');
  }
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const paisa = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(paisa) ? paisa : null;
}

/** Integer paisa -> the aggregator's rupee string: 45000 -> "450", 45050 -> "450.50". */
export function paisaToRupees(paisa: number): string {
  assertPaisa(paisa);
  const rupees = Math.trunc(paisa / 100);
  const rest = paisa % 100;
  return rest === 0 ? String(rupees) : `${rupees}.${String(rest).padStart(2, '0')}`;
}

export function assertPaisa(paisa: number): void {
  if (!Number.isSafeInteger(paisa) || paisa < 0) throw new RangeError(`not an amount in paisa: ${paisa}`);
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, currency: boolean): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let format = formatters.get(key);
  if (!format) {
    // Chromium ships without Nepali locale data: fall back to Devanagari digits with lakh grouping.
    format = new Intl.NumberFormat(
      locale === 'ne' ? ['ne-NP', 'en-IN-u-nu-deva'] : 'en-NP',
      currency ? { style: 'currency', currency: 'NPR', ...(locale === 'ne' ? {} : { currencyDisplay: 'narrowSymbol' as const }), minimumFractionDigits: 2, maximumFractionDigits: 2 } : {},
    );
    formatters.set(key, format);
  }
  return format;
}

/** Formats paisa as NPR for a locale ("en" or "ne"), exactly: the decimal string goes to Intl, not a float. */
export function formatNpr(paisa: number, locale: string): string {
  const amount = paisaToRupees(paisa) as Intl.StringNumericLiteral;
  if (locale !== 'ne') return formatter(locale, true).format(amount);
  // Nepali readers know the rupee as रू, not the ISO code (or Intl's नेरू).
  return formatter(locale, true)
    .formatToParts(amount)
    .map((part) => (part.type === 'currency' ? 'रू' : part.value))
    .join('')
    .replace(/^रू(?=\d|[०-९])/, 'रू ');
}

/** Formats a count (days, months) in the locale's digits. */
export function formatCount(count: number, locale: string): string {
  return formatter(locale, false).format(count);
}
