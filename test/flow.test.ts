/**
 * The flow core with a fake host, a fake proxy (fetch) and a fake clock: the pay path's resends, polling,
 * events and resume storage, transition by transition, without a browser and without waiting.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ReactiveController } from '../src/internal/base-element.js';
import type { Payment, Quote } from '../src/api.js';
import { PayFlow, type FlowHost } from '../src/internal/flow.js';
import type { Clock } from '../src/internal/pay-machine.js';

const ENDPOINT = 'http://proxy.test/api';

const quote: Quote = {
  quote_id: 'q1',
  service: 'nea',
  expires_at: '2026-01-01T00:10:00.000Z',
  test_mode: true,
  customer_name: 'Michael Jackson',
  facts: [],
  bills: [],
  packages: [],
  total_due_paisa: 45000,
  min_paisa: 20000,
  max_paisa: 45000,
};
const payment = (state: Payment['state']): Payment => ({
  reference: 'REF1',
  service: 'nea',
  state,
  amount_paisa: 45000,
  service_charge_paisa: 0,
  total_paisa: 45000,
  transaction_id: state === 'success' ? '61892' : null,
  customer_name: 'Michael Jackson',
  receipt: [],
  error_code: null,
  reason_code: null,
  reason: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});
const ok = (response: unknown) => ({ data: { response, success_message: 'ok' }, error_message: '', is_error: false });
const failed = (code: string) => ({ data: null, error_message: code, is_error: true, error_code: code, retryable: true });

/** The proxy: answers per request path from a script; `null` drops the connection. */
type Script = Record<string, (unknown | null)[]>;
let script: Script;
let requests: { path: string; key: string | null }[];
const realFetch = globalThis.fetch;

class MemoryStorage {
  #items = new Map<string, string>();
  getItem = (key: string) => this.#items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.#items.set(key, value);
  removeItem = (key: string) => void this.#items.delete(key);
  keys = () => [...this.#items.keys()];
}
let storage: MemoryStorage;

function clock() {
  let t = 0;
  const waits: number[] = [];
  const c: Clock = {
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  };
  return { clock: c, waits };
}

class Host extends EventTarget implements FlowHost {
  endpoint = ENDPOINT;
  locale = 'en';
  readonly service = 'nea' as const;
  accessToken = '';
  resumeKey = '';
  id = '';
  readonly events: string[] = [];
  /** The steps after the lookup, as an element's steps chunk gives them (no view here: the flow alone). */
  loadSteps = () => import('../src/internal/checkout.js');
  #controllers: ReactiveController[] = [];
  constructor(readonly clock: Clock) {
    super();
    for (const name of ['pay-success', 'pay-error', 'pay-pending']) this.addEventListener(name, () => this.events.push(name));
  }
  addController(c: ReactiveController) {
    this.#controllers.push(c);
  }
  removeController() {}
  requestUpdate() {}
  get updateComplete() {
    return Promise.resolve(true);
  }
  connect() {
    for (const c of this.#controllers) c.hostConnected?.();
  }
  disconnect() {
    for (const c of this.#controllers) c.hostDisconnected?.();
  }
}

/** Lets every pending promise (fake requests, fake waits) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function toConfirm(host: Host, flow: PayFlow) {
  host.connect();
  script['/nea/lookup'] = [ok(quote)];
  script['/nea/charge'] = [ok({ amount_paisa: 45000, service_charge_paisa: 0, total_paisa: 45000 })];
  await flow.lookup({ office_code: '201:ratnapark-dc', sc_no: '024.12.512', consumer_id: '3042' });
  await flow.checkout!.choose(45000);
  assert.equal(flow.state.step, 'confirm');
}

describe('flow core with a fake host, proxy and clock', () => {
  beforeEach(() => {
    script = {};
    requests = [];
    storage = new MemoryStorage();
    Object.assign(globalThis, { sessionStorage: storage });
    globalThis.fetch = async (input, init) => {
      const path = new URL(String(input)).pathname.replace('/api', '');
      requests.push({ path, key: new Headers(init?.headers).get('idempotency-key') });
      const answer = script[path]?.shift();
      if (answer === undefined) throw new Error(`unexpected request ${path}`);
      if (answer === null) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('resends a payment whose answer was lost with the same idempotency key, and fires pay-success once', async () => {
    const { clock: c, waits } = clock();
    const host = new Host(c);
    const flow = new PayFlow(host);
    await toConfirm(host, flow);
    script['/nea/pay'] = [null, failed('IDEMPOTENCY_IN_FLIGHT'), ok(payment('success'))];
    flow.checkout!.pay();
    assert.equal(flow.busy, 'pay');
    await settle();
    const keys = requests.filter((r) => r.path === '/nea/pay').map((r) => r.key);
    assert.equal(keys.length, 3);
    assert.equal(new Set(keys).size, 1, 'one key for every send');
    assert.deepEqual(waits, [1000, 2000]);
    assert.equal(flow.state.step, 'done');
    assert.deepEqual(host.events, ['pay-success']);
    assert.deepEqual(storage.keys(), [], 'nothing left to resume');
  });

  it('polls a pending payment, keeps it resumable until it settles, and keeps polling after a move', async () => {
    const { clock: c, waits } = clock();
    const host = new Host(c);
    host.id = 'home';
    const flow = new PayFlow(host);
    await toConfirm(host, flow);
    let release: () => void = () => undefined;
    // The first wait holds until released, so the element can be moved while it waits.
    c.sleep = (ms, signal) =>
      new Promise((resolve) => {
        waits.push(ms);
        release = () => resolve();
        signal.addEventListener('abort', () => resolve());
      });
    script['/nea/pay'] = [ok(payment('pending'))];
    flow.checkout!.pay();
    await settle();
    assert.equal(flow.state.step, 'pending');
    assert.deepEqual(host.events, ['pay-pending']);
    // The resume slot, and the tab's record of announced pending payments (pay-pending once per payment).
    assert.deepEqual(storage.keys().sort(), ['bill-pay:announced', `bill-pay:nea:${ENDPOINT}:home`]);
    host.disconnect();
    host.connect();
    script['/payments/REF1'] = [ok(payment('success'))];
    release();
    await settle();
    assert.equal(flow.state.step, 'done');
    assert.deepEqual(host.events, ['pay-pending', 'pay-success']);
    assert.deepEqual(waits, [1000, 1000], 'the move started the wait again');
    assert.deepEqual(
      requests.filter((r) => r.path.startsWith('/payments')).map((r) => r.path),
      ['/payments/REF1'],
    );
  });

  it("tells a code this version does not know as UNKNOWN (a lookup's and a payment's), and a known one as it came", async () => {
    const { clock: c } = clock();
    const host = new Host(c);
    const told: { code: string; message: string; retryable: boolean }[] = [];
    host.addEventListener('pay-error', (e) => told.push((e as CustomEvent).detail));
    const flow = new PayFlow(host);
    host.connect();
    const lookup = { office_code: '201:ratnapark-dc', sc_no: '024.12.512', consumer_id: '3042' } as const;
    script['/nea/lookup'] = [failed('A_NEWER_PROXYS_CODE'), failed('SHUTTING_DOWN')];
    await flow.lookup(lookup);
    assert.equal(flow.error?.code, 'UNKNOWN');
    assert.equal(typeof flow.error?.retry, 'function', 'the envelope said retryable');
    await flow.lookup(lookup);
    assert.equal(flow.error?.code, 'SHUTTING_DOWN');
    // (Its own text comes with the view's strings, which this test does not load: so both say the generic one.)
    assert.deepEqual(
      told.map((d) => [d.code, d.message, d.retryable]),
      [
        ['UNKNOWN', 'Something went wrong. Nothing was charged.', true],
        ['SHUTTING_DOWN', 'Something went wrong. Nothing was charged.', true],
      ],
    );
    await toConfirm(host, flow);
    script['/nea/pay'] = [{ ...failed('A_NEWER_PROXYS_CODE'), retryable: false }];
    flow.checkout!.pay();
    await settle();
    assert.equal(flow.error?.code, 'UNKNOWN');
  });

  it('reports a payment it could not confirm after four sends, and asks again with the same key', async () => {
    const { clock: c, waits } = clock();
    const host = new Host(c);
    const flow = new PayFlow(host);
    await toConfirm(host, flow);
    script['/nea/pay'] = [null, null, null, null];
    flow.checkout!.pay();
    await settle();
    assert.equal(flow.state.step, 'confirm');
    assert.equal(flow.error?.code, 'PAY_UNCONFIRMED');
    assert.deepEqual(waits, [1000, 2000, 3000]);
    assert.deepEqual(host.events, ['pay-error']);
    assert.equal(storage.keys().length, 1, 'still resumable');
    script['/nea/pay'] = [ok(payment('success'))];
    flow.error?.retry?.();
    await settle();
    assert.equal(flow.state.step, 'done');
    assert.equal(new Set(requests.filter((r) => r.path === '/nea/pay').map((r) => r.key)).size, 1);
  });

  it('resumes a saved attempt in one element only: a second element of the same name stays at the lookup', async () => {
    const { clock: c } = clock();
    const first = new Host(c);
    const flow = new PayFlow(first);
    await toConfirm(first, flow);
    script['/nea/pay'] = [ok(payment('pending'))];
    // The first check keeps the payment pending until the page "reloads".
    script['/payments/REF1'] = Array.from({ length: 12 }, () => ok(payment('pending')));
    flow.checkout!.pay();
    await settle();
    first.disconnect();
    script['/payments/REF1'] = [ok(payment('success'))];
    const [a, b] = [new Host(c), new Host(c)];
    const [flowA, flowB] = [new PayFlow(a), new PayFlow(b)];
    a.connect();
    b.connect();
    // The resume waits for the steps' chunk (checkout.ts), fetched at connect.
    await Promise.all([flowA.load(), flowB.load()]);
    await settle();
    assert.deepEqual([flowA.state.step, flowB.state.step], ['done', 'lookup']);
    // The payment was announced pending before the "reload": the element that resumes it does not announce it again.
    assert.deepEqual(first.events, ['pay-pending']);
    assert.deepEqual([a.events, b.events], [['pay-success'], []]);
  });
});
