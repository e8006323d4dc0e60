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
}

export type WalletCall = { hook: 'hold' | 'capture' | 'release'; reference: string; amountPaisa: number };

export function createSandboxWallet(options: SandboxWalletOptions = {}) {
  const initial = options.balancePaisa ?? 10_000_000;
  const balances = new Map<string, number>(Object.entries(options.balances ?? {}));
  const holds = new Map<string, { subject: string; amountPaisa: number; state: 'held' | 'captured' | 'released' }>();
  const calls: WalletCall[] = [];
  const balanceOf = (subject: string) => balances.get(subject) ?? initial;

  const hooks: HostFundingHooks = {
    async hold(payment) {
      calls.push({ hook: 'hold', reference: payment.reference, amountPaisa: payment.totalPaisa });
      const holdId = `hold-${payment.reference}`;
      if (holds.has(holdId)) return { holdId };
      const subject = payment.subject ?? 'guest';
      if (balanceOf(subject) < payment.totalPaisa) return { refused: 'insufficient_balance' };
      balances.set(subject, balanceOf(subject) - payment.totalPaisa);
      holds.set(holdId, { subject, amountPaisa: payment.totalPaisa, state: 'held' });
      return { holdId };
    },
    async capture(hold) {
      calls.push({ hook: 'capture', reference: hold.reference, amountPaisa: hold.amountPaisa });
      const held = holds.get(hold.holdId);
      if (!held) throw new Error(`no hold ${hold.holdId}`);
      if (held.state === 'held') held.state = 'captured';
    },
    async release(hold) {
      calls.push({ hook: 'release', reference: hold.reference, amountPaisa: hold.amountPaisa });
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
