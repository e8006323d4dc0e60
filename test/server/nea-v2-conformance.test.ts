/**
 * Conformance of NEA's second generation: the aggregator's documented example bodies (its docs v8.7,
 * summarised in AGGREGATOR-FACTS.md) go through the provider's own parsers, and so do the sandbox's
 * answers, so the sandbox cannot drift from the documentation without a test saying so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { NEA_V2_CUSTOMERS } from '../../src/sandbox/fixtures.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import {
  billIdsFor,
  neaV2Counters,
  neaV2Details,
  neaV2Quote,
  neaV2UserInfo,
  serviceChargeV2,
} from '../../src/server/providers/nea.js';
import { classifyCommit } from '../../src/server/providers/upstream.js';

const CAP = 10_000_000;

const DOC = {
  counters: { counters: [{ name: 'BALAJU', value: '245:balaju-dc', org_no: '110311901', migrated_to_v2: true }], status: true },
  due: {
    session_id: 19259,
    consumer_name: 'DIPESH KHATRI',
    total_due_amount: '1874.83',
    due_bills: [
      {
        feeType: 'Power Charge',
        feeSubType: 'Power Charge',
        rcvblID: '676683371',
        feeAmount: '988.00',
        payableAmount: '1232.75',
        billDate: '20251220',
        billMonth: '208209',
        days: '47',
        rebate: '0.00',
        penalty: '246.55',
        status: '+25% Penalty',
        rcvedAmount: '1.80',
      },
      {
        feeType: 'Power Charge',
        feeSubType: 'Power Charge',
        rcvblID: '676754676',
        feeAmount: '611.50',
        payableAmount: '642.08',
        billDate: '20260119',
        billMonth: '208210',
        days: '17',
        rebate: '0.00',
        penalty: '30.58',
        status: '+5% Penalty',
        rcvedAmount: '0.00',
      },
    ],
    paid_upto_bill: [],
    status: true,
  },
  paid: {
    session_id: 19260,
    consumer_name: 'RAJESWARI   GIRI',
    total_due_amount: '0.00',
    due_bills: [],
    paid_upto_bill: {
      feeType: 'Power Charge',
      feeSubType: 'Power Charge',
      rcvblID: '676755292',
      feeAmount: '30.00',
      rcvedAmount: '30.00',
      payableAmount: '0.00',
      billDate: '20260119',
      billMonth: '208210',
      days: '17',
      rebate: '0.00',
      penalty: '1.50',
      status: '+5% Penalty',
    },
    status: true,
  },
  userInfo: { consumer_no: '1001613602', status: true },
  serviceCharge: { status: true, details: { amount: 500, service_charge: 5.0 } },
  commit: {
    status: true,
    state: 'Success',
    message: 'Successfully Completed Transaction',
    extra_data: {},
    detail: 'SUCCESS',
    credits_consumed: 40,
    credits_available: 99991568288.7198,
    id: 176267,
  },
};

describe('NEA v2: the documented examples through the provider', () => {
  it('reads the counter list with each counter\'s generation', () => {
    assert.deepEqual(neaV2Counters.parse(DOC.counters).counters, DOC.counters.counters);
  });

  it('reads the due-bills example exactly: string amounts to integer paisa, string days, YYYYMMDD dates', () => {
    const q = neaV2Quote(neaV2Details.parse(DOC.due), '1001595737', CAP);
    assert.deepEqual(
      q.bills.map((b) => [b.bill_id, b.bill_paisa, b.penalty_paisa, b.discount_paisa, b.received_paisa, b.payable_paisa, b.days, b.date, b.bill_month]),
      [
        ['676683371', 98800, 24655, 0, 180, 123275, 47, '2025-12-20', '208209'],
        ['676754676', 61150, 3058, 0, 0, 64208, 17, '2026-01-19', '208210'],
      ],
    );
    assert.deepEqual([q.sessionId, q.totalDuePaisa, q.minPaisa, q.maxPaisa, q.generation], ['19259', 187483, 123275, CAP, 'v2']);
    assert.equal(billIdsFor(q.bills, 50000 + 123275), '676683371,676754676');
    assert.equal(billIdsFor(q.bills, 123275), '676683371');
  });

  it('reads the paid example (paid_upto_bill one object): nothing due, an advance allowed, no bill_id', () => {
    const details = neaV2Details.parse(DOC.paid);
    assert.ok(!Array.isArray(details.paid_upto_bill));
    const q = neaV2Quote(details, '1001595738', CAP);
    assert.deepEqual([q.bills, q.totalDuePaisa, q.minPaisa, q.maxPaisa, q.customerName], [[], 0, 100, CAP, 'RAJESWARI GIRI']);
    assert.equal(billIdsFor(q.bills, 50000), undefined);
  });

  it('reads user-info, the generic service charge and the commit answer', () => {
    assert.equal(neaV2UserInfo.parse(DOC.userInfo).consumer_no, '1001613602');
    assert.deepEqual(serviceChargeV2.parse(DOC.serviceCharge).details, { amount: 50000, service_charge: 500 });
    const outcome = classifyCommit({ kind: 'answer', status: 200, body: DOC.commit });
    assert.deepEqual([outcome.state, outcome.upstreamId], ['success', '176267']);
  });

  it('refuses bodies that break the documented shapes, and bills that do not add up', () => {
    for (const broken of [
      { ...DOC.due, total_due_amount: '1874.835' },
      { ...DOC.due, due_bills: [{ ...DOC.due.due_bills[0], billMonth: '2082-09' }] },
      { ...DOC.due, due_bills: [{ ...DOC.due.due_bills[0], days: '4.7' }] },
      { ...DOC.due, paid_upto_bill: 'none' },
    ]) {
      assert.equal(neaV2Details.safeParse(broken).success, false, JSON.stringify(broken).slice(0, 80));
    }
    assert.throws(() => neaV2Quote(neaV2Details.parse({ ...DOC.due, total_due_amount: '1874.84' }), '1', CAP), /do not add up/);
  });
});

describe('NEA v2: the sandbox answers as documented', () => {
  const TOKEN = 'TEST:conformance';
  const sandbox = createSandbox({ tokens: [TOKEN], openControl: true });
  let n = 0;
  const post = async (path: string, body: object) => {
    const response = await sandbox.fetch(
      new Request(`http://sandbox${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: TOKEN, reference: `conformance${++n}`, ...body }),
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const details = (request_no: string) => post('/api/servicegroup/details/nea-v2/', { request_no, confirm_type: 'E', confirm_id_type: 'CN' });

  it('counters, user-info and details parse with the provider\'s schemas, amounts and days as strings', async () => {
    const counters = neaV2Counters.parse((await post('/api/servicegroup/counters/nea-v2/', {})).body);
    assert.ok(counters.counters.some((c) => c.migrated_to_v2) && counters.counters.some((c) => !c.migrated_to_v2));
    const info = await post('/api/servicegroup/user-info/nea-v2/', { sc_no: '216.29.013A1', old_consumer_id: '21907', org_name: 'balaju' });
    assert.deepEqual(info.body, DOC.userInfo);
    const due = await details('1001595737');
    assert.deepEqual(Object.keys(due.body), Object.keys(DOC.due));
    const { session_id: _s, ...dueBody } = due.body;
    const { session_id: _d, ...docBody } = DOC.due;
    assert.deepEqual(dueBody, docBody, 'the docs\' example customer, as documented');
    const paid = await details('1001595738');
    assert.deepEqual(Object.keys(paid.body), Object.keys(DOC.paid));
    assert.deepEqual(
      Object.keys(paid.body.paid_upto_bill as object).sort(),
      Object.keys(DOC.paid.paid_upto_bill).sort(),
    );
    assert.equal(neaV2Quote(neaV2Details.parse(paid.body), '1001595738', CAP).totalDuePaisa, 0);
    const unknown = await details('1009999999');
    assert.deepEqual([unknown.status, unknown.body.error_code, unknown.body.details], [400, '4000', 'Consumer not found']);
  });

  it('the generic service charge and the commit parse with the provider\'s schemas', async () => {
    const charge = await sandbox.fetch(new Request(`http://sandbox/api/account/service-charges/?token=${encodeURIComponent(TOKEN)}&service_slug=nea-v2&amount=500`));
    assert.deepEqual(serviceChargeV2.parse(await charge.json()).details, { amount: 50000, service_charge: 0 });
    const asBody = await sandbox.fetch(
      new Request('http://sandbox/api/account/service-charges/', { method: 'GET', headers: { 'content-type': 'application/json' } }),
    );
    assert.equal(asBody.status, 401, 'no token, no answer');
    const session = (await details('1001595737')).body.session_id;
    const refused = await post('/api/servicegroup/commit/nea-v2/', { session_id: session, amount: '1500' });
    assert.deepEqual([refused.status, refused.body.error_code], [400, '1011'], 'bill_id is required while bills are due');
    const paid = await post('/api/servicegroup/commit/nea-v2/', { session_id: session, amount: '1500', bill_id: '676683371,676754676' });
    const outcome = classifyCommit({ kind: 'answer', status: paid.status, body: paid.body });
    assert.deepEqual([outcome.state, paid.body.detail], ['success', 'SUCCESS']);
    assert.deepEqual(Object.keys(paid.body).sort(), Object.keys(DOC.commit).sort());
  });

  it('keeps the documented rules: bill_id exactly the bills reached, no bill_id for an advance, not below the oldest bill', async () => {
    sandbox.reset();
    const due = (await details('1001595737')).body.session_id;
    const cases: [object, string][] = [
      [{ amount: '1232.74', bill_id: '676683371' }, 'Invalid amount'],
      [{ amount: '1232.75', bill_id: '676683371,676754676' }, 'Invalid bill_id'],
      [{ amount: '1500', bill_id: '676754676,676683371' }, 'Invalid bill_id'],
    ];
    for (const [body, message] of cases) {
      const refused = await post('/api/servicegroup/commit/nea-v2/', { session_id: due, ...body });
      assert.deepEqual([refused.status, refused.body.error_code, refused.body.message], [400, '1011', message], JSON.stringify(body));
    }
    const advance = (await details('1001595738')).body.session_id;
    const withBill = await post('/api/servicegroup/commit/nea-v2/', { session_id: advance, amount: '500', bill_id: '676755292' });
    assert.deepEqual([withBill.status, withBill.body.message], [400, 'Invalid bill_id']);
    const paid = await post('/api/servicegroup/commit/nea-v2/', { session_id: advance, amount: '500' });
    assert.equal(paid.body.state, 'Success');
    const v1Session = await post('/api/servicegroup/commit/nea/', { session_id: due, amount: '1232.75' });
    assert.deepEqual([v1Session.status, v1Session.body.details], [400, 'Invalid session'], 'a v2 session is not a v1 one');
    const wrongOffice = await post('/api/servicegroup/user-info/nea-v2/', { sc_no: '216.29.013A1', old_consumer_id: '21907', org_name: 'ratnapark dc' });
    assert.deepEqual([wrongOffice.status, wrongOffice.body.message], [400, 'Invalid org_name']);
  });

  it('lists every v2 test customer, in /_sandbox/customers and in the README', async () => {
    const listed = (await (await sandbox.fetch(new Request('http://sandbox/_sandbox/customers'))).json()) as {
      nea_v2: { consumer_no: string; office_code: string; sc_no: string; consumer_id: string }[];
    };
    assert.deepEqual(listed.nea_v2.map((c) => c.consumer_no), NEA_V2_CUSTOMERS.map((c) => c.consumer_no));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const c of listed.nea_v2) {
      assert.ok(readme.includes(`| ${c.office_code} | ${c.consumer_no} | ${c.sc_no} / ${c.consumer_id} |`), `README lists ${c.consumer_no}`);
    }
  });
});
