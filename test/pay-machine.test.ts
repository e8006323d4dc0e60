import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Payment, WidgetErrorCode } from '../src/api.js';
import { LIMITS, START, drive, transition, type Answer, type Clock, type PayClient, type PayState } from '../src/internal/pay-machine.js';

const record = (state: Payment['state'], reference = 'REF1'): Payment => ({
  reference,
  state,
  service: 'nea',
  customer_name: 'Michael Jackson',
  amount_paisa: 45000,
  service_charge_paisa: 0,
  total_paisa: 45000,
  transaction_id: state === 'success' ? '61892' : null,
  reason: state === 'failed' ? 'Multiple payment not allowed same day' : null,
  error_code: state === 'failed' ? 'PAYMENT_REJECTED' : null,
  reason_code: state === 'failed' ? 'MULTIPLE_PAYMENT_SAME_DAY' : null,
  receipt: [],
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

const paid = (state: Payment['state']): Answer => ({ payment: record(state) });
const failedWith = (code: WidgetErrorCode, payment: Payment | null = null): Answer => ({ code, payment });
const answered = (answer: Answer, at = 0) => ({ type: 'answered', answer, at }) as const;

/** A clock whose sleeps only move its time on, and record how long they were. */
function fakeClock() {
  let t = 1_000_000;
  const waits: number[] = [];
  const clock: Clock = {
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  };
  return { clock, waits };
}

/** A client answering from scripts, recording what it was asked. */
function fakeClient(sends: Answer[], statuses: Answer[] = []) {
  const calls: string[] = [];
  const client: PayClient = {
    send: async () => {
      calls.push('send');
      const next = sends.shift();
      if (!next) throw new Error('unexpected send');
      return next;
    },
    status: async (reference) => {
      calls.push(`status ${reference}`);
      const next = statuses.shift();
      if (!next) throw new Error('unexpected status check');
      return next;
    },
  };
  return { client, calls };
}

function run(start: PayState, client: PayClient, clock: Clock, signal = new AbortController().signal) {
  const seen: PayState[] = [];
  return drive(start, { client, clock, signal, onState: (s) => seen.push(s) }).then((end) => ({ end, seen }));
}

describe('pay machine: transitions', () => {
  it('settles on a final answer to the first send', () => {
    assert.deepEqual(transition(START, answered(paid('success'))), { phase: 'settled', payment: record('success'), code: null });
  });

  it('reports a refusal that carries a record with its code, and without one as PAYMENT_REJECTED', () => {
    assert.deepEqual(transition(START, answered(failedWith('PAYMENT_REJECTED', record('failed')))), {
      phase: 'settled',
      payment: record('failed'),
      code: 'PAYMENT_REJECTED',
    });
    assert.deepEqual(transition(START, answered(paid('failed'))), { phase: 'settled', payment: record('failed'), code: 'PAYMENT_REJECTED' });
  });

  it('turns a pending answer into polling, first after 1 s', () => {
    assert.deepEqual(transition(START, answered(paid('pending'), 500)), {
      phase: 'pending',
      payment: record('pending'),
      since: 500,
      polls: 0,
      waitMs: 1000,
      code: null,
    });
  });

  it('resends after an open answer with a growing wait, and gives up as unconfirmed after 4 sends', () => {
    let state: PayState = START;
    const waits: number[] = [];
    for (const code of ['NETWORK', 'TIMEOUT', 'IDEMPOTENCY_IN_FLIGHT'] as const) {
      state = transition(state, answered(failedWith(code)));
      assert.equal(state.phase, 'resending');
      if (state.phase === 'resending') waits.push(state.waitMs);
      state = transition(state, { type: 'waited' });
      assert.equal(state.phase, 'sending');
    }
    assert.deepEqual(waits, [1000, 2000, 3000]);
    assert.deepEqual(transition(state, answered(failedWith('UPSTREAM_ERROR'))), { phase: 'unconfirmed' });
  });

  it('stops at a refusal without a record: nothing was paid', () => {
    assert.deepEqual(transition(START, answered(failedWith('QUOTE_EXPIRED'))), { phase: 'refused', code: 'QUOTE_EXPIRED' });
  });

  it('asks again about an unconfirmed payment from the first send (the same attempt)', () => {
    assert.deepEqual(transition({ phase: 'unconfirmed' }, { type: 'retry' }), START);
  });

  it('ignores events that do not belong to a state', () => {
    const resending: PayState = { phase: 'resending', sent: 1, code: 'NETWORK', waitMs: 1000 };
    assert.equal(transition(resending, answered(paid('success'))), resending);
    assert.equal(transition(START, { type: 'waited' }), START);
    const settled = transition(START, answered(paid('success')));
    assert.equal(transition(settled, { type: 'check' }), settled);
  });

  it('checks a pending payment when the wait is over or the customer asks', () => {
    const pending = transition(START, answered(paid('pending')));
    const checking = { phase: 'checking', payment: record('pending'), since: 0, polls: 0 };
    assert.deepEqual(transition(pending, { type: 'waited' }), checking);
    assert.deepEqual(transition(pending, { type: 'check' }), checking);
  });

  it('backs off between checks (2 s, 4 s, ... at most 20 s) and keeps a failed check on screen', () => {
    const checking: PayState = { phase: 'checking', payment: record('pending'), since: 0, polls: 0 };
    assert.deepEqual(transition(checking, answered(paid('pending'), 1000)), {
      phase: 'pending',
      payment: record('pending'),
      since: 0,
      polls: 1,
      waitMs: 2000,
      code: null,
    });
    const failed = transition({ ...checking, polls: 6 }, answered(failedWith('NETWORK'), 1000));
    assert.deepEqual(failed, { phase: 'pending', payment: record('pending'), since: 0, polls: 7, waitMs: 20_000, code: 'NETWORK' });
    assert.deepEqual(transition(checking, answered(paid('success'))), { phase: 'settled', payment: record('success'), code: null });
  });

  it('stops checking by itself after 12 checks or 10 minutes; the customer can still ask', () => {
    const checking: PayState = { phase: 'checking', payment: record('pending'), since: 0, polls: LIMITS.polls - 1 };
    const spent = transition(checking, answered(paid('pending'), 1000));
    assert.equal(spent.phase === 'pending' && spent.waitMs, null);
    assert.equal(transition(spent, { type: 'waited' }), spent);
    assert.equal(transition(spent, { type: 'check' }).phase, 'checking');
    const late = transition({ ...checking, polls: 2 }, answered(paid('pending'), LIMITS.pollWindowMs));
    assert.equal(late.phase === 'pending' && late.waitMs, null);
  });
});

describe('pay machine: driven with a fake client and clock', () => {
  it('pays with one send and no wait', async () => {
    const { clock, waits } = fakeClock();
    const { client, calls } = fakeClient([paid('success')]);
    const { end, seen } = await run(START, client, clock);
    assert.equal(end.phase, 'settled');
    assert.deepEqual(calls, ['send']);
    assert.deepEqual(waits, []);
    assert.deepEqual(seen.map((s) => s.phase), ['settled']);
  });

  it('resends an open answer three times with back-off, then reports it unconfirmed', async () => {
    const { clock, waits } = fakeClock();
    const { client, calls } = fakeClient((['NETWORK', 'TIMEOUT', 'RATE_LIMITED', 'IDEMPOTENCY_IN_FLIGHT'] as const).map((c) => failedWith(c)));
    const { end } = await run(START, client, clock);
    assert.deepEqual(end, { phase: 'unconfirmed' });
    assert.deepEqual(calls, ['send', 'send', 'send', 'send']);
    assert.deepEqual(waits, [1000, 2000, 3000]);
  });

  it('gets the recorded outcome on a resend', async () => {
    const { clock, waits } = fakeClock();
    const { client, calls } = fakeClient([failedWith('NETWORK'), paid('success')]);
    const { end } = await run(START, client, clock);
    assert.equal(end.phase === 'settled' && end.code, null);
    assert.deepEqual(calls, ['send', 'send']);
    assert.deepEqual(waits, [1000]);
  });

  it('polls a pending payment with back-off until it is final', async () => {
    const { clock, waits } = fakeClock();
    const { client, calls } = fakeClient([paid('pending')], [paid('pending'), failedWith('NETWORK'), paid('success')]);
    const { end, seen } = await run(START, client, clock);
    assert.equal(end.phase === 'settled' && end.payment.state, 'success');
    assert.deepEqual(calls, ['send', 'status REF1', 'status REF1', 'status REF1']);
    assert.deepEqual(waits, [1000, 2000, 4000]);
    assert.deepEqual(
      seen.map((s) => s.phase),
      ['pending', 'checking', 'pending', 'checking', 'pending', 'checking', 'settled'],
    );
  });

  it('checks 12 times at most, then waits for the customer', async () => {
    const { clock, waits } = fakeClock();
    const { client, calls } = fakeClient([paid('pending')], Array.from({ length: LIMITS.polls }, () => paid('pending')));
    const { end } = await run(START, client, clock);
    assert.equal(end.phase === 'pending' && end.waitMs, null);
    assert.equal(calls.filter((c) => c.startsWith('status')).length, 12);
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000]);
  });

  it('stops where it is when aborted, drops a late answer, and resumes from the last state', async () => {
    const { clock } = fakeClock();
    const abort = new AbortController();
    let release: (a: Answer) => void = () => undefined;
    const late: PayClient = {
      send: () => new Promise<Answer>((resolve) => (release = resolve)),
      status: async () => paid('success'),
    };
    const first = run(START, late, clock, abort.signal);
    abort.abort();
    release(paid('success'));
    const { end, seen } = await first;
    assert.deepEqual(end, START, 'still to be sent');
    assert.deepEqual(seen, []);
    const { client, calls } = fakeClient([paid('success')]);
    const resumed = await run(end, client, clock);
    assert.equal(resumed.end.phase, 'settled');
    assert.deepEqual(calls, ['send']);
  });
});
