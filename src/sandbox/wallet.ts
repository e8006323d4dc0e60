/**
 * A sandbox balance per customer for host funding (`createProxy({ hostFunding })`): the portal demo's
 * "pay from your balance", and the embedded demo's stand-in until the widget offers the gateways. Holds
 * are idempotent per payment reference, as the hooks' contract asks of a real host.
 */
import type { HostFundingHooks } from '../server/funding/host.js';

export interface SandboxWalletOptions {
  /** Every customer's starting balance, in paisa. Default Rs 100,000. */
  balancePaisa?: number;
  /** Starting balances of some customers (by host authentication's subject; `guest` without one). */
  balances?: Record<string, number>;
  /** How many of the last calls `calls` keeps (a ring, as the sandbox aggregator's log). Default 1,000. */
  callLimit?: number;
}

export type WalletCall = { hook: 'hold' | 'capture' | 'release'; reference: string; amountPaisa: number };

export function createSandboxWallet(options: SandboxWalletOptions = {}) {
  const initial = options.balancePaisa ?? 10_000_000;
  const balances = new Map<string, number>(Object.entries(options.balances ?? {}));
  const holds = new Map<string, { subject: string; amountPaisa: number; state: 'held' | 'captured' | 'released' }>();
  /** The last `callLimit` calls, oldest first (a long-running demo does not grow it without end). */
  const calls: WalletCall[] = [];
  const limit = options.callLimit ?? 1_000;
  const log = (call: WalletCall) => {
    calls.push(call);
    if (calls.length > limit) calls.splice(0, calls.length - limit);
  };
  const balanceOf = (subject: string) => balances.get(subject) ?? initial;

  const hooks: HostFundingHooks = {
    async hold(payment) {
      log({ hook: 'hold', reference: payment.reference, amountPaisa: payment.totalPaisa });
      const holdId = `hold-${payment.reference}`;
      if (holds.has(holdId)) return { holdId };
      const subject = payment.subject ?? 'guest';
      if (balanceOf(subject) < payment.totalPaisa) return { refused: 'insufficient_balance' };
      balances.set(subject, balanceOf(subject) - payment.totalPaisa);
      holds.set(holdId, { subject, amountPaisa: payment.totalPaisa, state: 'held' });
      return { holdId };
    },
    async capture(hold) {
      log({ hook: 'capture', reference: hold.reference, amountPaisa: hold.amountPaisa });
      const held = holds.get(hold.holdId);
      if (!held) throw new Error(`no hold ${hold.holdId}`);
      if (held.state === 'held') held.state = 'captured';
    },
    async release(hold) {
      log({ hook: 'release', reference: hold.reference, amountPaisa: hold.amountPaisa });
      const held = holds.get(hold.holdId);
      if (!held) throw new Error(`no hold ${hold.holdId}`);
      if (held.state !== 'held') return;
      held.state = 'released';
      balances.set(held.subject, balanceOf(held.subject) + held.amountPaisa);
    },
  };
  return { hooks, calls, balanceOf };
}

export type SandboxWallet = ReturnType<typeof createSandboxWallet>;
