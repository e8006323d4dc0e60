/**
 * Every user-facing string of the widgets, in English and Nepali. Templates never hold literal text.
 * `{name}` placeholders are filled by `fill()`; wordings that depend on a count are `Plural`s, chosen by
 * `plural()`. Month names from the aggregator are shown as they come.
 */
import type { FundingMethod, ReasonCode, ServiceId, WidgetErrorCode } from '../api.js';
import { localDigits } from '../money.js';
import { latinDigits } from './validators.js';

/** A wording per plural category of the language (Intl.PluralRules); `other` is always there. */
export type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

export interface Messages {
  /** Each service's element heading: a service of the registry without one does not compile. */
  titles: Record<ServiceId, string>;
  loading: string;
  service: string;
  customerCode: string;
  customerCodeHint: string;
  invalidCustomerCode: string;
  dishCustomerId: string;
  dishCustomerIdHint: string;
  invalidDishCustomerId: string;
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
  findCustomer: string;
  rechargeAnother: string;
  /** Labels of customer and receipt facts, by key. */
  facts: Record<string, string>;
  testMode: string;
  counter: string;
  counterHint: string;
  counterNone: string;
  scNo: string;
  scNoHint: string;
  consumerId: string;
  consumerIdHint: string;
  required: string;
  invalidScNo: string;
  invalidConsumerId: string;
  invalidCounter: string;
  lookUp: string;
  lookingUp: string;
  cancel: string;
  retry: string;
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
  checkNow: string;
  failedTitle: string;
  stepLookup: string;
  stepChoose: string;
  /** Every code a widget may report: a missing translation does not compile. */
  errors: Record<WidgetErrorCode, string>;
  /** The biller's reasons the proxy recognises (`reason_code`); any other reason is never shown. */
  reasons: Record<ReasonCode, string>;
  /** NEA's second generation (migrated counters): the new consumer number, the old-numbers form, the v2 amount rule. */
  consumerNo: string;
  consumerNoHint: string;
  invalidConsumerNo: string;
  migratedCounter: string;
  useOldNumbers: string;
  useConsumerNo: string;
  oldNumbersHint: string;
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
  stillWaiting: string;
  billers: Record<ServiceId, string>;
  /** The counter list's toggle button. */
  showCounters: string;
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

export const en: Messages = {
  titles: {
    nea: 'Pay NEA electricity bill',
    dreamer: 'Pay Dreamer Electricity bill',
    dishhome: 'Recharge Dish Home',
  },
  loading: 'Loading…',
  service: 'Electricity provider',
  customerCode: 'Customer code',
  customerCodeHint: 'As printed on your bill, e.g. 01-1',
  invalidCustomerCode: 'Enter the customer code: letters, digits and dashes',
  dishCustomerId: 'Customer ID',
  dishCustomerIdHint: 'The Dish Home customer ID (digits), e.g. 71909771942',
  invalidDishCustomerId: 'Enter the customer ID in digits',
  billAmount: 'Amount',
  discount: 'Discount',
  penalty: 'Penalty',
  totalPayable: 'Total payable',
  payInFull: 'All due bills are paid together.',
  choosePackage: 'Choose a package',
  packages: 'Packages',
  topUps: 'Top-ups',
  months: { one: '{count} month', other: '{count} months' },
  bonus: 'bonus {amount}',
  rechargeNow: 'Recharge {total}',
  findCustomer: 'Find customer',
  rechargeAnother: 'Recharge again',
  facts: {
    customer_code: 'Customer code',
    address: 'Address',
    package: 'Package',
    status: 'Status',
    expiry: 'Expires on',
    zone: 'Zone',
    district: 'District',
    receipt_no: 'Receipt no.',
    new_expiry: 'New expiry date',
    provider_transaction_id: 'Dish Home transaction',
    consumer_no: 'Consumer number',
  },
  testMode: 'Test mode: no real money moves',
  counter: 'NEA counter',
  counterHint: 'Type to search, then pick your counter',
  counterNone: 'No counter matches',
  scNo: 'SC No',
  scNoHint: 'Three groups separated by dots, e.g. 024.12.512',
  consumerId: 'Consumer ID',
  consumerIdHint: 'Digits only, e.g. 3042',
  required: 'Required',
  invalidScNo: 'Enter the SC No as three groups of letters or digits separated by dots',
  invalidConsumerId: 'Enter the consumer ID in digits',
  invalidCounter: 'Pick a counter from the list',
  lookUp: 'Look up bills',
  lookingUp: 'Looking up your bills…',
  cancel: 'Cancel',
  retry: 'Try again',
  back: 'Back',
  startOver: 'Start over',
  customer: 'Customer',
  dueBills: 'Due bills',
  period: 'Bill of',
  status: 'Status',
  days: 'Days',
  payable: 'Payable',
  noDues: 'This account has no dues. Nothing to pay.',
  chooseAmount: 'How much do you want to pay?',
  payBills: { one: 'Oldest bill: {amount}', other: 'Oldest {count} bills: {amount}' },
  customAmount: 'Another amount',
  amountRule: 'Pay at least {min} (the oldest bill) and at most {max} (all dues).',
  invalidAmount: 'Enter an amount from {min} to {max}',
  continue: 'Continue',
  pricing: 'Working out the service charge…',
  confirmTitle: 'Confirm your payment',
  amount: 'Amount',
  serviceCharge: 'Service charge',
  total: 'Total',
  payNow: 'Pay {total}',
  paying: 'Paying… do not close this page.',
  receiptTitle: 'Payment successful',
  reference: 'Reference',
  transactionId: 'Transaction ID',
  payAnother: 'Pay another bill',
  pendingTitle: 'Payment pending verification',
  pendingBody: 'The biller has not confirmed this payment yet. Do not pay again: we are checking its status.',
  checking: 'Checking the payment status…',
  checkNow: 'Check status now',
  failedTitle: 'Payment not completed',
  stepLookup: 'Find your account',
  stepChoose: 'Choose the amount',
  errors: {
    VALIDATION: 'Some details are not valid. Check them and try again.',
    QUOTE_NOT_FOUND: 'This lookup is no longer valid. Look up the account again.',
    QUOTE_EXPIRED: 'This lookup has expired. Look up the account again.',
    NO_DUES: 'This account has no dues.',
    AMOUNT_OUT_OF_RANGE: 'This amount cannot be paid for this account.',
    QUOTE_ALREADY_PAID: 'These bills are already paid, or a payment for them is under way. Nothing more was charged.',
    PAYMENT_UNRESOLVED: 'A payment for this account is still being confirmed. Wait for its outcome before paying again.',
    LOOKUP_REJECTED: 'The biller could not find this account.',
    PAYMENT_REJECTED: 'The biller did not accept this payment. Nothing was charged.',
    SERVICE_UNAVAILABLE: 'This service is not available right now. Try again later.',
    SHUTTING_DOWN: 'The payment service is restarting. Try again in a moment.',
    UPSTREAM_TIMEOUT: 'The biller took too long to answer. Try again.',
    UPSTREAM_ERROR: 'The biller could not be reached. Try again.',
    RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
    AUTH_REQUIRED: 'Your session has ended. Sign in again to continue.',
    IDEMPOTENCY_IN_FLIGHT: 'Your payment is still being processed.',
    NETWORK: 'No connection to the payment service. Check your connection and try again.',
    TIMEOUT: 'The payment service took too long to answer.',
    BAD_RESPONSE: 'The payment service gave an answer we could not read.',
    PAY_UNCONFIRMED: 'We could not confirm your payment. Do not pay again: check its status.',
    UNKNOWN: 'Something went wrong. Nothing was charged.',
    NOT_FOUND: 'This payment could not be found.',
    PACKAGE_NOT_IN_QUOTE: 'This package is not offered for this account. Look up the account again.',
    SERVICE_NOT_ENABLED: 'This provider is not available here.',
    IDEMPOTENCY_KEY_REQUIRED: 'Something went wrong. Nothing was charged.',
    IDEMPOTENCY_MISMATCH: 'This payment was already sent with other details. Nothing more was charged.',
    PAYLOAD_TOO_LARGE: 'Some details are too long. Check them and try again.',
    UNSUPPORTED_MEDIA_TYPE: 'Something went wrong. Nothing was charged.',
    FORBIDDEN_ORIGIN: 'Payments are not allowed from this page.',
    INTERNAL: 'Something went wrong. Nothing was charged.',
    ABORTED: 'The request was stopped.',
    FUNDING_REFUSED: 'This payment method did not accept the payment. Nothing was charged.',
    FUNDING_CANCELLED: 'You cancelled at the payment gateway. Nothing was charged.',
    FUNDING_MISMATCH: 'The gateway received a different amount. It is being refunded and the bill was not paid.',
    FUNDING_EXPIRED: 'The payment was not completed in time at the gateway. Anything paid is refunded.',
    FUNDING_NOT_CONFIRMED: 'The payment gateway has not confirmed this payment yet.',
  },
  // The biller's own wording, which customers and support staff already know.
  reasons: {
    MULTIPLE_PAYMENT_SAME_DAY: 'Multiple payment not allowed same day',
    NO_DUE_BILLS: 'No due bills',
    CONSUMER_NOT_FOUND: 'Consumer not found',
    CUSTOMER_NOT_FOUND: 'Customer not found',
    CUSTOMER_NOT_ELIGIBLE: 'Customer is not eligible',
    MAX_NUMBER_EXCEEDED: 'Max number exceeding',
    SESSION_EXPIRED: 'Session expired',
    REFUNDED: 'The amount was refunded',
    MANUALLY_FAILED: 'Failed by the biller',
  },
  consumerNo: 'Consumer number',
  consumerNoHint: 'The new number on your NEA bill, digits only, e.g. 1001613602',
  invalidConsumerNo: 'Enter the consumer number in digits',
  migratedCounter: 'This office has moved to NEA’s new billing: enter your new consumer number.',
  useOldNumbers: 'I only know my old SC No and consumer ID',
  useConsumerNo: 'I have the new consumer number',
  oldNumbersHint: 'Enter your old SC No and consumer ID: we find your new consumer number from them.',
  newConsumerNo: 'Your new consumer number is {number}: keep it for next time.',
  amountRuleV2: 'Pay at least {min} (the oldest bill). You may pay more than all dues ({total}): the rest counts in advance. At most {max}.',
  advanceRule: 'Nothing is due now. You may pay in advance, from {min} to {max}.',
  advanceAmount: 'Amount to pay in advance',
  billsPaid: 'Bills paid',
  paidInAdvance: 'Paid in advance',
  billerTerms: {},
  paidAt: 'Date and time',
  paidOnBs: 'Date (Bikram Sambat)',
  remainingDue: 'Still due after this payment',
  copy: 'Copy',
  copied: 'Copied',
  print: 'Print or save as PDF',
  account: 'Account',
  chargeFor: 'For {amount}: service charge {charge}, total {total}',
  billsCovered: 'Bills this pays',
  gregorianMonths: [],
  stepBills: 'Your due bills',
  bonusExplained: 'Bonus: extra balance Dish Home adds to your account with the recharge, at no cost to you.',
  pendingSince: 'Sent',
  pendingStopped:
    'The biller has still not confirmed this payment, so we have stopped checking here. It stays tracked: its outcome will appear in your payment history. Do not pay these bills again; you can start another payment.',
  startAnother: 'Start another payment',
  payingShort: 'Paying…',
  stillWaiting: 'Still waiting for {biller}…',
  billers: { nea: 'NEA', dreamer: 'Dreamer Electricity', dishhome: 'Dish Home' },
  showCounters: 'Show all counters',
  renewing: 'Your lookup expired before the payment, and nothing was charged. Looking your account up again…',
  renewed: 'Your lookup expired before the payment, and nothing was charged. We looked your account up again: check the amount and pay.',
  paymentMethod: 'Pay with',
  fundingNames: { khalti: 'Khalti', esewa: 'eSewa', host: 'Pay from your balance', none: 'No payment needed' },
  fundingAccounts: { khalti: 'your Khalti account', esewa: 'your eSewa account', host: 'your balance', none: 'you' },
  leavingFor: 'Taking you to {method} to pay {total}…',
  confirmingWith: 'Confirming your payment with {method}…',
  fundingCancelled: 'You cancelled at {method}; nothing was charged.',
  fundingRefunded: 'The biller refused this payment; {amount} was refunded to {account}.',
  fundingRefundDue: 'The biller refused this payment; {amount} will be refunded to {account}.',
  fundingHeld: '{amount} from {account} is held until the biller confirms this payment: it is paid to the biller on success, or returned to {account} if the payment fails. You do not need to pay again.',
  tryAgainOrOther: 'Try again or pay another way',
};

export type Locale = 'en' | 'ne';
export const LOCALES: Locale[] = ['en', 'ne'];

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

export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** The wording of `forms` for `count` in `locale`, e.g. "1 month" / "3 months". */
export function plural(forms: Plural, locale: string, count: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return forms[rules.select(count)] ?? forms.other;
}

/** The localized text for an error code. */
export function errorText(m: Messages, code: WidgetErrorCode): string {
  return m.errors[code];
}

/** The localized text of a biller reason code, or null for none or an unknown one (the error's text says enough). */
export function reasonText(m: Messages, code: string | null): string | null {
  return code !== null && Object.hasOwn(m.reasons, code) ? m.reasons[code as ReasonCode] : null;
}
