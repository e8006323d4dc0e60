/**
 * Every user-facing string of the widgets, in English and Nepali. Templates never hold literal text.
 * `{name}` placeholders are filled by `t()`. Month names from the aggregator are shown as they come.
 */
export interface Messages {
  neaTitle: string;
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
  loadingCounters: string;
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
  payBills: string;
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
  doNotClose: string;
  receiptTitle: string;
  paidTo: string;
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
  stepConfirm: string;
  errors: Record<string, string>;
}

const en: Messages = {
  neaTitle: 'Pay NEA electricity bill',
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
  loadingCounters: 'Loading counters…',
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
  payBills: 'Oldest {count} bill(s): {amount}',
  customAmount: 'Another amount',
  amountRule: 'Pay at least {min} (the oldest bill) and at most {max} (all dues).',
  invalidAmount: 'Enter an amount from {min} to {max}',
  continue: 'Continue',
  pricing: 'Working out the service charge…',
  confirmTitle: 'Confirm your payment',
  amount: 'Bill amount',
  serviceCharge: 'Service charge',
  total: 'Total',
  payNow: 'Pay {total}',
  paying: 'Paying… do not close this page.',
  doNotClose: 'Your payment is being processed.',
  receiptTitle: 'Payment successful',
  paidTo: 'Paid for',
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
  stepConfirm: 'Confirm',
  errors: {
    VALIDATION: 'Some details are not valid. Check them and try again.',
    QUOTE_NOT_FOUND: 'This lookup is no longer valid. Look up the account again.',
    QUOTE_EXPIRED: 'This lookup has expired. Look up the account again.',
    NO_DUES: 'This account has no dues.',
    AMOUNT_OUT_OF_RANGE: 'This amount cannot be paid for this account.',
    QUOTE_ALREADY_PAID: 'A payment for these bills is already done or under way.',
    LOOKUP_REJECTED: 'The biller could not find this account.',
    PAYMENT_REJECTED: 'The biller did not accept this payment. Nothing was charged.',
    SERVICE_UNAVAILABLE: 'This service is not available right now. Try again later.',
    UPSTREAM_TIMEOUT: 'The biller took too long to answer. Try again.',
    UPSTREAM_ERROR: 'The biller could not be reached. Try again.',
    RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
    IDEMPOTENCY_IN_FLIGHT: 'Your payment is still being processed.',
    NETWORK: 'No connection to the payment service. Check your connection and try again.',
    TIMEOUT: 'The payment service took too long to answer.',
    BAD_RESPONSE: 'The payment service gave an answer we could not read.',
    PAY_UNCONFIRMED: 'We could not confirm your payment. Do not pay again: check its status.',
    UNKNOWN: 'Something went wrong. Nothing was charged.',
  },
};

const ne: Messages = {
  neaTitle: 'नेपाल विद्युत प्राधिकरणको बिल भुक्तानी',
  testMode: 'परीक्षण मोड: वास्तविक पैसा जाँदैन',
  counter: 'एनईए काउन्टर',
  counterHint: 'खोज्न टाइप गर्नुहोस्, अनि आफ्नो काउन्टर छान्नुहोस्',
  counterNone: 'कुनै काउन्टर मिलेन',
  scNo: 'एससी नं.',
  scNoHint: 'थोप्लाले छुट्याइएका तीन समूह, जस्तै 024.12.512',
  consumerId: 'ग्राहक आईडी',
  consumerIdHint: 'अङ्क मात्र, जस्तै 3042',
  required: 'आवश्यक छ',
  invalidScNo: 'एससी नं. थोप्लाले छुट्याइएका अक्षर वा अङ्कका तीन समूहमा लेख्नुहोस्',
  invalidConsumerId: 'ग्राहक आईडी अङ्कमा लेख्नुहोस्',
  invalidCounter: 'सूचीबाट काउन्टर छान्नुहोस्',
  lookUp: 'बिल खोज्नुहोस्',
  lookingUp: 'तपाईंको बिल खोजिँदैछ…',
  loadingCounters: 'काउन्टरहरू लोड हुँदैछन्…',
  cancel: 'रद्द गर्नुहोस्',
  retry: 'फेरि प्रयास गर्नुहोस्',
  back: 'पछाडि',
  startOver: 'सुरुबाट गर्नुहोस्',
  customer: 'ग्राहक',
  dueBills: 'बाँकी बिलहरू',
  period: 'बिल महिना',
  status: 'स्थिति',
  days: 'दिन',
  payable: 'तिर्नुपर्ने',
  noDues: 'यो खातामा कुनै बाँकी छैन। तिर्नुपर्ने केही छैन।',
  chooseAmount: 'कति रकम तिर्न चाहनुहुन्छ?',
  payBills: 'पुराना {count} बिल: {amount}',
  customAmount: 'अर्को रकम',
  amountRule: 'कम्तीमा {min} (सबैभन्दा पुरानो बिल) र बढीमा {max} (सबै बाँकी) तिर्नुहोस्।',
  invalidAmount: '{min} देखि {max} सम्मको रकम लेख्नुहोस्',
  continue: 'अगाडि बढ्नुहोस्',
  pricing: 'सेवा शुल्क हिसाब हुँदैछ…',
  confirmTitle: 'भुक्तानी पुष्टि गर्नुहोस्',
  amount: 'बिल रकम',
  serviceCharge: 'सेवा शुल्क',
  total: 'जम्मा',
  payNow: '{total} तिर्नुहोस्',
  paying: 'भुक्तानी हुँदैछ… यो पेज बन्द नगर्नुहोस्।',
  doNotClose: 'तपाईंको भुक्तानी प्रक्रियामा छ।',
  receiptTitle: 'भुक्तानी सफल भयो',
  paidTo: 'भुक्तानी गरिएको',
  reference: 'सन्दर्भ नं.',
  transactionId: 'कारोबार नं.',
  payAnother: 'अर्को बिल तिर्नुहोस्',
  pendingTitle: 'भुक्तानी पुष्टि हुन बाँकी',
  pendingBody: 'बिलरले यो भुक्तानी अझै पुष्टि गरेको छैन। फेरि नतिर्नुहोस्: हामी स्थिति जाँच गर्दैछौं।',
  checking: 'भुक्तानीको स्थिति जाँच हुँदैछ…',
  checkNow: 'अहिले स्थिति जाँच्नुहोस्',
  failedTitle: 'भुक्तानी पूरा भएन',
  stepLookup: 'आफ्नो खाता खोज्नुहोस्',
  stepChoose: 'रकम छान्नुहोस्',
  stepConfirm: 'पुष्टि',
  errors: {
    VALIDATION: 'केही विवरण मिलेन। जाँचेर फेरि प्रयास गर्नुहोस्।',
    QUOTE_NOT_FOUND: 'यो खोज अब मान्य छैन। खाता फेरि खोज्नुहोस्।',
    QUOTE_EXPIRED: 'यो खोजको समय सकियो। खाता फेरि खोज्नुहोस्।',
    NO_DUES: 'यो खातामा कुनै बाँकी छैन।',
    AMOUNT_OUT_OF_RANGE: 'यो खातामा यो रकम तिर्न मिल्दैन।',
    QUOTE_ALREADY_PAID: 'यी बिलको भुक्तानी भइसकेको वा प्रक्रियामा छ।',
    LOOKUP_REJECTED: 'बिलरले यो खाता भेटेन।',
    PAYMENT_REJECTED: 'बिलरले यो भुक्तानी स्वीकार गरेन। कुनै रकम काटिएको छैन।',
    SERVICE_UNAVAILABLE: 'यो सेवा अहिले उपलब्ध छैन। पछि प्रयास गर्नुहोस्।',
    UPSTREAM_TIMEOUT: 'बिलरले जवाफ दिन धेरै समय लगायो। फेरि प्रयास गर्नुहोस्।',
    UPSTREAM_ERROR: 'बिलरसम्म पुग्न सकिएन। फेरि प्रयास गर्नुहोस्।',
    RATE_LIMITED: 'धेरै प्रयास भए। एक मिनेट पर्खेर फेरि गर्नुहोस्।',
    IDEMPOTENCY_IN_FLIGHT: 'तपाईंको भुक्तानी अझै प्रक्रियामा छ।',
    NETWORK: 'भुक्तानी सेवासँग जडान भएन। इन्टरनेट जाँचेर फेरि प्रयास गर्नुहोस्।',
    TIMEOUT: 'भुक्तानी सेवाले जवाफ दिन धेरै समय लगायो।',
    BAD_RESPONSE: 'भुक्तानी सेवाको जवाफ बुझ्न सकिएन।',
    PAY_UNCONFIRMED: 'भुक्तानी पुष्टि गर्न सकिएन। फेरि नतिर्नुहोस्: स्थिति जाँच्नुहोस्।',
    UNKNOWN: 'केही गडबड भयो। कुनै रकम काटिएको छैन।',
  },
};

export type Locale = 'en' | 'ne';
export const LOCALES: Record<Locale, Messages> = { en, ne };
export type MessageKey = Exclude<keyof Messages, 'errors'>;

export function messages(locale: string): Messages {
  return LOCALES[locale as Locale] ?? en;
}

export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** The localized text for an error code; unknown codes get the generic message. */
export function errorText(m: Messages, code: string): string {
  return m.errors[code] ?? m.errors.UNKNOWN!;
}
