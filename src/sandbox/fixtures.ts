/**
 * Deterministic test customers of the sandbox aggregator. Merchants develop against these, the demo
 * lists them and the tests use them, so each one stands for a case a real integration meets.
 * Amounts are rupees exactly as the aggregator sends them; the sandbox converts to paisa inside.
 */

import { rupeesToPaisa } from '../money.js';

/**
 * `http` answers the real body with another HTTP status (`status`).
 * `echo` is a careless aggregator: error 4000 whose `details` repeat the request (URL and body, token
 * included), so tests can prove the proxy never passes upstream text or the token on.
 */
export type FaultKind = 'latency' | 'hang' | 'http500' | 'malformed' | 'http400' | 'http404' | 'http' | 'error' | 'error4000' | 'echo';
export interface Fault {
  kind: FaultKind;
  /** For `latency`: how long to wait before answering. */
  ms?: number;
  /** For `error`: the aggregator error code (1013, 1016, 1019, 4000...); `error4000` is `error` with 4000. */
  code?: string;
  /** For `error`: the `details` text. */
  details?: string;
  /**
   * For `error`: the HTTP status of the refusal (default 400; the aggregator's table holds a 401 or 403
   * like a timeout). For `http`: the step is processed and its real answer comes with this status
   * (201, 429...), which the aggregator's table also says to hold.
   */
  status?: number;
}
export type Step = 'counters' | 'details' | 'servicecharge' | 'commit' | 'status' | 'userinfo';

export interface NeaBillFixture {
  bill_amount: string;
  bill_date: string;
  days: number;
  payable_amount: number;
  due_bill_of: string;
  status: string;
}

export interface NeaCustomerFixture {
  office_code: string;
  sc_no: string;
  consumer_id: string;
  consumer_name: string;
  /** Oldest first. */
  due_bills: NeaBillFixture[];
  /** What this customer demonstrates (shown in the demo and the README). */
  case: string;
  faults?: Partial<Record<Step, Fault>>;
}

export const NEA_COUNTERS = [
  { name: 'AANBU DC', value: '243:aanbu-dc' },
  { name: 'ACHHAM DC', value: '391:achham-dc' },
  { name: 'BANESHWOR DC', value: '226:baneshwor-dc' },
  { name: 'BHAKTAPUR DC', value: '245:bhaktapur-dc' },
  { name: 'BHARATPUR DC', value: '311:bharatpur-dc' },
  { name: 'BIRATNAGAR DC', value: '261:biratnagar-dc' },
  { name: 'BIRGUNJ DC', value: '321:birgunj-dc' },
  { name: 'BUTWAL DC', value: '331:butwal-dc' },
  { name: 'DHARAN DC', value: '262:dharan-dc' },
  { name: 'HETAUDA DC', value: '312:hetauda-dc' },
  { name: 'JORPATI DC', value: '228:jorpati-dc' },
  { name: 'KIRTIPUR DC', value: '229:kirtipur-dc' },
  { name: 'KULESHWOR DC', value: '227:kuleshwor-dc' },
  { name: 'LAGANKHEL DC', value: '231:lagankhel-dc' },
  { name: 'MAHARAJGUNJ DC', value: '225:maharajgunj-dc' },
  { name: 'NEPALGUNJ DC', value: '351:nepalgunj-dc' },
  { name: 'POKHARA DC', value: '341:pokhara-dc' },
  { name: 'RATNAPARK DC', value: '201:ratnapark-dc' },
  { name: 'THIMI DC', value: '246:thimi-dc' },
];

const bill = (
  due_bill_of: string,
  bill_amount: number,
  payable_amount: number,
  days: number,
  status: string,
  bill_date = '2017-02-24',
): NeaBillFixture => ({ bill_amount: String(bill_amount), bill_date, days, payable_amount, due_bill_of, status });

const RATNAPARK = '201:ratnapark-dc';
const BHAKTAPUR = '245:bhaktapur-dc';

export const NEA_CUSTOMERS: NeaCustomerFixture[] = [
  {
    case: 'The seed example: two bills, the second with a -25% penalty; minimum Rs 200, total Rs 450',
    office_code: RATNAPARK,
    sc_no: '024.12.512',
    consumer_id: '3042',
    consumer_name: 'Michael Jackson',
    due_bills: [bill('2073 Magh', 200, 200, 5, 'Normal'), bill('2073 Falgun', 200, 250, 13, '-25% Penalty')],
  },
  {
    case: 'Staging account with a rebate (pays less than billed)',
    office_code: BHAKTAPUR,
    sc_no: '001.01.154',
    consumer_id: '154',
    consumer_name: 'Sita Sharma',
    due_bills: [bill('2081 Kartik', 1000, 980, 3, '2% Rebate', '2024-11-10')],
  },
  {
    case: 'Staging account whose payment fails: "Multiple payment not allowed same day"',
    office_code: BHAKTAPUR,
    sc_no: '001.01.222',
    consumer_id: '222',
    consumer_name: 'Ram Bahadur Thapa',
    due_bills: [bill('2081 Kartik', 300, 300, 12, 'Normal', '2024-11-10')],
    faults: { commit: { kind: 'error4000', details: 'Multiple payment not allowed same day' } },
  },
  {
    case: 'Staging account with penalties on three bills',
    office_code: BHAKTAPUR,
    sc_no: '001.01.333',
    consumer_id: '333',
    consumer_name: 'Hari Prasad Koirala',
    due_bills: [
      bill('2081 Shrawan', 400, 500, 95, '-25% Penalty', '2024-08-10'),
      bill('2081 Bhadra', 400, 440, 64, '-10% Penalty', '2024-09-10'),
      bill('2081 Ashwin', 400, 420, 33, '-5% Penalty', '2024-10-10'),
    ],
  },
  {
    case: 'Staging account, normal: one bill above Rs 500, so a service charge applies',
    office_code: BHAKTAPUR,
    sc_no: '001.01.555',
    consumer_id: '555',
    consumer_name: 'Gita Adhikari',
    due_bills: [bill('2081 Kartik', 1250, 1250, 8, 'Normal', '2024-11-10')],
  },
  {
    case: 'No dues: nothing to pay',
    office_code: RATNAPARK,
    sc_no: '024.12.700',
    consumer_id: '700',
    consumer_name: 'Anita Gurung',
    due_bills: [],
  },
  {
    case: 'Slow aggregator: every step answers after 2.5 s',
    office_code: RATNAPARK,
    sc_no: '024.12.901',
    consumer_id: '901',
    consumer_name: 'Slow Response',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: {
      details: { kind: 'latency', ms: 2500 },
      servicecharge: { kind: 'latency', ms: 2500 },
      commit: { kind: 'latency', ms: 2500 },
    },
  },
  {
    case: 'Commit hangs past the proxy timeout; the payment did go through, so it settles to success',
    office_code: RATNAPARK,
    sc_no: '024.12.902',
    consumer_id: '902',
    consumer_name: 'Hanging Commit',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: { commit: { kind: 'hang' } },
  },
  {
    case: 'Commit answers HTTP 500 after the money moved: pending, then settles to success',
    office_code: RATNAPARK,
    sc_no: '024.12.903',
    consumer_id: '903',
    consumer_name: 'Gateway Error',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: { commit: { kind: 'http500' } },
  },
  {
    case: 'Commit answers malformed JSON after the money moved: pending, then settles to success',
    office_code: RATNAPARK,
    sc_no: '024.12.904',
    consumer_id: '904',
    consumer_name: 'Broken Answer',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: { commit: { kind: 'malformed' } },
  },
  {
    case: 'Commit refused with error 4000 "Max number exceeding"',
    office_code: RATNAPARK,
    sc_no: '024.12.905',
    consumer_id: '905',
    consumer_name: 'Refused Payment',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: { commit: { kind: 'error4000', details: 'Max number exceeding' } },
  },
  {
    case: 'Lookup answers HTTP 500 (safe to retry)',
    office_code: RATNAPARK,
    sc_no: '024.12.906',
    consumer_id: '906',
    consumer_name: 'Lookup Outage',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: { details: { kind: 'http500' } },
  },
  {
    case: 'Lookup answers malformed JSON',
    office_code: RATNAPARK,
    sc_no: '024.12.907',
    consumer_id: '907',
    consumer_name: 'Garbled Lookup',
    due_bills: [bill('2081 Kartik', 300, 300, 4, 'Normal', '2024-11-10')],
    faults: { details: { kind: 'malformed' } },
  },
];

/** Any other combination is an unknown customer: the lookup is refused with error 4000. */
export const UNKNOWN_CUSTOMER_HINT = { office_code: RATNAPARK, sc_no: '999.99.999', consumer_id: '9999' };

/* ---------- NEA's second generation (aggregator docs v8.7, 2026-03-31) ---------- */

/** A v2 bill exactly as the aggregator sends it: every amount and `days` a string. */
export interface NeaV2BillFixture {
  feeType: string;
  feeSubType: string;
  rcvblID: string;
  feeAmount: string;
  payableAmount: string;
  billDate: string;
  billMonth: string;
  days: string;
  rebate: string;
  penalty: string;
  status: string;
  rcvedAmount: string;
}

export interface NeaV2CustomerFixture {
  /** The new consumer number (`request_no` of details). */
  consumer_no: string;
  /** The migrated office (`org_name` of user-info) and the old numbers user-info maps to `consumer_no`. */
  org_name: string;
  sc_no: string;
  old_consumer_id: string;
  consumer_name: string;
  /** Oldest first. */
  due_bills: NeaV2BillFixture[];
  /** The last bill paid, answered as `paid_upto_bill` when nothing is due. */
  paid_upto_bill: NeaV2BillFixture;
  case: string;
  faults?: Partial<Record<Step, Fault>>;
}

/** Offices already on NEA's new billing, as `counters/nea-v2/` lists them (`org_no` from the docs' example). */
export const NEA_V2_MIGRATED_COUNTERS = [
  { name: 'BALAJU', value: '245:balaju-dc', org_no: '110311901' },
  { name: 'KALANKI', value: '236:kalanki-dc', org_no: '110312101' },
];

/** `counters/nea-v2/`: every counter, the seed's (still v1) and the migrated ones. */
export const NEA_V2_COUNTERS = [
  ...NEA_COUNTERS.map((c, i) => ({ ...c, org_no: String(110300001 + i), migrated_to_v2: false })),
  ...NEA_V2_MIGRATED_COUNTERS.map((c) => ({ ...c, migrated_to_v2: true })),
].sort((a, b) => a.name.localeCompare(b.name));

/** Paisa as v2 writes rupees: always two decimals ("1874.83", "0.00"). */
export const v2Rupees = (paisa: number) => `${Math.trunc(paisa / 100)}.${String(paisa % 100).padStart(2, '0')}`;

const v2Bill = (
  rcvblID: string,
  billMonth: string,
  billDate: string,
  days: number,
  amounts: { fee: string; rebate?: string; penalty?: string; received?: string },
  status: string,
): NeaV2BillFixture => {
  const paisa = (s = '0') => rupeesToPaisa(s)!;
  const payable = paisa(amounts.fee) + paisa(amounts.penalty) - paisa(amounts.rebate) - paisa(amounts.received);
  return {
    feeType: 'Power Charge',
    feeSubType: 'Power Charge',
    rcvblID,
    feeAmount: amounts.fee,
    payableAmount: v2Rupees(Math.max(0, payable)),
    billDate,
    billMonth,
    days: String(days),
    rebate: amounts.rebate ?? '0.00',
    penalty: amounts.penalty ?? '0.00',
    status,
    rcvedAmount: amounts.received ?? '0.00',
  };
};

/** The docs' "paid" example: the last bill paid of a customer with nothing due. */
const PAID_UPTO = { ...v2Bill('676755292', '208210', '20260119', 17, { fee: '30.00', penalty: '1.50', received: '30.00' }, '+5% Penalty'), payableAmount: '0.00' };
const oneBill = (id: string) => [v2Bill(id, '208210', '20260119', 17, { fee: '420.00', rebate: '8.40' }, '2% Rebate')];

const v2Fault = (n: string, name: string, what: string, faults: NeaV2CustomerFixture['faults']): NeaV2CustomerFixture => ({
  case: what,
  consumer_no: `10016009${n}`,
  org_name: 'kalanki',
  sc_no: `236.09.${n}`,
  old_consumer_id: `9${n}`,
  consumer_name: name,
  due_bills: oneBill(`6769009${n}`),
  paid_upto_bill: PAID_UPTO,
  faults,
});

export const NEA_V2_CUSTOMERS: NeaV2CustomerFixture[] = [
  {
    case: "The docs' example: two bills with penalties and paisa (Rs 1,232.75 and Rs 642.08; total Rs 1,874.83)",
    consumer_no: '1001595737',
    org_name: 'balaju',
    sc_no: '216.29.001A1',
    old_consumer_id: '21901',
    consumer_name: 'DIPESH KHATRI',
    due_bills: [
      v2Bill('676683371', '208209', '20251220', 47, { fee: '988.00', penalty: '246.55', received: '1.80' }, '+25% Penalty'),
      v2Bill('676754676', '208210', '20260119', 17, { fee: '611.50', penalty: '30.58' }, '+5% Penalty'),
    ],
    paid_upto_bill: PAID_UPTO,
  },
  {
    case: "Known by the old numbers only (the docs' example): user-info maps SC No 216.29.013A1, consumer ID 21907 at BALAJU to 1001613602",
    consumer_no: '1001613602',
    org_name: 'balaju',
    sc_no: '216.29.013A1',
    old_consumer_id: '21907',
    consumer_name: 'KRISHNA BAHADUR SHRESTHA',
    due_bills: [v2Bill('676760118', '208210', '20260119', 17, { fee: '1250.00', penalty: '62.50' }, '+5% Penalty')],
    paid_upto_bill: PAID_UPTO,
  },
  {
    case: "Nothing due (the docs' paid example): pays in advance, without bill_id",
    consumer_no: '1001595738',
    org_name: 'balaju',
    sc_no: '216.29.002A1',
    old_consumer_id: '21902',
    consumer_name: 'RAJESWARI   GIRI',
    due_bills: [],
    paid_upto_bill: PAID_UPTO,
  },
  v2Fault('22', 'Same Day Refusal', 'Payment refused: "Multiple payment not allowed same day"', { commit: { kind: 'error4000', details: 'Multiple payment not allowed same day' } }),
  v2Fault('01', 'Slow Response', 'Slow: user-info, details and commit answer after 2.5 s', {
    userinfo: { kind: 'latency', ms: 2500 },
    details: { kind: 'latency', ms: 2500 },
    commit: { kind: 'latency', ms: 2500 },
  }),
  v2Fault('02', 'Hanging Commit', 'Commit hangs past the proxy timeout (the money moved): pending, then success', { commit: { kind: 'hang' } }),
  v2Fault('03', 'Gateway Error', 'Commit answers HTTP 500 after the money moved: pending, then success', { commit: { kind: 'http500' } }),
  v2Fault('04', 'Broken Answer', 'Commit answers malformed JSON after the money moved: pending, then success', { commit: { kind: 'malformed' } }),
  v2Fault('05', 'Refused Payment', 'Commit refused with error 4000 "Max number exceeding"', { commit: { kind: 'error4000', details: 'Max number exceeding' } }),
  v2Fault('06', 'Lookup Outage', 'Lookup answers HTTP 500', { details: { kind: 'http500' } }),
  v2Fault('07', 'Garbled Lookup', 'Lookup answers malformed JSON', { details: { kind: 'malformed' } }),
];

/** Any other new number is unknown: details refuse it with error 4000 "Consumer not found". */
export const UNKNOWN_CONSUMER_NO = '1009999999';

/* ---------- Dreamer Electricity (seed 000) ---------- */

export interface DreamerBillFixture {
  bill_id: number;
  bill_year: string;
  bill_month: string;
  bill_amount: number;
  penalty: number;
  discount: number;
  no_of_days: number;
  total_amount: number;
}

export interface DreamerCustomerFixture {
  service_slug: string;
  customer_code: string;
  consumer_id: number;
  consumer_name: string;
  address: string;
  due_bills: DreamerBillFixture[];
  case: string;
  faults?: Partial<Record<Step, Fault>>;
}

/** The seed lists one Dreamer service and says "others to be added". */
export const DREAMER_SERVICES = [{ slug: 'khamari-khola-electricity', name: 'Khamari Khola Electricity' }];
const KHAMARI = 'khamari-khola-electricity';

const dreamerBill = (
  bill_id: number,
  bill_month: string,
  bill_amount: number,
  penalty: number,
  discount: number,
  no_of_days: number,
  bill_year = '2081',
): DreamerBillFixture => ({
  bill_id,
  bill_year,
  bill_month,
  bill_amount,
  penalty,
  discount,
  no_of_days,
  total_amount: bill_amount + penalty - discount,
});

const dreamerFault = (code: string, name: string, what: string, faults: DreamerCustomerFixture['faults']): DreamerCustomerFixture => ({
  case: what,
  service_slug: KHAMARI,
  customer_code: code,
  consumer_id: Number(code.replace(/\D/g, '')),
  consumer_name: `${code} ${name}`,
  address: 'Khamari',
  due_bills: [dreamerBill(900, 'Kartik', 300, 0, 0, 4)],
  faults,
});

export const DREAMER_CUSTOMERS: DreamerCustomerFixture[] = [
  {
    case: 'The seed example: one bill of Rs 200 with a Rs 20 discount; pays Rs 180',
    service_slug: KHAMARI,
    customer_code: '01-1',
    consumer_id: 13,
    consumer_name: '01-1 Bryan Hamal',
    address: 'Tole',
    due_bills: [dreamerBill(58, 'Baishak', 200, 0, 20, 2, '2078')],
  },
  {
    case: 'Three bills: a discount on the newest, penalties on the two oldest',
    service_slug: KHAMARI,
    customer_code: '01-2',
    consumer_id: 14,
    consumer_name: '01-2 Maya Tamang',
    address: 'Bazaar',
    due_bills: [dreamerBill(71, 'Shrawan', 450, 45, 0, 96), dreamerBill(72, 'Bhadra', 520, 26, 0, 65), dreamerBill(73, 'Ashwin', 480, 0, 24, 12)],
  },
  {
    case: 'No dues: nothing to pay',
    service_slug: KHAMARI,
    customer_code: '01-3',
    consumer_id: 15,
    consumer_name: '01-3 Bikash Rai',
    address: 'Tole',
    due_bills: [],
  },
  dreamerFault('09-2', 'Hanging Commit', 'Commit hangs past the proxy timeout (the money moved): pending, then success', { commit: { kind: 'hang' } }),
  dreamerFault('09-3', 'Gateway Error', 'Commit answers HTTP 500 after the money moved: pending, then success', { commit: { kind: 'http500' } }),
  dreamerFault('09-5', 'Refused Payment', 'Commit refused with error 4000', { commit: { kind: 'error4000', details: 'Max number exceeding' } }),
  dreamerFault('09-6', 'Lookup Outage', 'Lookup answers HTTP 500', { details: { kind: 'http500' } }),
];

/* ---------- Dish Home (seed 004) ---------- */

export interface DishhomePackageFixture {
  description: string;
  price: number;
  duration_type: number;
  bonus: number;
  is_regular: boolean;
  idx: number;
}

export interface DishhomeCustomerFixture {
  customer_id: string;
  package: string;
  expiry_date: string;
  zone: string;
  district: string;
  customer_type: string;
  customer_status: string;
  customer_class: string;
  yearly_price: number;
  case: string;
  faults?: Partial<Record<Step, Fault>>;
}

/** The seed's package list, offered to every sandbox customer. */
export const DISHHOME_PACKAGES: DishhomePackageFixture[] = [
  { description: '1 Month', price: 400.0, duration_type: 1, bonus: 0.0, is_regular: false, idx: 1 },
  { description: '3 Months', price: 1200.0, duration_type: 3, bonus: 400.0, is_regular: false, idx: 2 },
  { description: '6 Months', price: 2399.0, duration_type: 6, bonus: 1201.0, is_regular: false, idx: 3 },
  { description: '12 Months', price: 4800.0, duration_type: 12, bonus: 4800.0, is_regular: false, idx: 4 },
  { description: 'Regular', price: 2000.0, duration_type: 0, bonus: 400.0, is_regular: true, idx: 5 },
  { description: 'Regular', price: 1000.0, duration_type: 0, bonus: 100.0, is_regular: true, idx: 6 },
  { description: 'Regular', price: 700.0, duration_type: 0, bonus: 35.0, is_regular: true, idx: 7 },
  { description: 'Regular', price: 600.0, duration_type: 0, bonus: 30.0, is_regular: true, idx: 8 },
  { description: 'Regular', price: 500.0, duration_type: 0, bonus: 25.0, is_regular: true, idx: 9 },
];

const dishhome = (customer_id: string, what: string, patch: Partial<DishhomeCustomerFixture> = {}): DishhomeCustomerFixture => ({
  customer_id,
  package: 'Basic Package',
  expiry_date: '2026-12-28T11:15:00',
  zone: 'Bagmati Zone',
  district: 'Kathmandu',
  customer_type: 'House',
  customer_status: 'Prepaid On',
  customer_class: '1-Residential',
  yearly_price: 4800.0,
  case: what,
  ...patch,
});

export const DISHHOME_CUSTOMERS: DishhomeCustomerFixture[] = [
  dishhome('1111', 'The seed example: Basic Package in Surkhet', {
    expiry_date: '2037-11-28T11:15:00',
    zone: 'Mid-West | Bheri Zone',
    district: 'Surkhet',
  }),
  dishhome('71909771942', 'The staging customer id', { package: 'Premium HD Package', yearly_price: 7200.0 }),
  dishhome('2222', 'Subscription expired (Prepaid Off): a recharge switches it on', {
    customer_status: 'Prepaid Off',
    expiry_date: '2026-10-01T11:15:00',
  }),
  dishhome('9000000002', 'Commit hangs past the proxy timeout (the recharge went through)', { faults: { commit: { kind: 'hang' } } }),
  dishhome('9000000005', 'Recharge refused with error 4000', { faults: { commit: { kind: 'error4000', details: 'Customer is not eligible' } } }),
  dishhome('9000000006', 'Lookup answers HTTP 500', { faults: { details: { kind: 'http500' } } }),
];
