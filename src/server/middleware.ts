/** The proxy's middleware, in the order createProxy mounts it: Hono's own where it fits, ours where it does not. */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ROUTES } from '../contract.js';
import type { Authorize } from './auth.js';
import { clientAddressResolver, socketAddress } from './client-ip.js';
import type { ProxyConfig } from './config.js';
import { ProxyError } from './errors.js';
import { withFields, type Logger } from './log.js';
import type { RateLimiter } from './rate-limit.js';
import { refuseIfLimited, type ProxyEnv } from './routes/context.js';

/**
 * Every request's frame, the outermost of the proxy's own layers: a request id, taken from the client or
 * the load balancer when well-formed, echoed in the answer and carried by every log line of the request
 * (the request's logger, `c.var.log`, which the routes hand down: `logOf`), however deep it is logged; the answer not cached, with the security
 * headers; the request counted in flight for the shutdown drain (unless refused by it); one log line.
 * Not hono/request-id: it accepts ids ours refuses (shorter than 8) and refuses ids ours accepts ('.', ':').
 *
 * Every header of this file is set with `c.header` before `next()`: Hono keeps them aside and builds the
 * answer with them in one go. Touching `c.res` before the route answers (as hono/cors does) makes Hono
 * rebuild the answer as a full web Response with a stream body, most of a lookup's cost in the framework.
 *
 * The proxy's checks are few layers, each doing all that it can in one call: every layer costs Hono an
 * async dispatch (promises), on every request.
 * A check that throws is answered by the app's error handler at its own layer, so this frame still
 * logs the refusal with its status.
 */
export function requestFrame(base: Logger, drain: DrainGate): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    const log = withFields(base, { request_id: id });
    c.set('log', log);
    c.header('x-request-id', id);
    // The security headers of hono/secure-headers that we keep (it sets more by default).
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('cross-origin-resource-policy', 'same-site');
    const started = performance.now();
    // A request refused by the drain (checks(), below) is not counted.
    const counted = !drain.draining;
    if (counted) drain.enter();
    try {
      await next();
    } finally {
      if (counted) drain.leave();
    }
    log('info', 'request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The checks before any route (the public ones included): the shutdown drain's refusal, CORS (preflights
 * answered here) and the requests per client address. One layer, answered without a promise of its own
 * when there is no per-client limit to count.
 */
export function requestChecks(config: ProxyConfig, drain: DrainGate, perIp: RateLimiter, clientIp?: (c: Context) => string | undefined): MiddlewareHandler {
  const cors = allowedOrigins(config);
  const clientAddress = clientAddressResolver(config.trustProxy, config.trustProxyHeader);
  return (c, next) => {
    if (drain.draining) {
      c.header('retry-after', '1');
      c.header('connection', 'close');
      throw new ProxyError('SHUTTING_DOWN', 'The payment proxy is restarting; try again in a moment');
    }
    const preflight = cors(c);
    if (preflight) return Promise.resolve(preflight);
    if (!perIp.active) return next();
    // Requests per client address, from the socket or the trusted proxies' header (TRUST_PROXY).
    const ip = clientIp?.(c) ?? clientAddress(socketAddress(c.env), c.req.raw.headers) ?? 'unknown';
    return perIp.hit(`ip:${ip}`).then((wait) => {
      refuseIfLimited(c, wait, 'requests');
      return next();
    });
  };
}

/**
 * Shutdown drain: once `close` is called, new requests are refused (requestChecks); the ones in flight
 * (requestFrame counts them; a commit among them) run to their end and record their answers before the
 * ledger closes.
 */
export function drainGate() {
  let draining = false;
  let inFlight = 0;
  const drained = new Set<() => void>();
  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    enter() {
      inFlight++;
    },
    leave() {
      if (--inFlight === 0) drained.forEach((resolve) => resolve());
    },
    /** Refuses new requests; resolves once none is in flight, or after `timeoutMs`. */
    async close(timeoutMs: number) {
      draining = true;
      if (inFlight === 0) return;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        drained.add(resolve);
        timeout = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timeout);
    },
  };
}

export type DrainGate = ReturnType<typeof drainGate>;

/**
 * CORS (in requestChecks): an exact allow-list of merchant origins plus the proxy's own (PUBLIC_ORIGIN), never the Host header.
 * A listed origin gets the CORS headers (those hono/cors sets); any other origin is refused outright (403),
 * not just left without headers, so a script on it learns nothing from a request that was still carried out.
 */
function allowedOrigins(config: ProxyConfig): (c: Context) => Response | undefined {
  // Read per request: the standalone server fills publicOrigins in once it knows its port.
  const allowed = (origin: string) => config.allowedOrigins.includes(origin) || config.publicOrigins.includes(origin);
  return (c) => {
    const origin = c.req.header('origin');
    c.header('vary', 'Origin', { append: true });
    if (origin !== undefined && !allowed(origin)) {
      throw new ProxyError('FORBIDDEN_ORIGIN', 'This origin may not use the payment proxy');
    }
    if (origin !== undefined) c.header('access-control-allow-origin', origin);
    c.header('access-control-expose-headers', CORS.expose);
    if (c.req.method === 'OPTIONS') {
      // A preflight is answered here, whatever the path.
      c.header('access-control-max-age', CORS.maxAge);
      c.header('access-control-allow-methods', CORS.methods);
      c.header('access-control-allow-headers', CORS.headers);
      c.header('vary', 'Access-Control-Request-Headers', { append: true });
      return c.body(null, 204);
    }
    return undefined;
  };
}

const CORS = {
  methods: ['GET', 'POST'].join(','),
  headers: ['authorization', 'content-type', 'idempotency-key'].join(','),
  expose: ['idempotent-replayed', 'retry-after', 'x-request-id'].join(','),
  maxAge: String(600),
};

/**
 * Host authentication (after CORS and rate limits; the aggregator's own callbacks carry no user), then the
 * body limit: one layer, without a promise of its own when there is no authentication to wait for.
 */
export function authenticate(authorize: Authorize | undefined, maxBodyBytes: number): MiddlewareHandler<ProxyEnv> {
  const limit = limitBody(maxBodyBytes);
  if (!authorize) return limit;
  return async (c, next) => {
    // The methods offered (GET /api/funding) are the merchant's public terms: the widget asks before any sign-in matters.
    if (!c.req.path.startsWith('/api/callbacks/') && !(c.req.method === 'GET' && c.req.path.endsWith(`/api${ROUTES.funding.path}`))) {
      const result = await authorize(c.req.raw);
      if ('refused' in result) {
        throw new ProxyError('AUTH_REQUIRED', 'Sign in to continue', { details: { reason: result.refused } });
      }
      c.set('subject', result.subject);
    }
    return limit(c, next);
  };
}

function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new ProxyError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${maxSize} bytes`);
  };
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return (c, next) => {
    // A Content-Length (without Transfer-Encoding) settles it from the headers, as bodyLimit would, but
    // without touching c.req.raw.body: on @hono/node-server that builds a web stream of the body, and the
    // route's c.req.text() then misses the server's direct read of the socket.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > maxSize) tooLarge();
      return next();
    }
    return counted(c, next);
  };
}
