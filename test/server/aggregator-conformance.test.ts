/**
 * Conformance with the aggregator's contract as documented: every documented example body (the seeds,
 * AGGREGATOR-FACTS.md and the aggregator's public docs, kept in test/fixtures/aggregator/ with their
 * sources) goes through the providers' own parsers and the outcome rules (classifyCommit,
 * classifyStatus); then the sandbox's answers, for each test customer and each fault, go through the same
 * parsers and must have the documented shapes. NEA v2's bodies have their own file
 * (nea-v2-conformance.test.ts) too, in more detail; delivery reports theirs (delivery-reports.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DISHHOME_CUSTOMERS,
  DREAMER_CUSTOMERS,
  DREAMER_SERVICES,
  NEA_CUSTOMERS,
  NEA_V2_CUSTOMERS,
  NEA_V2_MIGRATED_COUNTERS,
  type Fault,
  type Step,
} from '../../src/sandbox/fixtures.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { Aggregator, type UpstreamResult } from '../../src/server/aggregator.js';
import { ProxyError } from '../../src/server/errors.js';
import { dishhome, dishhomeDetails } from '../../src/server/providers/dishhome.js';
import { dreamer, dreamerDetails } from '../../src/server/providers/dreamer.js';
import { nea, neaCounters, neaDetails, neaServiceCharge } from '../../src/server/providers/nea.js';
import type { Provider, QuoteDraft } from '../../src/server/providers/types.js';
import { classifyCommit, classifyStatus, commitAnswer, statusAnswer, upstreamError } from '../../src/server/providers/upstream.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/aggregator');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const used = new Set<string>();
/** A documented example body, by fixture name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function doc(name: string): any {
  used.add(`${name}.json`);
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')).body;
}
const answer = (status: number, body: unknown): UpstreamResult => ({ kind: 'answer', status, body });
const keys = (body: unknown) => Object.keys(body as object);

/** An Aggregator whose every request is answered by `respond` (path without the query -> response). */
function fakeAggregator(respond: (path: string) => Response) {
  return new Aggregator({
    baseUrl: 'http://aggregator.test',
    token: 'TEST:conformance',
    timeoutMs: 1_000,
    log: () => {},
    fetch: async (input) => respond(new URL(String(input)).pathname),
  });
}

const neaProvider = () => nea({ v2MaxPaisa: 10_000_000, v2ServiceSlug: 'nea-v2' });

describe('the fixtures', () => {
  it('each names its source, and the README lists it', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    assert.ok(FILES.length >= 19, `${FILES.length} fixtures`);
    for (const file of FILES) {
      const { source, body } = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
      assert.ok(typeof source === 'string' && source.length > 10, `${file} names its source`);
      assert.ok(body && typeof body === 'object', `${file} has a body`);
      assert.ok(readme.includes(`\`${file}\``), `README.md lists ${file}`);
    }
  });
});

describe("commit answers by HTTP status: the aggregator's table, exactly", () => {
  const success = () => doc('nea-commit-success');
  const refused = () => doc('commit-error-4000');
  // [HTTP status, body, ledger state, look up at once]
  const TABLE: [number, () => unknown, string, boolean][] = [
    [200, success, 'success', false],
    [200, refused, 'failed', false], // 200: the state decides, and Error refunds
    [400, refused, 'unknown', true], // 400: check the transaction state before deciding
    [400, success, 'unknown', true],
    [404, refused, 'failed', false], // 404: refund (service not found)
    [404, () => undefined, 'failed', false],
    ...[500, 502, 503, 504].map((s): [number, () => unknown, string, boolean] => [s, success, 'unknown', false]),
    // Any other code: hold, look up later. 401 and 403 included (settled as failed before this test).
    ...[201, 202, 301, 302, 307, 401, 403, 409, 422, 429].map((s): [number, () => unknown, string, boolean] => [s, success, 'unknown', false]),
    [401, () => ({ status: false, error_code: '1001', message: 'Invalid token', error: 'invalid_token', details: 'Invalid token', error_data: {}, state: 'Error' }), 'unknown', false],
    [403, () => ({ status: false, error_code: '1008', message: 'Error', error: 'client_error', details: 'Error', error_data: {}, state: 'Error' }), 'unknown', false],
  ];
  for (const [status, body, state, lookupNow] of TABLE) {
    it(`HTTP ${status} with ${JSON.stringify(body())?.slice(0, 40)}: ${state}${lookupNow ? ', looked up at once' : ''}`, () => {
      const outcome = classifyCommit(answer(status, body()));
      assert.deepEqual([outcome.state, outcome.lookupNow], [state, lookupNow]);
    });
  }

  it('no answer (timeout, broken connection) holds; a request that never left fails', () => {
    assert.equal(classifyCommit({ kind: 'timeout' }).state, 'unknown');
    assert.equal(classifyCommit({ kind: 'network' }).state, 'unknown');
    assert.equal(classifyCommit({ kind: 'unreachable' }).state, 'failed', 'connection refused: nothing reached the aggregator');
  });

  it('acts on every documented state at HTTP 200, and holds any other or none', () => {
    const STATES: [string | undefined, string][] = [
      ['Success', 'success'],
      ['Queued', 'unknown'],
      ['Processing', 'unknown'],
      ['Expired', 'failed'],
      ['Error', 'failed'],
      ['Status Error', 'failed'],
      ['Failed', 'failed'],
      ['Pending', 'unknown'],
      ['success', 'unknown'],
      ['Refunded', 'unknown'],
      ['', 'unknown'],
      [undefined, 'unknown'],
    ];
    for (const [state, expected] of STATES) {
      const { state: _, ...rest } = success();
      const body = state === undefined ? rest : { ...rest, state };
      assert.equal(classifyCommit(answer(200, body)).state, expected, String(state));
      assert.equal(classifyCommit(answer(200, { ...body, status: false })).state, expected, `${state}: the state decides, not status`);
    }
  });
});

describe('documented commit answers through the providers', () => {
  it("NEA's success (seed 001)", () => {
    const outcome = classifyCommit(answer(200, doc('nea-commit-success')));
    assert.deepEqual([outcome.state, outcome.upstreamId, outcome.upstreamState], ['success', '61892', 'Success']);
  });

  it("Dreamer's success (seed 000) gives the receipt number", () => {
    const outcome = classifyCommit(answer(200, doc('dreamer-commit-success')));
    assert.deepEqual([outcome.state, outcome.upstreamId], ['success', '107743']);
    assert.deepEqual(dreamer(DREAMER_SERVICES).receipt!(outcome.answer!), [{ key: 'receipt_no', value: '2' }]);
  });

  it("Dish Home's success (seed 004) gives the new expiry", () => {
    const outcome = classifyCommit(answer(200, doc('dishhome-commit-success')), dishhome.statusLookup);
    assert.deepEqual([outcome.state, outcome.upstreamId], ['success', '109657']);
    const receipt = dishhome.receipt!(outcome.answer!);
    assert.ok(receipt.some((f) => f.value.includes('2024-06-14')), JSON.stringify(receipt));
  });

  it('the error body (4000 "Max number exceeding"): looked up at once on 400, taken at its word without a lookup', () => {
    const body = doc('commit-error-4000');
    assert.ok(commitAnswer.safeParse(body).success && upstreamError.safeParse(body).success);
    const outcome = classifyCommit(answer(400, body));
    assert.deepEqual([outcome.state, outcome.lookupNow, outcome.errorCode, outcome.reason], ['unknown', true, '4000', 'MAX_NUMBER_EXCEEDED']);
    assert.equal(classifyCommit(answer(400, body), false).state, 'failed');
  });
});

describe('status lookup answers in every documented form', () => {
  it('Success: settled as success, with the response id', () => {
    assert.deepEqual(classifyStatus(answer(200, doc('status-success'))), {
      kind: 'settled',
      state: 'success',
      upstreamId: '123647',
      upstreamState: 'Success',
      reason: null,
    });
  });

  it('Failed with original_status and refunds[]: settled as failed', () => {
    const body = doc('status-failed-refunds');
    assert.deepEqual(classifyStatus(answer(200, body)), { kind: 'settled', state: 'failed', upstreamId: '123611', upstreamState: 'Failed', reason: null });
    const parsed = statusAnswer.parse(body);
    assert.deepEqual([parsed.original_status, parsed.amount, parsed.refunded_amount, parsed.refunds], ['Error', 10000, 0, [{ created_at: '2024-07-15', remarks: 'rtii', amount: 10000 }]]);
  });

  it('facts that decide nothing never keep a payment open when they are odd', () => {
    const odd = { ...doc('status-success'), amount: 'ten', refunded_amount: null, refunds: [{ amount: 'x' }], reference: 7 };
    assert.deepEqual(classifyStatus(answer(200, odd)), { kind: 'settled', state: 'success', upstreamId: '123647', upstreamState: 'Success', reason: null });
    assert.deepEqual([statusAnswer.parse(odd).amount, statusAnswer.parse(odd).refunds], [null, null]);
  });

  it('Failed, short form: settled as failed, "Manually Failed" its reason', () => {
    assert.deepEqual(classifyStatus(answer(200, doc('status-failed-short'))), {
      kind: 'settled',
      state: 'failed',
      upstreamId: '10631926',
      upstreamState: 'Failed',
      reason: 'MANUALLY_FAILED',
    });
    assert.equal(statusAnswer.parse(doc('status-failed-short')).amount, 100);
  });

  it('a state is read from an HTTP 200 only, as for a commit', () => {
    for (const status of [201, 202, 429, 500, 503]) {
      assert.deepEqual(classifyStatus(answer(status, doc('status-success'))), { kind: 'unknown' }, `HTTP ${status}`);
      assert.deepEqual(classifyStatus(answer(status, doc('status-failed-short'))), { kind: 'unknown' }, `HTTP ${status}`);
    }
  });

  it('002 invalid_reference: not found, never failed, although its state is "Error"', () => {
    for (const status of [200, 400, 404]) {
      assert.deepEqual(classifyStatus(answer(status, doc('status-invalid-reference'))), { kind: 'invalidReference' }, `HTTP ${status}`);
    }
    assert.equal(classifyStatus(answer(200, { ...doc('status-invalid-reference'), error_code: '1001' })).kind, 'unknown');
  });
});

describe('documented lookups through the providers', () => {
  it('NEA (seed 001): counters, details and service charge', async () => {
    const provider = neaProvider();
    const bodies: Record<string, unknown> = {
      '/api/servicegroup/counters/nea/': doc('nea-counters'),
      '/api/servicegroup/details/nea/': doc('nea-details'),
      '/api/servicegroup/servicecharge/nea/': doc('nea-servicecharge'),
    };
    // No v2 counter list at this aggregator: every counter is v1.
    const aggregator = fakeAggregator((path) => (path in bodies ? Response.json(bodies[path]) : new Response('Not Found', { status: 404 })));
    assert.ok(neaCounters.safeParse(doc('nea-counters')).success && neaDetails.safeParse(doc('nea-details')).success);
    const quote = await provider.lookup(aggregator, { office_code: '201:ratnapark-dc', sc_no: '02A.12.512', consumer_id: '3042' }, 'ref1');
    assert.deepEqual(
      [quote.sessionId, quote.customerName, quote.totalDuePaisa, quote.minPaisa, quote.maxPaisa, quote.bills.map((b) => [b.label, b.payable_paisa])],
      ['5', 'Michael Jackson', 45000, 20000, 45000, [['2073 Magh', 20000], ['2073 Falgun', 25000]]],
    );
    assert.deepEqual(neaServiceCharge.parse(doc('nea-servicecharge')), { status: true, service_charge: 500, amount: 60000 });
    assert.equal(await provider.serviceCharge!(aggregator, '5', 60000, quote), 500);
  });

  it("NEA v2 (the docs' v8.7): counters, user-info, both details forms, the generic service charge", async () => {
    const provider = neaProvider();
    let details = 'nea-v2-details-due';
    const bodies: Record<string, () => unknown> = {
      '/api/servicegroup/counters/nea-v2/': () => doc('nea-v2-counters'),
      '/api/servicegroup/user-info/nea-v2/': () => doc('nea-v2-user-info'),
      '/api/servicegroup/details/nea-v2/': () => doc(details),
      '/api/account/service-charges/': () => doc('service-charges'),
    };
    const aggregator = fakeAggregator((path) => Response.json(bodies[path]!()));
    const due = await provider.lookup(aggregator, { office_code: '245:balaju-dc', consumer_no: '1001595737' }, 'v2a');
    assert.deepEqual([due.generation, due.sessionId, due.totalDuePaisa, due.minPaisa, due.bills.map((b) => b.payable_paisa)], ['v2', '19259', 187483, 123275, [123275, 64208]]);
    const byOldNumbers = await provider.lookup(aggregator, { office_code: '245:balaju-dc', sc_no: '216.29.013A1', consumer_id: '21907' }, 'v2b');
    assert.equal(byOldNumbers.newConsumerNo, '1001613602');
    assert.equal(await provider.serviceCharge!(aggregator, due.sessionId, 50000, due), 500);
    details = 'nea-v2-details-paid';
    const paid = await provider.lookup(aggregator, { office_code: '245:balaju-dc', consumer_no: '1001595738' }, 'v2c');
    assert.deepEqual([paid.sessionId, paid.bills, paid.totalDuePaisa, paid.customerName], ['19260', [], 0, 'RAJESWARI GIRI']);
    const outcome = classifyCommit(answer(200, doc('nea-v2-commit-success')));
    assert.deepEqual([outcome.state, outcome.upstreamId], ['success', '176267']);
  });

  it('Dreamer (seed 000): details', async () => {
    assert.ok(dreamerDetails.safeParse(doc('dreamer-details')).success);
    const aggregator = fakeAggregator(() => Response.json(doc('dreamer-details')));
    const quote = await dreamer(DREAMER_SERVICES).lookup(aggregator, { service_slug: 'khamari-khola-electricity', customer_code: '01-1' }, 'ref2');
    assert.deepEqual(
      [quote.sessionId, quote.customerName, quote.totalDuePaisa, quote.minPaisa, quote.maxPaisa, quote.bills[0]!.discount_paisa],
      ['119', '01-1 Bryan Hamal', 18000, 18000, 18000, 2000],
    );
  });

  it('Dish Home (seed 004): details and its packages', async () => {
    assert.ok(dishhomeDetails.safeParse(doc('dishhome-details')).success);
    const aggregator = fakeAggregator(() => Response.json(doc('dishhome-details')));
    const quote = await dishhome.lookup(aggregator, { customer_id: '1111' }, 'ref3');
    assert.deepEqual([quote.sessionId, quote.packages.length, quote.minPaisa, quote.maxPaisa], ['20520', 9, 40000, 480000]);
    assert.deepEqual(quote.packages[2], { id: 3, description: '6 Months', price_paisa: 239900, months: 6, bonus_paisa: 120100, regular: false });
  });
});

/* ---------- the sandbox, through the same parsers ---------- */

const TOKEN = 'TEST:conformance';

/** The embedded sandbox behind a real Aggregator (in-process), recording the body of every answer by path. */
function sandboxAggregator() {
  const sandbox = createSandbox({ tokens: [TOKEN], openControl: true, hangMs: 1_500 });
  const answers: { path: string; status: number; body: unknown }[] = [];
  const aggregator = new Aggregator({
    baseUrl: 'http://sandbox.test',
    token: TOKEN,
    timeoutMs: 500,
    log: () => {},
    fetch: async (input, init) => {
      const response = await sandbox.fetch(new Request(input as string, init));
      const text = await response.clone().text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      answers.push({ path: new URL(String(input)).pathname, status: response.status, body });
      return response;
    },
  });
  const last = (path: string) => answers.findLast((a) => a.path.startsWith(path))!;
  return { sandbox, aggregator, answers, last };
}

interface Case {
  service: string;
  name: string;
  provider: Provider<never>;
  input: object;
  faults?: Partial<Record<Step, Fault>>;
  /** The documented success body of the service's commit. */
  success: string;
}

const CASES: Case[] = [
  ...NEA_CUSTOMERS.map((f) => ({
    service: 'nea',
    name: `${f.consumer_id}: ${f.case}`,
    provider: neaProvider() as Provider<never>,
    input: { office_code: f.office_code, sc_no: f.sc_no, consumer_id: f.consumer_id },
    faults: f.faults,
    success: 'nea-commit-success',
  })),
  ...NEA_V2_CUSTOMERS.map((f) => ({
    service: 'nea-v2',
    name: `${f.consumer_no}: ${f.case}`,
    provider: neaProvider() as Provider<never>,
    input: { office_code: NEA_V2_MIGRATED_COUNTERS.find((c) => c.name.toLowerCase() === f.org_name)!.value, consumer_no: f.consumer_no },
    faults: f.faults,
    success: 'nea-v2-commit-success',
  })),
  ...DREAMER_CUSTOMERS.map((f) => ({
    service: 'dreamer',
    name: `${f.customer_code}: ${f.case}`,
    provider: dreamer(DREAMER_SERVICES) as Provider<never>,
    input: { service_slug: f.service_slug, customer_code: f.customer_code },
    faults: f.faults,
    success: 'dreamer-commit-success',
  })),
  ...DISHHOME_CUSTOMERS.map((f) => ({
    service: 'dishhome',
    name: `${f.customer_id}: ${f.case}`,
    provider: dishhome as Provider<never>,
    input: { customer_id: f.customer_id },
    faults: f.faults,
    success: 'dishhome-commit-success',
  })),
];

describe("the sandbox's answers have the documented shapes and read as documented", () => {
  for (const c of CASES) {
    // A slow customer differs in timing only; its shapes are every other customer's.
    const slow = Object.values(c.faults ?? {}).some((f) => f?.kind === 'latency');
    it(`${c.service} ${c.name}`, { skip: slow && 'timing only' }, async () => {
      const { aggregator, last } = sandboxAggregator();
      let quote: QuoteDraft;
      try {
        quote = await c.provider.lookup(aggregator, c.input as never, `look${CASES.indexOf(c)}`);
      } catch (error) {
        assert.ok(error instanceof ProxyError, String(error));
        const lookupFault = c.faults?.details ?? c.faults?.userinfo;
        if (lookupFault) {
          assert.equal(error.code, 'UPSTREAM_ERROR', 'a broken lookup is an upstream error');
          return;
        }
        // Unknown customers and refusals answer the documented error body.
        assert.deepEqual(keys(last('/api/servicegroup/').body), keys(doc('commit-error-4000')));
        return;
      }
      const amountPaisa = quote.packages.length ? quote.packages[0]!.price_paisa : quote.minPaisa;
      if (!amountPaisa) return; // nothing due and nothing to buy: no commit
      const reference = `conf${CASES.indexOf(c)}`;
      const committed = await c.provider.commit(aggregator, {
        sessionId: quote.sessionId,
        amountPaisa,
        reference,
        packageId: quote.packages[0]?.id ?? null,
        quote,
      });
      const outcome = classifyCommit(committed, c.provider.statusLookup);
      const fault = c.faults?.commit?.kind;
      const raw = last('/api/servicegroup/commit/');
      if (!fault) {
        assert.equal(outcome.state, 'success');
        assert.deepEqual(keys(raw.body), keys(doc(c.success)), 'the documented success body');
      } else if (fault === 'error4000') {
        assert.equal(raw.status, 400);
        assert.deepEqual(raw.body, { ...doc('commit-error-4000'), details: c.faults!.commit!.details }, 'the documented error body');
        assert.deepEqual([outcome.state, outcome.lookupNow], c.provider.statusLookup ? ['unknown', true] : ['failed', false]);
      } else {
        assert.equal(outcome.state, 'unknown', `${fault}: held`);
      }
      if (!c.provider.statusLookup) return;

      // The status lookup of the same reference, in its documented form.
      const status = classifyStatus(await aggregator.status(reference));
      const looked = last('/api/service/status/');
      if (fault === 'error4000') {
        assert.deepEqual(keys(looked.body), keys(doc('status-failed-refunds')));
        const body = looked.body as { state: string; original_status: string; refunds: { remarks: string; amount: number }[] };
        assert.deepEqual([body.state, body.original_status, body.refunds[0]!.remarks], ['Failed', 'Error', c.faults!.commit!.details]);
        assert.equal(Math.round(body.refunds[0]!.amount * 100), amountPaisa);
        assert.deepEqual([status.kind, status.kind === 'settled' && status.state], ['settled', 'failed'], 'a refused commit looks up as failed');
      } else {
        // Processed, whatever became of the answer: found as Success.
        assert.deepEqual(keys(looked.body), keys(doc('status-success')));
        assert.deepEqual([status.kind, status.kind === 'settled' && status.state], ['settled', 'success']);
      }
    });
  }

  it('a status lookup meeting each fault reads as documented: only a real answer settles', async () => {
    const FAULTS: [string, Record<string, unknown>, string][] = [
      ['latency', { kind: 'latency', ms: 10 }, 'settled'],
      ['hang', { kind: 'hang' }, 'unknown'],
      ['http500', { kind: 'http500' }, 'unknown'],
      ['malformed', { kind: 'malformed' }, 'unknown'],
      ['http400', { kind: 'http400' }, 'unknown'],
      ['http404', { kind: 'http404' }, 'unknown'],
      ['http 429', { kind: 'http', status: 429 }, 'unknown'],
      ['error 1001 at 401', { kind: 'error', code: '1001', status: 401 }, 'unknown'],
      ['error 1019', { kind: 'error', code: '1019' }, 'unknown'],
      ['echo', { kind: 'echo' }, 'unknown'],
    ];
    const { sandbox, aggregator } = sandboxAggregator();
    const provider = neaProvider();
    const quote = await provider.lookup(aggregator, { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' }, 'faults1');
    await provider.commit(aggregator, { sessionId: quote.sessionId, amountPaisa: quote.minPaisa, reference: 'faults2', packageId: null, quote });
    for (const [name, fault, expected] of FAULTS) {
      await sandbox.fetch(new Request('http://sandbox.test/_sandbox/faults', { method: 'POST', body: JSON.stringify({ step: 'status', ...fault }) }));
      assert.equal(classifyStatus(await aggregator.status('faults2')).kind, expected, name);
    }
    assert.equal(classifyStatus(await aggregator.status('faults2')).kind, 'settled', 'and found once the faults are spent');
  });

  it('an unknown reference answers the documented 002 body exactly', async () => {
    const { aggregator, last } = sandboxAggregator();
    assert.deepEqual(classifyStatus(await aggregator.status('never-seen')), { kind: 'invalidReference' });
    assert.deepEqual(last('/api/service/status/').body, doc('status-invalid-reference'));
  });

  it('a transaction failed by hand looks up in the short failed form', async () => {
    const { sandbox, aggregator, last } = sandboxAggregator();
    const provider = neaProvider();
    const quote = await provider.lookup(aggregator, { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' }, 'manual1');
    await provider.commit(aggregator, { sessionId: quote.sessionId, amountPaisa: quote.minPaisa, reference: 'manual2', packageId: null, quote });
    const failed = await sandbox.fetch(
      new Request('http://sandbox.test/_sandbox/transactions/fail', { method: 'POST', body: JSON.stringify({ reference: 'manual2' }) }),
    );
    assert.equal(failed.status, 200);
    const status = classifyStatus(await aggregator.status('manual2'));
    assert.deepEqual(keys(last('/api/service/status/').body), keys(doc('status-failed-short')));
    assert.deepEqual(status, { kind: 'settled', state: 'failed', upstreamId: status.kind === 'settled' ? status.upstreamId : null, upstreamState: 'Failed', reason: 'MANUALLY_FAILED' });
  });

  it('every fixture was checked', () => {
    assert.deepEqual(FILES.filter((f) => !used.has(f)), []);
  });
});
