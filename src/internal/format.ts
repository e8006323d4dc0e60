/**
 * Dates and the biller's wording in the widget's language: used by the steps after the lookup (their chunk).
 */
import type { Messages, Plural } from './i18n.js';
import { fromKit } from './from-kit.js';

const { latinDigits, messages } = fromKit('latinDigits', 'messages');

/**
 * Latin digits in a text as the locale's digits (Devanagari in Nepali): "2073 Magh" -> "२०७३ Magh". (Here, not in
 * money.ts, whose module the index's first load carries for its public helpers.)
 */
export function localDigits(text: string, locale: string): string {
  return locale === 'ne' ? text.replace(/[0-9]/g, (d) => String.fromCharCode(0x0966 + Number(d))) : text;
}

/** The date and time of `iso` in Nepal, in the locale's words and digits. */
export function formatDateTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const months = messages(locale).gregorianMonths;
  if (!months.length || Intl.DateTimeFormat.supportedLocalesOf(locale).length) {
    return new Intl.DateTimeFormat(locale === 'ne' ? 'ne-NP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Kathmandu' }).format(date);
  }
  // Chromium ships without Nepali date data: the locale's digits and month names, 24-hour time.
  const parts = new Intl.DateTimeFormat('en-IN-u-nu-deva', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'Asia/Kathmandu',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const month = months[Number(latinDigits(part('month'))) - 1] ?? part('month');
  return `${part('day')} ${month} ${part('year')}, ${part('hour')}:${part('minute')}`;
}

/**
 * A biller's English wording in the widget's language where it is a known value ("Normal", "-25% Penalty",
 * "2073 Magh": its words in the table, its numbers in the locale's digits); any other text as it came.
 */
export function billerText(m: Messages, locale: string, text: string): string {
  const terms = m.billerTerms;
  // Billers spell in any case ("MAGH", "magh"): the table's spelling, whatever the case.
  const term = (word: string) => {
    const key = Object.hasOwn(terms, word) ? word : Object.keys(terms).find((k) => k.toLowerCase() === word.toLowerCase());
    return key === undefined ? undefined : terms[key];
  };
  const digits = (word: string) => localDigits(word, locale);
  const exact = term(text);
  if (exact !== undefined) return exact;
  const penalty = /^([+-]?\d+(?:\.\d+)?%) Penalty$/.exec(text);
  const penaltyWord = term('Penalty');
  if (penalty && penaltyWord) return `${digits(penalty[1]!)} ${penaltyWord}`;
  const words = text.trim().split(/\s+/);
  if (locale !== 'en' && words.some((w) => term(w)) && words.every((w) => /^\d+$/.test(w) || term(w))) {
    return words.map((w) => term(w) ?? digits(w)).join(' ');
  }
  return text;
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** The wording (only the steps after the lookup count things: here, in their chunk) of `forms` for `count` in `locale`, e.g. "1 month" / "3 months". */
export function plural(forms: Plural, locale: string, count: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return forms[rules.select(count)] ?? forms.other;
}
