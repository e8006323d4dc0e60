/**
 * Deterministic test customers of the sandbox aggregator. Merchants develop against these, the demo
 * lists them and the tests use them, so each one stands for a case a real integration meets.
 * Amounts are rupees exactly as the aggregator sends them; the sandbox converts to paisa inside.
 */

export type FaultKind = 'latency' | 'hang' | 'http500' | 'malformed' | 'error4000';
export interface Fault {
  kind: FaultKind;
  /** For `latency`: how long to wait before answering. */
  ms?: number;
  /** For `error4000`: the `details` text. */
  details?: string;
}
export type Step = 'counters' | 'details' | 'servicecharge' | 'commit' | 'status';

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
