/** What the proxy's factory hands to its route modules, and the request helpers they share. */
import type { Context } from 'hono';
import * as zm from 'zod/mini';
import type { Aggregator } from '../aggregator.js';
import type { ProxyConfig } from '../config.js';
import { ProxyError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Payments } from '../payments.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Store } from '../store/store.js';

/** What the proxy's middleware hands to its routes: the signed-in user, the request's logger (its id on every line). */
export type ProxyEnv = { Variables: { subject?: string; log?: Logger } };

export interface RouteContext {
  config: ProxyConfig;
  store: Store;
  payments: Payments;
  aggregator: Aggregator;
  log: Logger;
  /** Lookups per customer looked up, whatever the client's address. */
  perCustomer: RateLimiter;
  /** Whether the aggregator token is a test one (quotes say so). */
  testMode: boolean;
}

/** The request's logger (its id on every line: requestFrame sets it), or `fallback` outside the frame. */
export const logOf = (c: Context<ProxyEnv>, fallback: Logger): Logger => c.get('log') ?? fallback;

/** The payments as this request sees them: every line they log (and their aggregator and funding) carries its id. */
export const paymentsOf = ({ payments, log }: RouteContext, c: Context<ProxyEnv>): Payments => payments.withLog(logOf(c, log));

/** The signed-in user; host authentication sets it. The body middleware may rebuild c.req.raw (chunked bodies). */
export const subjectOf = (c: Context<ProxyEnv>) => c.get('subject') ?? null;

/** History and receipts belong to a signed-in user: they need host authentication. */
export function signedIn(c: Context<ProxyEnv>) {
  const subject = subjectOf(c);
  if (subject === null) throw new ProxyError('AUTH_REQUIRED', 'Payment history needs host authentication (AUTH_JWT_SECRET or AUTH_JWKS_URL)');
  return subject;
}

/** A JSON body checked against its schema: a clear VALIDATION error naming the fields, never a crash. */
export async function parseBody<T>(c: Context, schema: zm.ZodMiniType<T>): Promise<T> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new ProxyError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError('VALIDATION', 'The request body is not valid JSON');
  }
  return validated(schema, raw);
}

/** A parsed body checked against its schema: a clear VALIDATION error naming the fields. */
export function validated<T>(schema: zm.ZodMiniType<T>, raw: unknown): T {
  const parsed = zm.safeParse(schema, raw);
  if (!parsed.success) {
    // A request of several forms (NEA: old numbers or new consumer number) is judged by its closest form.
    const issues = parsed.error.issues.flatMap((i) =>
      i.code === 'invalid_union' && i.errors.length
        ? i.errors.reduce((a, b) => (b.length < a.length ? b : a)).map((e) => ({ ...e, path: [...i.path, ...e.path] }))
        : [i],
    );
    const fields = [...new Set(issues.map((i) => i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(',') : '(body)')))];
    throw new ProxyError('VALIDATION', `Invalid request: check ${fields.join(', ')}`, { details: { fields } });
  }
  return parsed.data;
}

/** Refuses a request over a rate limit (`wait`: seconds, from RateLimiter.hit), saying when to try again. */
export function refuseIfLimited(c: Context, wait: number, what: string) {
  if (!wait) return;
  c.header('retry-after', String(wait));
  throw new ProxyError('RATE_LIMITED', `Too many ${what}; try again in a minute`);
}
