/**
 * Every user-facing string of the widgets, in English and Nepali. Templates never hold literal text.
 * `{name}` placeholders are filled by `fill()`; wordings that depend on a count are `Plural`s, chosen by
 * `plural()`. Month names from the aggregator are shown as they come.
 */
import type { FundingMethod, ReasonCode, ServiceId, WidgetErrorCode } from '../api.js';

/** A wording per plural category of the language (Intl.PluralRules); `other` is always there. */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/**
 * The error codes whose texts are in the steps' chunk: those only the steps after the lookup meet (pricing,
 * paying, funding), and every code a lookup or a list meets in a proxy's answer (the biller's refusals and
 * outages, a rate limit, a refused token, a fault of the set-up or the proxy's). A failed lookup or list is shown
 * once that chunk is here (it is fetched from the moment the element connects); if it cannot be fetched, such a
 * code is said with UNKNOWN's text. The first load keeps the codes told without an answer (`errors`).
 */
export type StepErrorCode = Extract<
  WidgetErrorCode,
  | 'VALIDATION'
  | 'NO_DUES'
  | 'LOOKUP_REJECTED'
  | 'SERVICE_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_ERROR'
  | 'RATE_LIMITED'
  | 'AUTH_REQUIRED'
  | 'QUOTE_EXPIRED'
  | 'SHUTTING_DOWN'
  | 'BAD_RESPONSE'
  | 'SERVICE_NOT_ENABLED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'FORBIDDEN_ORIGIN'
  | 'INTERNAL'
  | 'QUOTE_NOT_FOUND'
  | 'AMOUNT_OUT_OF_RANGE'
  | 'QUOTE_ALREADY_PAID'
  | 'PAYMENT_UNRESOLVED'
  | 'PAYMENT_REJECTED'
  | 'IDEMPOTENCY_IN_FLIGHT'
  | 'PAY_UNCONFIRMED'
  | 'NOT_FOUND'
  | 'PACKAGE_NOT_IN_QUOTE'
  | 'IDEMPOTENCY_KEY_REQUIRED'
  | 'IDEMPOTENCY_MISMATCH'
  | 'FUNDING_REFUSED'
  | 'FUNDING_CANCELLED'
  | 'FUNDING_MISMATCH'
  | 'FUNDING_EXPIRED'
  | 'FUNDING_NOT_CONFIRMED'
>;

/** What every element's lookup step says (in its first chunk): titles, progress, errors and reasons. */
export interface SharedMessages {
  /** Each service's element heading: a service of the registry without one does not compile. */
  titles: Record<ServiceId, string>;
  loading: string;
  required: string;
  lookUp: string;
  lookingUp: string;
  cancel: string;
  retry: string;
  /** The steps after the lookup could not be loaded (their chunk): said with a retry. */
  stepsUnavailable: string;
  stepLookup: string;
  /** The codes told without a proxy's answer (no connection, a timeout, a cancel; UNKNOWN): a missing translation does not compile (the rest: `stepErrors`). */
  errors: Record<Exclude<WidgetErrorCode, StepErrorCode>, string>;
  stillWaiting: string;
  billers: Record<ServiceId, string>;
}

/** `<nea-pay>`'s lookup form (in its first chunk). */
export interface NeaMessages {
  counter: string;
  counterHint: string;
  counterNone: string;
  scNo: string;
  scNoHint: string;
  consumerId: string;
  consumerIdHint: string;
  /** The counter list's toggle button. */
  showCounters: string;
}

/** `<dreamer-pay>`'s lookup form (in its first chunk). */
export interface DreamerMessages {
  service: string;
  customerCode: string;
  customerCodeHint: string;
}

/** `<dishhome-recharge>`'s lookup form (in its first chunk). */
export interface DishhomeMessages {
  dishCustomerId: string;
  dishCustomerIdHint: string;
  findCustomer: string;
}

/** The steps after the lookup (in the steps chunk): choice, confirmation, pending, receipt, failure, funding. */
export interface StepMessages {
  /** `<nea-pay>`'s forms at a counter migrated to NEA's second generation (they come with the steps: NeaSteps.renderMigrated). */
  consumerNo: string;
  consumerNoHint: string;
  migratedCounter: string;
  useOldNumbers: string;
  useConsumerNo: string;
  oldNumbersHint: string;
  /** The lookup forms' field errors (the forms are checked by the steps: StepsView.checkLookup). */
  invalidScNo: string;
  invalidConsumerId: string;
  invalidCounter: string;
  invalidConsumerNo: string;
  invalidCustomerCode: string;
  invalidDishCustomerId: string;
  /** The codes only the steps after the lookup meet: with `errors`, every code a widget may report. */
  stepErrors: Record<StepErrorCode, string>;
  /** The biller's reasons the proxy recognises (`reason_code`); any other reason is never shown. */
  reasons: Record<ReasonCode, string>;
  /** An unconfirmed payment's retry: asks for its status. */
  checkNow: string;
  billAmount: string;
  discount: string;
  penalty: string;
  totalPayable: string;
  payInFull: string;
  choosePackage: string;
  packages: string;
  topUps: string;
  months: Plural;
  bonus: string;
  rechargeNow: string;
  rechargeAnother: string;
  /** Labels of customer and receipt facts, by key. */
  facts: Record<string, string>;
  testMode: string;
  back: string;
  startOver: string;
  customer: string;
  dueBills: string;
  period: string;
  status: string;
  days: string;
  payable: string;
  noDues: string;
  chooseAmount: string;
  payBills: Plural;
  customAmount: string;
  amountRule: string;
  invalidAmount: string;
  continue: string;
  pricing: string;
  confirmTitle: string;
  amount: string;
  serviceCharge: string;
  total: string;
  payNow: string;
  paying: string;
  receiptTitle: string;
  reference: string;
  transactionId: string;
  payAnother: string;
  pendingTitle: string;
  pendingBody: string;
  checking: string;
  failedTitle: string;
  stepChoose: string;
  newConsumerNo: string;
  amountRuleV2: string;
  advanceRule: string;
  advanceAmount: string;
  billsPaid: string;
  paidInAdvance: string;
  /** Biller wordings that stay English in the biller's data (statuses, month names), by their exact text. */
  billerTerms: Record<string, string>;
  paidAt: string;
  paidOnBs: string;
  remainingDue: string;
  copy: string;
  copied: string;
  print: string;
  account: string;
  chargeFor: string;
  billsCovered: string;
  /** Gregorian month names, for dates where the browser has no data for the language (empty: the browser's). */
  gregorianMonths: string[];
  /** Dreamer's bills step: the bills are paid together, there is nothing to choose. */
  stepBills: string;
  /** What a Dish Home bonus is, under the packages. */
  bonusExplained: string;
  /** A pending payment: when it was sent; what happens once the automatic checks end. */
  pendingSince: string;
  pendingStopped: string;
  startAnother: string;
  /** Busy states: the pressed pay button's text; a slow request names whom it waits for. */
  payingShort: string;
  /** The biller's session ended before the payment: the account is looked up again for the same amount. */
  renewing: string;
  renewed: string;
  /** Funding: the confirm step's payment method chooser, the trip to the gateway and back, what became of the money. */
  paymentMethod: string;
  fundingNames: Record<FundingMethod, string>;
  fundingAccounts: Record<FundingMethod, string>;
  leavingFor: string;
  confirmingWith: string;
  fundingCancelled: string;
  fundingRefunded: string;
  fundingRefundDue: string;
  fundingHeld: string;
  tryAgainOrOther: string;
}

/** Every string of a language: a missing one in any part does not compile. */
export type Messages = SharedMessages & NeaMessages & DreamerMessages & DishhomeMessages & StepMessages;

export const enShared: SharedMessages = {
  titles: {
    nea: 'Pay NEA electricity bill',
    dreamer: 'Pay Dreamer Electricity bill',
    dishhome: 'Recharge Dish Home',
  },
  loading: 'Loading…',
  required: 'Required',
  lookUp: 'Look up bills',
  lookingUp: 'Looking up your bills…',
  cancel: 'Cancel',
  retry: 'Try again',
  stepsUnavailable: 'This part of the payment form could not be loaded. Check your connection and try again.',
  stepLookup: 'Find your account',
  errors: {
    NETWORK: 'No connection to the payment service. Check your connection and try again.',
    TIMEOUT: 'The payment service took too long to answer.',
    UNKNOWN: 'Something went wrong. Nothing was charged.',
    ABORTED: 'The request was stopped.',
  },
  stillWaiting: 'Still waiting for {biller}…',
  billers: { nea: 'NEA', dreamer: 'Dreamer Electricity', dishhome: 'Dish Home' },
};

export type Locale = 'en' | 'ne';
export const LOCALES: Locale[] = ['en', 'ne'];

/**
 * English, filled in parts: the shared lookup strings here, each element's own lookup strings when its module
 * loads, the steps' strings when the steps chunk arrives (`addEnglish`). Typed whole: a part renders only
 * once its chunk is here.
 */
export const en = { ...enShared } as Messages;

/** Adds a part of the English table (an element's lookup strings, the steps' strings). */
export function addEnglish(part: Partial<Messages>): void {
  Object.assign(en, part);
}

const loaded = new Map<string, Messages>([['en', en]]);
/** A locale's calendar date of an instant besides the Gregorian one (Nepali: Bikram Sambat), from its chunk. */
const calendars = new Map<string, (iso: string) => string>();

/** Whether a locale's table is here (English always; an unknown locale shows English, so it counts as here). */
export function hasLocale(locale: string): boolean {
  return loaded.has(locale) || !LOCALES.includes(locale as Locale);
}

/** The table for a locale once loaded; English until then and for unknown locales. */
export function messages(locale: string): Messages {
  return loaded.get(locale) ?? en;
}

/**
 * Loads a locale's table. Only English ships in the main bundle: other languages are separate chunks,
 * so a page pays for Nepali only when it shows Nepali.
 */
export async function loadLocale(locale: string): Promise<boolean> {
  if (loaded.has(locale)) return false;
  if (locale !== 'ne') return false;
  try {
    const chunk = await import('./locales/ne.js');
    loaded.set(locale, chunk.default);
    calendars.set(locale, chunk.bikramSambat);
  } catch {
    // The chunk could not be fetched (offline, a broken deploy): English rather than a skeleton forever.
    loaded.set(locale, en);
  }
  return true;
}

/** The date of `iso` in the locale's own calendar (Bikram Sambat in Nepali), or null when it has none. */
export function localCalendarDate(locale: string, iso: string): string | null {
  return calendars.get(locale)?.(iso) ?? null;
}

export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** The localized text for an error code. */
export function errorText(m: Messages, code: WidgetErrorCode): string {
  // A steps' code when their chunk could not be fetched (a lookup's failure waits for it): the generic text.
  return (m.errors as Record<string, string>)[code] ?? m.stepErrors?.[code as StepErrorCode] ?? m.errors.UNKNOWN;
}

/** The localized text of a biller reason code, or null for none or an unknown one (the error's text says enough). */
export function reasonText(m: Messages, code: string | null): string | null {
  return code !== null && m.reasons !== undefined && Object.hasOwn(m.reasons, code) ? m.reasons[code as ReasonCode] : null;
}

const DEVANAGARI_ZERO = 0x0966;

/**
 * Devanagari digits (०-९) as Latin ones: customers type either, the checks and the proxy see Latin.
 * Validation and every value sent go through this, so `०२४.१२.५१२` is the SC No `024.12.512`.
 */
export function latinDigits(value: string): string {
  return value.replace(/[०-९]/g, (d) => String(d.charCodeAt(0) - DEVANAGARI_ZERO));
}
