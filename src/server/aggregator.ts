/**
 * The only code that talks to the aggregator. It adds the secret token to each request and turns every
 * way a call can end into a value, so that the callers decide what a lost answer means: harmless for
 * a lookup, "pending" for a commit.
 */
import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from './log.js';
import { isAccountCode } from './providers/upstream.js';

export type UpstreamResult =
  /** The aggregator answered; `body` is undefined when the answer was not JSON. */
  | { kind: 'answer'; status: number; body: unknown }
  | { kind: 'timeout' }
  /** The request never left (connection refused, unknown host): nothing can have happened upstream. */
  | { kind: 'unreachable' }
  /** The connection broke after the request may have been sent. */
  | { kind: 'network' };

/** How one call ended, for metrics: `ok` is a JSON answer below HTTP 400. */
export type UpstreamOutcome = 'ok' | 'timeout' | 'unreachable' | 'network' | 'redirect' | 'malformed' | 'http_4xx' | 'http_5xx';

export interface AggregatorOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  log: Logger;
  /** How to reach the aggregator instead of pooled node:http(s) requests (tests answer in process). */
  fetch?: typeof fetch;
  /** Told of every call once it ended: the path (no query: no token), its duration and outcome. */
  observe?: (path: string, seconds: number, outcome: UpstreamOutcome) => void;
}

/** What the merchant-account error codes mean, for the operator's log line. */
const ACCOUNT_PROBLEMS: Record<string, string> = {
  '1001': 'wrong token',
  '1008': 'service not enabled for the account',
  '1016': 'out of credits',
  '1019': 'maintenance',
};

/** The merchant-account error code of an error answer, if it is one. */
function accountCode(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const { status, error_code } = body as { status?: unknown; error_code?: unknown };
  const code = typeof error_code === 'string' || typeof error_code === 'number' ? String(error_code) : '';
  return status === false && isAccountCode(code) ? code : null;
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

interface Outgoing {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}
/** One request (its path below the base URL) and its whole answer; rejects (with the error's code) when the exchange broke. */
type Exchange = (path: string, init: Outgoing, deadline: Deadline) => Promise<{ status: number; text: string }>;

/** Removes secrets from an answer's text, in every form an echo may carry them: as sent, URL-encoded, JSON-escaped. */
export function secretScrubber(secrets: string[]): (text: string) => string {
  const forms = secrets.filter(Boolean).flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
  return (text) => forms.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join('[redacted]') : out), text);
}

/**
 * How an exchange learns that its time is up: an AbortSignal for fetch (made on first use: node:http
 * needs none, and an AbortController with the listeners node:http hangs on it costs more than the rest
 * of the call's bookkeeping), or a plain callback.
 */
export class Deadline {
  #controller: AbortController | null = null;
  #onExpiry: (() => void) | null = null;
  #expired = false;
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#expired) this.#controller.abort();
    return this.#controller.signal;
  }
  /** `cancel` is called once if the time runs out (at once if it has). */
  onExpiry(cancel: () => void) {
    if (this.#expired) cancel();
    else this.#onExpiry = cancel;
  }
  expire() {
    this.#expired = true;
    this.#controller?.abort();
    this.#onExpiry?.();
  }
}

export interface GuardRules {
  timeoutMs: number;
  log: Logger;
  /** Log events are `<prefix>.timeout`, `.redirect`, `.answer`, `.network`. */
  prefix: string;
  /** Fields of every log line (the path, never its query: it may carry a secret). */
  fields: Record<string, unknown>;
  scrub: (text: string) => string;
}

/**
 * One call under the rules every upstream shares (the aggregator, the checkout gateways): a timeout that also
 * covers exchanges ignoring the abort signal, a redirect never followed and its body never read, secrets
 * scrubbed before the answer is parsed, and every ending returned as a value with its outcome for metrics.
 */
export async function guardedExchange(
  send: (deadline: Deadline) => Promise<{ status: number; text: string }>,
  rules: GuardRules,
): Promise<{ result: UpstreamResult; outcome: UpstreamOutcome }> {
  const { log, prefix, fields } = rules;
  const deadline = new Deadline();
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    // One promise settled by whichever comes first: the exchange, or the timer (which also cancels it). An
    // exchange that ends after the timer is ignored, its failure included.
    const answer = await new Promise<{ status: number; text: string } | 'timeout'>((resolve, reject) => {
      timer = setTimeout(() => {
        deadline.expire();
        resolve('timeout');
      }, rules.timeoutMs);
      send(deadline).then(resolve, reject);
    });
    if (answer === 'timeout') {
      log('warn', `${prefix}.timeout`, { ...fields, ms: rules.timeoutMs });
      return { result: { kind: 'timeout' }, outcome: 'timeout' };
    }
    if (answer.status >= 300 && answer.status < 400) {
      // A redirect's body is not the upstream's answer; the base URL needs the operator's attention.
      log('error', `${prefix}.redirect`, { ...fields, status: answer.status });
      return { result: { kind: 'answer', status: answer.status, body: undefined }, outcome: 'redirect' };
    }
    let body: unknown;
    try {
      body = JSON.parse(rules.scrub(answer.text));
    } catch {
      body = undefined;
    }
    log('info', `${prefix}.answer`, { ...fields, status: answer.status, json: body !== undefined, ms: Math.round(performance.now() - started) });
    const outcome = answer.status >= 500 ? 'http_5xx' : answer.status >= 400 ? 'http_4xx' : body === undefined ? 'malformed' : 'ok';
    return { result: { kind: 'answer', status: answer.status, body }, outcome };
  } catch (error) {
    // fetch puts the system error in `cause`; node:http throws it.
    const failure = error as { code?: string; cause?: { code?: string } };
    const code = failure.cause?.code ?? failure.code ?? '';
    log('warn', `${prefix}.network`, { ...fields, code });
    return NEVER_SENT.has(code) ? { result: { kind: 'unreachable' }, outcome: 'unreachable' } : { result: { kind: 'network' }, outcome: 'network' };
  } finally {
    clearTimeout(timer);
  }
}

// Never follow a redirect: it would re-send the body, token included, to a host nobody configured.
export const fetchExchange =
  (send: typeof fetch) =>
  async (url: string, init: RequestInit, deadline: Deadline): Promise<{ status: number; text: string }> => {
    const response = await send(url, { ...init, redirect: 'manual', signal: deadline.signal });
    return { status: response.status, text: await response.text() };
  };

const IDLE_CONNECTION_MS = 4_000;

/**
 * Pooled keep-alive connections over node:http(s): a fraction of undici fetch's cost per call. It never
 * follows a redirect (node:http has no such feature); the agent closes an idle connection before the
 * aggregator's announced keep-alive timeout, so a commit is not sent on a socket the server is closing.
 */
function nodeExchange(baseUrl: string): Exchange {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  // An idle connection is closed after 4 s (undici's default) or before the server's announced timeout,
  // whichever is sooner: one an aggregator dropped silently would fail the next commit as "network".
  const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
  const agent = secure ? new HttpsAgent(options) : new HttpAgent(options);
  const send = secure ? httpsRequest : httpRequest;
  // The base URL is read once (as node:http would read `${baseUrl}${path}` at every call).
  const hostname = base.hostname.startsWith('[') ? base.hostname.slice(1, -1) : base.hostname;
  const port = base.port || (secure ? 443 : 80);
  const prefix = base.pathname.replace(/\/$/, '');
  return (path, init, deadline) =>
    new Promise((resolve, reject) => {
      const headers: OutgoingHttpHeaders = init.body === undefined ? init.headers : { ...init.headers, 'content-length': Buffer.byteLength(init.body) };
      const req = send({ agent, protocol: base.protocol, hostname, port, path: `${prefix}${path}`, method: init.method, headers }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      deadline.onExpiry(() => req.destroy(Object.assign(new Error('The upstream call timed out'), { code: 'ABORT_ERR' })));
      req.end(init.body);
    });
}

export class Aggregator {
  readonly #exchange: Exchange;
  /** Removes the token from an answer before anything reads it. */
  readonly #scrub: (text: string) => string;
  /** `shared`: another client's connections and scrubber (`withLog`). */
  constructor(
    private readonly options: AggregatorOptions,
    shared?: { exchange: Exchange; scrub: (text: string) => string },
  ) {
    const viaFetch = !shared && options.fetch && fetchExchange(options.fetch);
    this.#exchange = shared?.exchange ?? (viaFetch ? (path, init, deadline) => viaFetch(`${options.baseUrl}${path}`, init, deadline) : nodeExchange(options.baseUrl));
    // An aggregator that echoes its request (in `details`, say) must not carry the secret into the ledger,
    // a log line or a customer's screen.
    this.#scrub = shared?.scrub ?? secretScrubber([options.token]);
  }

  /** This client, its connections included, logging to `log` (a request's: its id on every line). */
  withLog(log: Logger): Aggregator {
    return new Aggregator({ ...this.options, log }, { exchange: this.#exchange, scrub: this.#scrub });
  }

  /** `POST {base}/api/servicegroup/<step>/<service>/` with the token in the JSON body. */
  post(path: string, params: Record<string, unknown>): Promise<UpstreamResult> {
    return this.#call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: this.options.token, ...params }),
    });
  }

  /**
   * `GET {base}<path>?token=...&<params>`: the account APIs (service charges). They are documented with a
   * JSON body on a GET, which fetch cannot send, so the parameters go in the query as the status lookup's do.
   */
  get(path: string, params: Record<string, string>): Promise<UpstreamResult> {
    const query = new URLSearchParams({ token: this.options.token, ...params });
    return this.#call(`${path}?${query}`, { method: 'GET', headers: { accept: 'application/json' } });
  }

  /** The status lookup: `GET {base}/api/service/status/?token=...&reference=...`. */
  status(reference: string): Promise<UpstreamResult> {
    const query = new URLSearchParams({ token: this.options.token, reference });
    return this.#call(`/api/service/status/?${query}`, { method: 'GET', headers: { accept: 'application/json' } });
  }

  async #call(path: string, init: Outgoing): Promise<UpstreamResult> {
    const query = path.indexOf('?');
    const logPath = query === -1 ? path : path.slice(0, query);
    const started = this.options.observe ? performance.now() : 0;
    const { result, outcome } = await guardedExchange((deadline) => this.#exchange(path, init, deadline), {
      timeoutMs: this.options.timeoutMs,
      log: this.options.log,
      prefix: 'upstream',
      fields: { path: logPath },
      scrub: this.#scrub,
    });
    const code = result.kind === 'answer' ? accountCode(result.body) : null;
    if (code) {
      // The merchant's problem, not the customer's: one line for the operator, a generic answer for the customer.
      this.options.log('error', 'upstream.account_problem', { path: logPath, code, meaning: ACCOUNT_PROBLEMS[code] ?? 'account problem' });
    }
    this.options.observe?.(logPath, (performance.now() - started) / 1000, outcome);
    return result;
  }
}
