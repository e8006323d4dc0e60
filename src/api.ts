/**
 * The merchant proxy's own API: the single contract between the widgets (browser) and the proxy (Node).
 * The schemas are zod/mini; the proxy validates every request body with them and answers what they
 * describe. The browser never bundles zod: it reads the answers with guards generated from these response
 * schemas (internal/guards.generated.ts, `npm run guards`), and takes the patterns and codes from fields.ts.
 */
import * as z from 'zod/mini';
import { CONSUMER_ID, CONSUMER_NO, CUSTOMER_CODE, DISHHOME_CUSTOMER_ID, DREAMER_SLUG, FUNDING_METHODS, FUNDING_STATES, OFFICE_CODE, PAYMENT_STATES, REFERENCE, SC_NO } from './fields.js';
import { SERVICES } from './services.js';

/** Services the proxy knows: the registry's (services.ts). */
export { SERVICES, type ServiceId } from './services.js';
/** The contract's zod-free half: patterns, enums, codes (fields.ts). */
export * from './fields.js';
/** Which bills an amount reaches (bills.ts). */
export * from './bills.js';
/** The error codes' statuses (the server's; the widgets check names only: fields.ts `isErrorCode`). */
export { ERROR_CODES } from './error-codes.js';

const paisa = z.int().check(z.minimum(0), z.maximum(1e12));
const positivePaisa = z.int().check(z.minimum(1), z.maximum(1e12));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/**
 * The old numbers (SC No and consumer ID): the seed's lookup at a counter not migrated yet, and at a
 * migrated counter for a customer who knows only them (the proxy asks the aggregator for the new number).
 */
export const neaOldNumbersLookup = z.strictObject({
  office_code: text(70).check(z.regex(OFFICE_CODE)),
  sc_no: text(32).check(z.regex(SC_NO)),
  consumer_id: text(12).check(z.regex(CONSUMER_ID)),
});
/** The new consumer number, only at a counter migrated to NEA's second generation (`migrated_to_v2`). */
export const neaConsumerNoLookup = z.strictObject({
  office_code: text(70).check(z.regex(OFFICE_CODE)),
  consumer_no: text(20).check(z.regex(CONSUMER_NO)),
});
export const neaLookupRequest = z.union([neaOldNumbersLookup, neaConsumerNoLookup]);
export type NeaLookupRequest = z.infer<typeof neaLookupRequest>;

export const dreamerLookupRequest = z.strictObject({
  service_slug: text(60).check(z.regex(DREAMER_SLUG)),
  customer_code: text(30).check(z.regex(CUSTOMER_CODE)),
});
export type DreamerLookupRequest = z.infer<typeof dreamerLookupRequest>;

export const dishhomeLookupRequest = z.strictObject({ customer_id: text(20).check(z.regex(DISHHOME_CUSTOMER_ID)) });
export type DishhomeLookupRequest = z.infer<typeof dishhomeLookupRequest>;

export const dreamerServicesResponse = z.object({ services: z.array(z.object({ slug: z.string(), name: z.string() })) });
export type DreamerService = z.infer<typeof dreamerServicesResponse>['services'][number];

export const counter = z.object({
  name: z.string(),
  value: z.string(),
  /** True: the office moved to NEA's second generation, so the customer gives the new consumer number (or the old numbers). */
  migrated_to_v2: z.optional(z.boolean()),
});
export const countersResponse = z.object({ counters: z.array(counter) });
export type Counter = z.infer<typeof counter>;

export const bill = z.object({
  /** Label of the billing period as the aggregator gives it (Nepali month names as-is). */
  label: z.string(),
  date: z.nullable(z.string()),
  days: z.nullable(z.int()),
  status: z.nullable(z.string()),
  bill_paisa: paisa,
  /** Dreamer shows these per bill; NEA folds them into the payable amount (null). */
  discount_paisa: z.nullable(paisa),
  penalty_paisa: z.nullable(paisa),
  payable_paisa: paisa,
  /** NEA v2: the bill's id at NEA (`rcvblID`). */
  bill_id: z.optional(z.string()),
  /** NEA v2: the billing month, Bikram Sambat `YYYYMM` (e.g. "208209"). */
  bill_month: z.optional(z.string()),
  /** NEA v2: what was already received for this bill (`rcvedAmount`). */
  received_paisa: z.optional(paisa),
});
export type Bill = z.infer<typeof bill>;

/** A Dish Home package: a duration package (`months` > 0) or a regular top-up. */
export const pkg = z.object({
  id: z.int(),
  description: z.string(),
  price_paisa: paisa,
  months: z.int(),
  bonus_paisa: paisa,
  regular: z.boolean(),
});
export type Package = z.infer<typeof pkg>;

/**
 * A labelled fact about the customer or a receipt (package, expiry, zone, receipt no...). Keys are stable
 * so widgets can translate the label; values are shown as given.
 */
export const fact = z.object({ key: z.string(), value: z.string() });
export type Fact = z.infer<typeof fact>;

/** What a lookup answers: an opaque quote id and what the customer may pay. Never the aggregator's session. */
export const quote = z.object({
  quote_id: z.string(),
  service: z.enum(SERVICES),
  expires_at: z.string(),
  test_mode: z.boolean(),
  customer_name: z.string(),
  facts: z.array(fact),
  /** Oldest first. */
  bills: z.array(bill),
  /** When not empty, the customer pays one of these (Dish Home) instead of an amount. */
  packages: z.array(pkg),
  total_due_paisa: paisa,
  min_paisa: paisa,
  max_paisa: paisa,
  /** NEA: which generation of NEA's billing serves the account (v2: any amount from the oldest bill up, or in advance). */
  generation: z.optional(z.enum(['v1', 'v2'])),
  /** NEA v2, looked up with the old numbers: the new consumer number, for the customer to keep. */
  new_consumer_no: z.optional(z.string()),
});
export type Quote = z.infer<typeof quote>;

const packageId = z.optional(z.int().check(z.minimum(0), z.maximum(1e9)));
export const chargeRequest = z.strictObject({ quote_id: text(64), amount_paisa: positivePaisa, package_id: packageId });
export type ChargeRequest = z.infer<typeof chargeRequest>;
export const chargeResponse = z.object({
  amount_paisa: paisa,
  service_charge_paisa: paisa,
  total_paisa: paisa,
});
export type Charge = z.infer<typeof chargeResponse>;

export const payRequest = z.strictObject({
  ...chargeRequest.shape,
  /** Optional only while FUNDING offers one method that secures at once (host, none). */
  funding: z.optional(z.enum(FUNDING_METHODS)),
  /** Where a gateway sends the customer back: the page the widget is on (an allowed origin). */
  return_url: z.optional(text(2000)),
});
export type PayRequest = z.infer<typeof payRequest>;

/** The query of the return URL, as the gateway sent the customer back (a hint: the proxy asks the gateway). */
export const resumeRequest = z.strictObject({
  params: z.record(z.string().check(z.maxLength(100)), z.string().check(z.maxLength(4000))).check(z.refine((p) => Object.keys(p).length <= 30, 'at most 30 parameters')),
});
export type ResumeRequest = z.infer<typeof resumeRequest>;

/** What the browser does next to fund a payment: go to the gateway's page, or post its signed form. */
export const nextStep = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('redirect'), url: z.string() }),
  z.object({ kind: z.literal('form'), action: z.string(), fields: z.record(z.string(), z.string()) }),
]);
export type NextStep = z.infer<typeof nextStep>;

/** The methods FUNDING offers, in its order: what the widget's confirm step lets the customer choose from. */
export const fundingResponse = z.object({ methods: z.array(z.enum(FUNDING_METHODS)) });
export type FundingResponse = z.infer<typeof fundingResponse>;

/** The aggregator's delivery report (a hint only): its reference is what the proxy looks up. */
export const deliveryReport = z.looseObject({ reference: text(50).check(z.regex(REFERENCE)) });

export const payment = z.object({
  reference: z.string(),
  service: z.enum(SERVICES),
  state: z.enum(PAYMENT_STATES),
  amount_paisa: paisa,
  service_charge_paisa: paisa,
  total_paisa: paisa,
  transaction_id: z.nullable(z.string()),
  customer_name: z.string(),
  /** What the biller's answer adds to the receipt (Dreamer's receipt no, Dish Home's new expiry). */
  receipt: z.array(fact),
  error_code: z.nullable(z.string()),
  /** A recognised biller reason (REASON_CODES; a string, so a newer proxy's codes still parse), or null. */
  reason_code: z.nullable(z.string()),
  /** The English text of `reason_code`, never the aggregator's own words. */
  reason: z.nullable(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  /** Set when an operator settled the payment by hand (`bill-pay-settle`): by what, when, and why. */
  settled_by: z.optional(z.string()),
  settled_at: z.optional(z.string()),
  note: z.optional(z.string()),
  /** How the customer's money was taken, and where it is (refunded, refund due, captured...). */
  funding: z.optional(z.object({ method: z.enum(FUNDING_METHODS), state: z.enum(FUNDING_STATES) })),
  /** While the funding is awaited: what the browser does next. */
  next: z.optional(nextStep),
});
export type Payment = z.infer<typeof payment>;

/** The signed-in consumer's payments, as the portal's paginated lists (API no. 04 / 40) ask for them. */
export const historyRequest = z.strictObject({
  page_size: z.int().check(z.minimum(1), z.maximum(100)),
  page_no: z.int().check(z.minimum(1), z.maximum(100000)),
  search_query: z.optional(z.string().check(z.maxLength(100))),
  filter_parameters: z.optional(
    z.strictObject({
      status: z.optional(z.array(z.enum(PAYMENT_STATES)).check(z.maxLength(PAYMENT_STATES.length))),
      service: z.optional(z.array(z.enum(SERVICES)).check(z.maxLength(SERVICES.length))),
    }),
  ),
});
export type HistoryRequest = z.infer<typeof historyRequest>;

/** One payment in the history (in the spirit of the portal's API no. 40; amounts in paisa). */
export const historyRecord = z.object({
  reference: z.string(),
  service: z.enum(SERVICES),
  customer_name: z.string(),
  status: z.enum(PAYMENT_STATES),
  bill_paid: z.boolean(),
  payment_date: z.string(),
  payment_mode: z.string(),
  bill_amount_paisa: paisa,
  service_charge_paisa: paisa,
  total_paisa: paisa,
  transaction_id: z.nullable(z.string()),
  /** Set when an operator settled the payment by hand, as in `payment`. */
  settled_by: z.optional(z.string()),
  settled_at: z.optional(z.string()),
  note: z.optional(z.string()),
});
export const historyResponse = z.object({ records: z.array(historyRecord), total: z.int() });
export type HistoryRecord = z.infer<typeof historyRecord>;

/** One payment's receipt (in the spirit of the portal's API no. 42; amounts in paisa). */
export const receiptResponse = z.object({
  bill_id: z.string(),
  payment_date: z.string(),
  payment_mode: z.string(),
  bill_amount_paisa: paisa,
  service_charge_paisa: paisa,
  total_paisa: paisa,
  service: z.enum(SERVICES),
  customer_name: z.string(),
  transaction_id: z.nullable(z.string()),
  details: z.array(fact),
});
export type Receipt = z.infer<typeof receiptResponse>;

/**
 * The ElectroSoft unified envelope (seed 003) that every proxy answer uses, with `error_code` added
 * on errors (and `retryable`, `reason_code` with its English `reason`, `details` where they help the caller).
 */
export const envelope = z.object({
  data: z.nullable(z.object({ response: z.unknown(), success_message: z.string() })),
  error_message: z.string(),
  is_error: z.boolean(),
  error_code: z.optional(z.string()),
  retryable: z.optional(z.boolean()),
  reason: z.optional(z.nullable(z.string())),
  reason_code: z.optional(z.nullable(z.string())),
  details: z.optional(z.unknown()),
});
export type Envelope = z.infer<typeof envelope>;

/** The `details` of an error about a payment the proxy has (IDEMPOTENCY_IN_FLIGHT, QUOTE_ALREADY_PAID...): its reference. */
export const referenceDetails = z.object({ reference: z.string() });
export type ReferenceDetails = z.infer<typeof referenceDetails>;
