import type { Context, Env, Hono } from 'hono';
import type { Bill, Fact, Package, ServiceId } from '../../api.js';
import type { Aggregator, UpstreamResult } from '../aggregator.js';
import type { CommitAnswer } from './upstream.js';

/** What a provider's lookup yields; the proxy stores it as a quote and shows the browser all but the session. */
export interface QuoteDraft {
  sessionId: string;
  customerName: string;
  /** Facts about the customer worth showing (address, package, expiry...). */
  facts: Fact[];
  /** Oldest first. */
  bills: Bill[];
  /** When not empty, the customer pays one of these; its price is the amount. */
  packages: Package[];
  totalDuePaisa: number;
  /** The least and most the customer may pay; the proxy checks every pay against these. */
  minPaisa: number;
  maxPaisa: number;
  /** NEA: the generation of the aggregator's NEA API that serves this account; commit and service charge follow it. */
  generation?: 'v1' | 'v2';
  /** NEA v2, looked up with the old numbers: the customer's new consumer number. */
  newConsumerNo?: string;
  /** Who was found, when the lookup's fields do not say it alone (NEA v2: old numbers or new number, one account). */
  account?: string | null;
}

export interface CommitRequest {
  sessionId: string;
  amountPaisa: number;
  reference: string;
  packageId: number | null;
  /** The quote being paid (its bills and generation). */
  quote: QuoteDraft;
}

/**
 * One aggregator service. The proxy's routes, quotes, ledger and outcome rules are shared; a provider
 * maps its service's requests and answers to and from the common quote model. Its lookup body is the
 * contract's (`LOOKUP_REQUESTS`); the registry's proxy half (server/services.ts) lists it.
 */
export interface Provider<Input = unknown> {
  service: ServiceId;
  lookup(aggregator: Aggregator, input: Input, reference: string): Promise<QuoteDraft>;
  /** The service charge the aggregator adds for an amount, in paisa. Absent: the service has none. */
  serviceCharge?(aggregator: Aggregator, sessionId: string, amountPaisa: number, quote: QuoteDraft): Promise<number>;
  /** Sends the commit. Never called twice for one payment. */
  commit(aggregator: Aggregator, request: CommitRequest): Promise<UpstreamResult>;
  /** Receipt facts from a successful commit answer (receipt no, new expiry...). */
  receipt?(answer: CommitAnswer): Fact[];
  /**
   * Whether the aggregator's status lookup finds this service's payments by the proxy's reference.
   * False when the commit carries no reference (Dish Home).
   */
  statusLookup: boolean;
  /** Routes only this service has (NEA's counters, Dreamer's services): the contract's paths, under `/api`. */
  routes?<E extends Env>(app: Hono<E>, aggregatorOf: (c: Context<E>) => Aggregator): void;
}
