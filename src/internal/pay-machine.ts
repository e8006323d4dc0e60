/**
 * The pay path as a state machine: send the attempt; resend it with the same idempotency key while the
 * answer leaves the outcome open (the proxy turns a resend into the recorded outcome, never a second
 * payment); give up as PAY_UNCONFIRMED after a few sends; poll a pending payment with back-off, within
 * limits. `transition` is pure; `drive` performs each state's one effect (a request or a wait) through an
 * injected client and clock, so tests step through it without waiting and a caller can abort any run.
 */
import type { Payment, WidgetErrorCode } from '../api.js';

import type { Clock } from './clock.js';

export { systemClock, type Clock } from './clock.js';

/** A request's outcome as a value: the payment record, or an error code (with the record a refusal carries). */
export type Answer = { payment: Payment } | { code: WidgetErrorCode; payment: Payment | null; reference?: string };

export interface PayClient {
  /** Sends the attempt, always with its one idempotency key. */
  send(signal: AbortSignal): Promise<Answer>;
  status(reference: string, signal: AbortSignal): Promise<Answer>;
}

/** Answers that say "not final yet, ask again with the same key". */
export const TRANSIENT: ReadonlySet<WidgetErrorCode> = new Set<WidgetErrorCode>(['NETWORK', 'TIMEOUT', 'BAD_RESPONSE', 'IDEMPOTENCY_IN_FLIGHT', 'RATE_LIMITED', 'UPSTREAM_ERROR', 'SHUTTING_DOWN']);

export const LIMITS = {
  /** Sends of one attempt before it is reported as unconfirmed. */
  sends: 4,
  /** The wait before the next send, after `sent` sends. */
  resendAfterMs: (sent: number) => 1000 * sent,
  firstPollMs: 1000,
  /** Automatic status checks of a pending payment; "check now" still works after them. */
  polls: 12,
  pollAfterMs: (polls: number) => Math.min(1000 * 2 ** polls, 20_000),
  /** No automatic check later than this after the payment turned pending. */
  pollWindowMs: 10 * 60_000,
};

export type PayState =
  /** Sending the attempt; `sent` sends were made before this one. */
  | { phase: 'sending'; sent: number; reference?: string }
  /** Waiting before sending again: the last answer (`code`) left the outcome open. */
  | { phase: 'resending'; sent: number; code: WidgetErrorCode; waitMs: number; reference?: string }
  /** The biller has not confirmed yet. `waitMs` until the next automatic check, null when the limits are reached. */
  | { phase: 'pending'; payment: Payment; since: number; polls: number; waitMs: number | null; code: WidgetErrorCode | null }
  | { phase: 'checking'; payment: Payment; since: number; polls: number }
  /** Final, with a record: success, or failed with the code to report. */
  | { phase: 'settled'; payment: Payment; code: WidgetErrorCode | null }
  /** The sends ran out without an answer: the payment may or may not have happened. */
  /** `reference`: the proxy's reference for the attempt, when an answer named it (e.g. IDEMPOTENCY_IN_FLIGHT). */
  | { phase: 'unconfirmed'; reference?: string }
  /** Refused before anything was recorded: nothing was paid. */
  | { phase: 'refused'; code: WidgetErrorCode };

export type PayEvent =
  | { type: 'answered'; answer: Answer; at: number }
  | { type: 'waited' }
  /** The customer asks for the status now. */
  | { type: 'check' }
  /** The customer asks again about an unconfirmed payment (the same attempt, the same key). */
  | { type: 'retry' };

export const START: PayState = { phase: 'sending', sent: 0 };

function pendingAfter(payment: Payment, since: number, polls: number, at: number, code: WidgetErrorCode | null): PayState {
  const more = polls < LIMITS.polls && at - since < LIMITS.pollWindowMs;
  return { phase: 'pending', payment, since, polls, waitMs: more ? (polls === 0 ? LIMITS.firstPollMs : LIMITS.pollAfterMs(polls)) : null, code };
}

function settle(payment: Payment, code: WidgetErrorCode | null): PayState {
  return { phase: 'settled', payment, code: payment.state === 'success' ? null : (code ?? 'PAYMENT_REJECTED') };
}

export function transition(state: PayState, event: PayEvent): PayState {
  switch (state.phase) {
    case 'sending': {
      if (event.type !== 'answered') return state;
      const { answer, at } = event;
      const code = 'code' in answer ? answer.code : null;
      if (answer.payment) {
        return answer.payment.state === 'pending' ? pendingAfter(answer.payment, at, 0, at, null) : settle(answer.payment, code);
      }
      if (code === null || !TRANSIENT.has(code)) return { phase: 'refused', code: code ?? 'UNKNOWN' };
      const sent = state.sent + 1;
      const ref = ('reference' in answer ? answer.reference : undefined) ?? state.reference;
      const known = ref ? { reference: ref } : {};
      return sent < LIMITS.sends ? { phase: 'resending', sent, code, waitMs: LIMITS.resendAfterMs(sent), ...known } : { phase: 'unconfirmed', ...known };
    }
    case 'resending':
      return event.type === 'waited' ? { phase: 'sending', sent: state.sent, ...(state.reference ? { reference: state.reference } : {}) } : state;
    case 'pending':
      if (event.type === 'check' || (event.type === 'waited' && state.waitMs !== null)) {
        return { phase: 'checking', payment: state.payment, since: state.since, polls: state.polls };
      }
      return state;
    case 'checking': {
      if (event.type !== 'answered') return state;
      const { answer, at } = event;
      const seen = answer.payment ?? state.payment;
      // A refusal's own code (e.g. FUNDING_CANCELLED on a gateway's return), else PAYMENT_REJECTED.
      if (seen.state !== 'pending') return settle(seen, 'code' in answer ? answer.code : null);
      return pendingAfter(seen, state.since, state.polls + 1, at, 'code' in answer ? answer.code : null);
    }
    case 'unconfirmed':
      return event.type === 'retry' ? START : state;
    default:
      return state;
  }
}

/** Whether a state waits for nothing: only the customer can move it on. */
export const idle = (state: PayState) =>
  state.phase === 'settled' || state.phase === 'unconfirmed' || state.phase === 'refused' || (state.phase === 'pending' && state.waitMs === null);

async function effect(state: PayState, client: PayClient, clock: Clock, signal: AbortSignal): Promise<PayEvent | null> {
  switch (state.phase) {
    case 'sending':
      return { type: 'answered', answer: await client.send(signal), at: clock.now() };
    case 'checking':
      return { type: 'answered', answer: await client.status(state.payment.reference, signal), at: clock.now() };
    case 'resending':
      await clock.sleep(state.waitMs, signal);
      return { type: 'waited' };
    case 'pending':
      if (state.waitMs === null) return null;
      await clock.sleep(state.waitMs, signal);
      return { type: 'waited' };
    default:
      return null;
  }
}

/**
 * Runs the machine from `state` until it waits for the customer, reporting each new state. An abort
 * stops it where it is (an answer that arrives after the abort is dropped): running it again from the
 * last reported state resumes, resending with the same key or checking the status again.
 */
export async function drive(state: PayState, io: { client: PayClient; clock: Clock; signal: AbortSignal; onState: (s: PayState) => void }): Promise<PayState> {
  while (!io.signal.aborted && !idle(state)) {
    const event = await effect(state, io.client, io.clock, io.signal);
    if (!event || io.signal.aborted) break;
    state = transition(state, event);
    io.onState(state);
  }
  return state;
}
