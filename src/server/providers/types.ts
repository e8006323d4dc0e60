import type { Hono } from 'hono';
import type * as zm from 'zod/mini';
import type { Bill, ServiceId } from '../../api.js';
import type { Aggregator, UpstreamResult } from '../aggregator.js';

/** What a provider's lookup yields; the proxy stores it as a quote and shows the browser all but the session. */
export interface QuoteDraft {
  sessionId: string;
  customerName: string;
  /** Oldest first. */
  bills: Bill[];
  totalDuePaisa: number;
  /** The least and most the customer may pay; the proxy checks every pay against these. */
  minPaisa: number;
  maxPaisa: number;
}

export interface CommitRequest {
  sessionId: string;
  amountPaisa: number;
  reference: string;
}

/**
 * One aggregator service. The proxy's routes, quotes, ledger and outcome rules are shared; a provider
 * maps its service's requests and answers to and from the common quote model.
 */
export interface Provider<Input = unknown> {
  service: ServiceId;
  lookupRequest: zm.ZodMiniType<Input>;
  lookup(aggregator: Aggregator, input: Input, reference: string): Promise<QuoteDraft>;
  /** The service charge the aggregator adds for an amount, in paisa. */
  serviceCharge(aggregator: Aggregator, sessionId: string, amountPaisa: number): Promise<number>;
  /** Sends the commit. Never called twice for one payment. */
  commit(aggregator: Aggregator, request: CommitRequest): Promise<UpstreamResult>;
  /** Routes only this service has (NEA's counters), mounted under `/api/<service>/`. */
  routes?(app: Hono, aggregator: Aggregator): void;
}
