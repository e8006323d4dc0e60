/**
 * Payments are never lost: unknown outcomes settle through the status lookup (never a second commit),
 * also after a crash, also with several proxy instances on one PostgreSQL ledger.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import { accountOf, requestHash } from '../../src/server/payments.js';
import type { PaymentRow } from '../../src/server/store/store.js';
import { SEED, TOKEN, assertNoLeaks, insideOneMinute, paymentRow, bhaktapur, ratnapark, startSandbox, startStack, tempPostgres, type SandboxServer, type Stack } from './harness.js';

/** How many items fall under each label. */
function countBy<T>(items: T[], label: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[label(item)] = (counts[label(item)] ?? 0) + 1;
  return counts;
}

let keys = 0;
const key = () => `rec-key-${++keys}-${Date.now()}`;

async function quote(s: Stack, customer: object, service = 'nea') {
  const { json } = await s.call('POST', `/api/${service}/lookup`, customer);
  return json.data.response as { quote_id: string; total_due_paisa: number; min_paisa: number };
}

describe('reconciler', () => {
  let s: Stack;
  before(async () => {
    s = await startStack({ RECONCILE_DELAY_MS: '0', RECONCILE_MAX_ATTEMPTS: '2' });
  });
  after(() => s.close());
  beforeEach(() => s.sandbox.reset());

  it('settles an unknown outcome from the status lookup and never re-sends the commit', async () => {
    const q = await quote(s, ratnapark('902'));
    const paid = await s.pay(q.quote_id, 30000, key());
    const reference = paid.json.data.response.reference;
    assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'unknown');
    const report = await s.proxy.payments.reconcile();
    assert.deepEqual(report, { checked: 1, settled: 1, pending: 0, manual: 0 });
    const row = (await s.proxy.store.paymentByReference(reference))!;
    assert.deepEqual([row.state, row.upstreamState, row.nextCheckAt], ['success', 'Success', null]);
    assert.equal(s.commits().length, 1);
    assert.deepEqual(await s.proxy.payments.reconcile(), { checked: 0, settled: 0, pending: 0, manual: 0 });
  });

  it('leaves a Dish Home payment it cannot look up for a person, without asking again and again', async () => {
    const q = await quote(s, { customer_id: '9000000002' }, 'dishhome');
    const paid = await s.call('POST', '/api/dishhome/pay', { quote_id: q.quote_id, amount_paisa: 40000, package_id: 1 }, { 'idempotency-key': key() });
    assert.equal(paid.json.data.response.state, 'pending');
    assert.deepEqual(await s.proxy.payments.reconcile(), { checked: 1, settled: 0, pending: 0, manual: 1 });
    assert.deepEqual(await s.proxy.payments.reconcile(), { checked: 0, settled: 0, pending: 0, manual: 0 });
    assert.ok(s.logs.some((l) => l.includes('payment.needs_manual_reconciliation')));
  });

  it('treats a delivery report as a hint to look up, never as the truth', async () => {
    const q = await quote(s, ratnapark('903'));
    const paid = await s.pay(q.quote_id, 30000, key());
    const reference = paid.json.data.response.reference;
    const lie = await s.call('POST', '/api/callbacks/delivery-report', { reference: 'nosuchpayment', status: 'Success', amount: 999 });
    assert.equal(lie.status, 200);
    const hint = await s.call('POST', '/api/callbacks/delivery-report', { reference, status: 'Failed', amount: 300, detail: 'x' });
    assert.equal(hint.status, 200);
    const row = (await s.proxy.store.paymentByReference(reference))!;
    assert.equal(row.state, 'success', 'the status lookup decided, not the report');
    const bad = await s.call('POST', '/api/callbacks/delivery-report', { nope: 1 });
    assert.equal(bad.json.error_code, 'VALIDATION');
  });
});

/** A fixed start for injected clocks: test data must not depend on when the test runs. */
const T0 = 1_900_000_000_000;
const MINUTE = 60_000;

describe('reconciler: "no such reference" answers, lost commits and old quotes (injected clock)', () => {
  let s: Stack;
  let clock = T0;
  before(async () => {
    s = await startStack({ RECONCILE_DELAY_MS: '0', RECONCILE_MAX_ATTEMPTS: '3', QUOTE_TTL_MS: String(10 * MINUTE) }, {}, undefined, { now: () => clock });
  });
  after(() => s.close());
  beforeEach(() => s.sandbox.reset());

  /** A row as pay leaves it when the process dies before the commit leaves (the aggregator never sees it). */
  async function crashed(name: string, patch: Partial<PaymentRow> = {}) {
    const row = paymentRow({ reference: `${name}${clock}`, idempotencyKey: `key-${name}-${clock}`, createdAt: clock, updatedAt: clock, nextCheckAt: clock, ...patch });
    assert.deepEqual(await s.proxy.store.insertPayment(row), { inserted: true });
    return row;
  }
  const statusCalls = (reference: string) => s.sandbox.state.calls.filter((c) => c.step === 'status' && c.reference === reference).length;
  const stateOf = async (reference: string) => {
    const row = (await s.proxy.store.paymentByReference(reference))!;
    return [row.state, row.attempts];
  };

  it('never fails a payment on errors: 500, 500, 500 then one 002 leaves it open', async () => {
    clock = T0;
    const row = await crashed('errors');
    await s.arm('status', 'http500', 3);
    for (let i = 0; i < 3; i++) {
      clock += 10 * MINUTE;
      await s.proxy.payments.reconcile({ all: true });
      assert.deepEqual(await stateOf(row.reference), ['unknown', 0], `after error ${i + 1}`);
    }
    clock += 10 * MINUTE;
    await s.proxy.payments.reconcile({ all: true });
    assert.deepEqual(await stateOf(row.reference), ['unknown', 1], 'one "no such reference" answer counts once');
    assert.equal(statusCalls(row.reference), 4);
  });

  it('fails after N consecutive "no such reference" answers spanning the 5-minute window', async () => {
    clock = T0 + 100 * MINUTE;
    const row = await crashed('spread');
    const answers = [];
    for (const step of [0, 3 * MINUTE, 3 * MINUTE]) {
      clock += step;
      await s.proxy.payments.reconcile({ all: true });
      answers.push(await stateOf(row.reference));
    }
    assert.deepEqual(answers, [['pending', 1], ['unknown', 2], ['failed', 3]]);
    assert.equal((await s.proxy.store.paymentByReference(row.reference))!.errorCode, 'NOT_FOUND_UPSTREAM');
    assert.equal(statusCalls(row.reference), 3);
    assert.equal(s.commits().length, 0);
  });

  it('starts the count again when the aggregator answers that it has the payment (Queued)', async () => {
    clock = T0 + 150 * MINUTE;
    const row = await crashed('queued');
    for (let i = 0; i < 2; i++) {
      await s.proxy.payments.reconcile({ all: true });
      clock += 3 * MINUTE;
    }
    assert.deepEqual(await stateOf(row.reference), ['unknown', 2]);
    s.sandbox.state.transactions.set(row.reference, { id: 1, reference: row.reference, token: TOKEN, service: 'nea', state: 'Queued' as never /* a state the sandbox never makes by itself */, amountPaisa: 45000, detail: 'queued', createdAt: 0 });
    await s.proxy.payments.reconcile({ all: true });
    const after = (await s.proxy.store.paymentByReference(row.reference))!;
    assert.deepEqual([after.state, after.attempts, after.notFoundSince], ['unknown', 0, null]);
  });

  it('keeps it open after N "no such reference" answers within one minute', async () => {
    clock = T0 + 200 * MINUTE;
    const row = await crashed('quick', { createdAt: clock - 10 * MINUTE });
    for (let i = 0; i < 4; i++) {
      await s.proxy.payments.reconcile({ all: true });
      clock += 15_000;
    }
    assert.deepEqual(await stateOf(row.reference), ['unknown', 4], 'four answers in 45 s: not yet failed');
    clock += 5 * MINUTE;
    await s.proxy.payments.reconcile({ all: true });
    assert.deepEqual(await stateOf(row.reference), ['failed', 5], 'the run now spans the window');
  });

  it('a lost Dish Home commit (kill -9) becomes unknown for a person, and its key replays as pending', async () => {
    clock = T0 + 300 * MINUTE;
    const q = await quote(s, { customer_id: '1111' }, 'dishhome');
    const pack = (await s.call('POST', '/api/dishhome/lookup', { customer_id: '1111' })).json.data.response.packages[0] as { id: number; price_paisa: number };
    const body = { quote_id: q.quote_id, amount_paisa: pack.price_paisa, package_id: pack.id };
    const k = key();
    // Exactly what pay records before the commit leaves; the process then dies.
    await crashed('dishcrash', {
      service: 'dishhome',
      quoteId: q.quote_id,
      idempotencyKey: k,
      requestHash: requestHash('dishhome', body, null),
      amountPaisa: pack.price_paisa,
      serviceChargePaisa: 0,
      packageId: pack.id,
      account: accountOf('dishhome', { customer_id: '1111' }),
      nextCheckAt: clock + 1600,
    });
    assert.deepEqual(await s.proxy.payments.reconcile({ all: true }), { checked: 1, settled: 0, pending: 1, manual: 0 }, 'its commit may still be in flight');
    clock += 2000; // past twice the upstream timeout (800 ms): no commit can still be in flight
    assert.deepEqual(await s.proxy.payments.reconcile(), { checked: 1, settled: 0, pending: 0, manual: 1 });
    const row = (await s.proxy.store.paymentByReference(`dishcrash${T0 + 300 * MINUTE}`))!;
    assert.deepEqual([row.state, row.nextCheckAt], ['unknown', null]);
    const replay = await s.call('POST', '/api/dishhome/pay', body, { 'idempotency-key': k });
    assert.deepEqual([replay.status, replay.json.data.response.state, replay.headers.get('idempotent-replayed')], [202, 'pending', 'true']);
    const again = await s.call('POST', '/api/dishhome/pay', body, { 'idempotency-key': key() });
    assert.deepEqual([again.status, again.json.error_code], [409, 'QUOTE_ALREADY_PAID']);
    const fresh = await quote(s, { customer_id: '1111' }, 'dishhome');
    const other = await s.call('POST', '/api/dishhome/pay', { ...body, quote_id: fresh.quote_id }, { 'idempotency-key': key() });
    assert.deepEqual([other.status, other.json.error_code], [409, 'PAYMENT_UNRESOLVED']);
    assert.equal(s.commits().length, 0, 'nothing was ever committed');
    assert.ok(s.logs.some((l) => l.includes('payment.commit_lost')));
  });

  it('prunes expired quotes that no payment refers to', async () => {
    clock = T0 + 400 * MINUTE;
    const ids: string[] = [];
    for (const id of ['154', '333', '555', '154', '333', '555']) ids.push((await quote(s, bhaktapur(id))).quote_id);
    const paid = [ids[0]!, ids[2]!];
    for (const id of paid) await s.proxy.store.insertPayment(paymentRow({ quoteId: id, state: 'failed', nextCheckAt: null }));
    clock += 9 * MINUTE;
    await s.proxy.payments.reconcile();
    assert.equal((await Promise.all(ids.map((id) => s.proxy.store.getQuote(id)))).filter(Boolean).length, 6, 'none expired yet');
    clock += 2 * MINUTE;
    assert.equal(await s.proxy.payments.pruneQuotes(3), 3, 'a bounded batch');
    await s.proxy.payments.reconcile();
    const left = (await Promise.all(ids.map((id) => s.proxy.store.getQuote(id)))).filter((q) => q !== null).map((q) => q!.id);
    assert.deepEqual(left.sort(), [...paid].sort(), 'only the quotes payments refer to are left');
  });
});

describe('an unresolved Dish Home recharge: one per account, settled by an operator', () => {
  const SECRET = 'portal-access-token-secret-0123456789';
  const dir = mkdtempSync(join(tmpdir(), 'settle-'));
  const databaseUrl = `sqlite:${join(dir, 'ledger.sqlite')}`;
  let s: Stack;
  let alice: Record<string, string>;
  before(async () => {
    s = await startStack({ DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: SECRET });
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('consumer-alice').setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));
    alice = { authorization: `Bearer ${token}` };
  });
  after(() => s.close());

  async function recharge(k: string) {
    const lookup = await s.call('POST', '/api/dishhome/lookup', { customer_id: '1111' }, alice);
    const q = lookup.json.data.response as { quote_id: string; packages: { id: number; price_paisa: number }[] };
    const pack = q.packages[0]!;
    return s.call('POST', '/api/dishhome/pay', { quote_id: q.quote_id, amount_paisa: pack.price_paisa, package_id: pack.id }, { ...alice, 'idempotency-key': k });
  }

  function settle(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const cli = spawn('npx', ['tsx', 'src/server/settle-main.ts', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    cli.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    cli.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    return new Promise((resolve) => cli.once('exit', (code) => resolve({ code, out, err })));
  }

  it('refuses a second recharge while the first is unresolved, until bill-pay-settle records the outcome', async () => {
    await s.arm('commit', 'hang');
    const first = await recharge(key());
    assert.deepEqual([first.status, first.json.data.response.state], [202, 'pending'], 'the commit timed out: unresolved');
    const reference = first.json.data.response.reference as string;
    const second = await recharge(key());
    assert.deepEqual([second.status, second.json.error_code], [409, 'PAYMENT_UNRESOLVED']);
    assert.match(second.json.error_message, /still being confirmed/);
    assert.equal(s.commits().length, 1, 'one recharge sent');

    const usage = await settle(reference, 'maybe');
    assert.deepEqual([usage.code, /Usage: bill-pay-settle/.test(usage.err)], [1, true]);
    const settled = await settle(reference, 'success', '--note', 'Dish Home portal shows the recharge (ticket 42)', '--by', 'sita');
    assert.equal(settled.code, 0, settled.err);
    assert.deepEqual(
      { ...JSON.parse(settled.out), settled_at: undefined },
      { reference, state: 'success', settled_by: 'bill-pay-settle (sita)', settled_at: undefined, note: 'Dish Home portal shows the recharge (ticket 42)' },
    );

    const status = await s.call('GET', `/api/payments/${reference}`, undefined, alice);
    const view = status.json.data.response;
    assert.deepEqual([status.status, view.state, view.settled_by, view.note], [200, 'success', 'bill-pay-settle (sita)', 'Dish Home portal shows the recharge (ticket 42)']);
    assert.match(view.settled_at, /^\d{4}-\d\d-\d\dT/);
    const history = await s.call('POST', '/api/payments/history', { page_size: 10, page_no: 1 }, alice);
    const record = history.json.data.response.records.find((r: { reference: string }) => r.reference === reference);
    assert.deepEqual([record.status, record.settled_by, record.note], ['success', 'bill-pay-settle (sita)', 'Dish Home portal shows the recharge (ticket 42)']);

    const again = await settle(reference, 'failed', '--note', 'second thoughts');
    assert.equal(again.code, 1);
    assert.match(again.err, /already success/);
    assert.equal((await s.proxy.store.paymentByReference(reference))!.state, 'success', 'a final payment never changes');

    const next = await recharge(key());
    assert.deepEqual([next.status, next.json.data.response.state], [200, 'success'], 'the account is free again');
    assert.equal(s.commits().length, 2);
  });
});

describe('two proxy instances on one PostgreSQL ledger', async () => {
  const pg = await tempPostgres();
  if ('skip' in pg) return void it('needs PostgreSQL', { skip: pg.skip }, () => undefined);
  let upstream: SandboxServer;
  let a: Stack;
  let b: Stack;
  before(async () => {
    upstream = await startSandbox();
    const env = { DATABASE_URL: pg.url, RECONCILE_DELAY_MS: '0' };
    a = await startStack(env, {}, upstream);
    b = await startStack(env, {}, upstream);
    await Promise.all([a.proxy.store.ready(), b.proxy.store.ready()]);
  });
  after(async () => {
    await a.close();
    await b.close();
    await upstream.close();
    await pg.drop();
  });

  it('commits once when the same pay reaches both instances at once', async () => {
    await a.arm('commit', 'latency', 1);
    const q = await quote(a, SEED);
    const k = key();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).pay(q.quote_id, 45000, k)));
    assert.equal(a.commits().length, 1);
    assert.ok(answers.some((r) => r.status === 200));
    assert.ok(answers.every((r) => r.status === 200 || r.json.error_code === 'IDEMPOTENCY_IN_FLIGHT'));
    const replay = await b.pay(q.quote_id, 45000, k);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  });

  it('commits once per quote when different keys race on both instances', async () => {
    upstream.sandbox.reset();
    const q = await quote(b, bhaktapur('154'));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).pay(q.quote_id, 98000, key())));
    assert.equal(answers.filter((r) => r.status === 200).length, 1);
    assert.equal(a.commits().length, 1);
  });

  it('answers one success to 20 same-key pays on both instances with no prior charge; the ledger speaks before the aggregator', async (t) => {
    upstream.sandbox.reset();
    const q = await quote(a, bhaktapur('333'));
    assert.ok(q.min_paisa < q.total_due_paisa, 'a second, unpriced amount exists');
    const k = key();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).pay(q.quote_id, q.min_paisa, k)));
    const byStatus = countBy(answers, (r) => String(r.status));
    assert.deepEqual(byStatus, { '200': 20 }, JSON.stringify(answers.filter((r) => r.status !== 200).map((r) => r.json)));
    assert.equal(new Set(answers.map((r) => r.json.data.response.reference)).size, 1, 'the same payment every time');
    assert.equal(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 19);
    assert.equal(a.commits().length, 1);
    const calls = upstream.sandbox.state.calls.length;
    const replay = await b.pay(q.quote_id, q.min_paisa, k);
    assert.deepEqual([replay.status, replay.headers.get('idempotent-replayed')], [200, 'true']);
    const other = await a.pay(q.quote_id, q.total_due_paisa, key());
    assert.deepEqual([other.status, other.json.error_code], [409, 'QUOTE_ALREADY_PAID']);
    assert.equal(upstream.sandbox.state.calls.length, calls, 'no upstream call for a known key or a paid quote');
    t.diagnostic(`20 same-key pays: ${JSON.stringify(byStatus)}, commits ${a.commits().length}, upstream calls ${JSON.stringify(countBy(upstream.sandbox.state.calls, (c) => c.step))}`);
  });

  it('never answers 500 when 200 pays of a quickly refused customer race on PostgreSQL', async (t) => {
    upstream.sandbox.reset();
    const q = await quote(a, bhaktapur('222'));
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).pay(q.quote_id, q.min_paisa, key())));
    const byStatus = countBy(answers, (r) => `${r.status} ${r.json.error_code}`);
    assert.ok(answers.every((r) => r.status < 500), JSON.stringify(byStatus));
    assert.deepEqual(Object.keys(byStatus).sort(), ['402 PAYMENT_REJECTED', '409 QUOTE_ALREADY_PAID'], JSON.stringify(byStatus));
    assert.equal(byStatus['402 PAYMENT_REJECTED'], a.commits().length, 'one refused commit per payment recorded as rejected');
    t.diagnostic(`200 pays of a refused customer: ${JSON.stringify(byStatus)}, commits ${a.commits().length}`);
  });

  it('asks the status lookup once for 30 concurrent delivery reports on two instances', async (t) => {
    upstream.sandbox.reset();
    const env = { DATABASE_URL: pg.url, STATUS_RECHECK_MS: '60000' };
    const c = await startStack(env, {}, upstream);
    const d = await startStack(env, {}, upstream);
    try {
      const q = await quote(c, ratnapark('904'));
      const paid = await c.pay(q.quote_id, 30000, key());
      const reference = paid.json.data.response.reference;
      assert.equal(paid.status, 202);
      await c.arm('status', 'http500', 30); // the payment stays open, so every report could ask again
      const reports = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? c : d).call('POST', '/api/callbacks/delivery-report', { reference, status: 'Success', amount: '300', detail: 'x' })),
      );
      assert.ok(reports.every((r) => r.status === 200));
      const status = await d.call('GET', `/api/payments/${reference}`);
      assert.equal(status.status, 202);
      const lookups = upstream.sandbox.state.calls.filter((call) => call.step === 'status' && call.reference === reference);
      assert.equal(lookups.length, 1, 'one lookup per STATUS_RECHECK_MS, whoever asks');
      t.diagnostic(`30 delivery reports + 1 status request: ${JSON.stringify(countBy(reports, (r) => String(r.status)))}, status lookups ${lookups.length}`);
      await c.proxy.payments.settle(reference, 'success', 'the sandbox processed it'); // frees the account for the next tests
    } finally {
      upstream.sandbox.reset();
      await c.close();
      await d.close();
    }
  });

  it('shares rate limits between the instances', async () => {
    const env = { DATABASE_URL: pg.url, LOOKUPS_PER_CUSTOMER_PER_MINUTE: '3' };
    const c = await startStack(env, {}, upstream);
    const d = await startStack(env, {}, upstream);
    try {
      await insideOneMinute();
      const statuses = [];
      for (const stack of [c, d, c, d]) statuses.push((await stack.lookup(bhaktapur('333'))).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
    } finally {
      await c.close();
      await d.close();
    }
  });

  it('lets only one instance look up each open payment', async () => {
    upstream.sandbox.reset();
    const references: string[] = [];
    for (const id of ['902', '903', '904']) {
      const q = await quote(a, ratnapark(id));
      references.push((await a.pay(q.quote_id, 30000, key())).json.data.response.reference);
    }
    const [ra, rb] = await Promise.all([a.proxy.payments.reconcile(), b.proxy.payments.reconcile()]);
    assert.equal(ra.checked + rb.checked, 3);
    const lookups = upstream.sandbox.state.calls.filter((c) => c.step === 'status');
    assert.deepEqual(lookups.map((c) => c.reference).sort(), [...references].sort(), 'each payment looked up exactly once');
    for (const reference of references) assert.equal((await b.proxy.store.paymentByReference(reference))!.state, 'success');
  });
});

describe('a proxy killed during the commit', () => {
  let upstream: SandboxServer;
  before(async () => {
    upstream = await startSandbox();
  });
  after(() => upstream.close());

  function startProxy(dir: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: dir,
        AGGREGATOR_BASE_URL: upstream.url,
        AGGREGATOR_TOKEN: TOKEN,
        RATE_LIMIT_PER_MINUTE: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve({ child, url: match[1]! });
      });
      child.on('exit', (code) => reject(new Error(`proxy exited with ${code}`)));
    });
  }

  const ledger = (dir: string, reference: string) => {
    const db = new Database(join(dir, 'ledger.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT state, upstream_state FROM payments WHERE reference = ?').get(reference) as { state: string; upstream_state: string | null };
    } finally {
      db.close();
    }
  };

  async function payAndKill(dir: string): Promise<string> {
    const { child, url } = await startProxy(dir, { UPSTREAM_TIMEOUT_MS: '1000', RECONCILE_INTERVAL_MS: '0', RECONCILE_DELAY_MS: '0', FUNDING: 'host' });
    const lookup = await fetch(`${url}/api/nea/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ratnapark('902')),
    });
    const q = ((await lookup.json()) as { data: { response: { quote_id: string } } }).data.response;
    const before = upstream.sandbox.state.calls.filter((c) => c.step === 'commit').length;
    void fetch(`${url}/api/nea/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key() },
      body: JSON.stringify({ quote_id: q.quote_id, amount_paisa: 30000 }),
    }).catch(() => undefined);
    while (upstream.sandbox.state.calls.filter((c) => c.step === 'commit').length === before) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    return upstream.sandbox.state.calls.filter((c) => c.step === 'commit').at(-1)!.reference!;
  }

  it('leaves the payment pending, and the restarted proxy settles it', async () => {
    upstream.sandbox.reset();
    const dir = mkdtempSync(join(tmpdir(), 'crash-'));
    const reference = await payAndKill(dir);
    assert.equal(ledger(dir, reference).state, 'pending', 'recorded before the commit left, not settled');
    const { child } = await startProxy(dir, { UPSTREAM_TIMEOUT_MS: '1000', RECONCILE_INTERVAL_MS: '200', RECONCILE_DELAY_MS: '0', FUNDING: 'host' });
    try {
      const deadline = Date.now() + 15_000;
      while (['pending', 'unknown'].includes(ledger(dir, reference).state) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(ledger(dir, reference), { state: 'success', upstream_state: 'Success' });
      assert.equal(upstream.sandbox.state.calls.filter((c) => c.step === 'commit' && c.reference === reference).length, 1);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('can be settled by the bill-pay-reconcile command instead', async () => {
    upstream.sandbox.reset();
    const dir = mkdtempSync(join(tmpdir(), 'crash-cli-'));
    const reference = await payAndKill(dir);
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/server/reconcile-main.ts', '--all'], {
      env: { ...process.env, DATA_DIR: dir, AGGREGATOR_BASE_URL: upstream.url, AGGREGATOR_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    const code = await new Promise((r) => cli.once('exit', r));
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), { checked: 1, settled: 1, pending: 0, manual: 0 });
    assert.equal(ledger(dir, reference).state, 'success');
  });
});

describe('leaks', () => {
  it('no answer or log line of this file shows the token or credit figures', () => assertNoLeaks());
});
