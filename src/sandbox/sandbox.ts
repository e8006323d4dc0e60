/**
 * The sandbox aggregator: a stateful fake of the aggregator's services API that answers with the seed
 * documents' exact request and response shapes. It is the proxy's embedded default (no aggregator account
 * needed) and a product feature merchants develop against, so it is faithful: tokens, references,
 * sessions, amounts and credits are all checked, and every commit is recorded for the status lookup.
 * Faults are injected per test customer, per request (`x-sandbox-fault` header) or armed ahead through
 * `POST /_sandbox/faults`.
 *
 * This file holds what all services share; each service registers its routes from its own module.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { paisaToRupees, rupeesToPaisa } from '../money.js';
import { normalizeAddress, socketAddress } from '../server/client-ip.js';
import { SERVICES, type ServiceId } from '../services.js';
import { type Fault, type FaultKind, type Step } from './fixtures.js';
import { SANDBOX_MODULES } from './services.js';
import { DEFAULT_SANDBOX_TOKEN } from './token.js';

export interface SandboxOptions {
  /** Merchant tokens the sandbox accepts. Default: `TEST:sandbox-merchant`. */
  tokens?: string[];
  /** Credit balance each merchant starts with, in paisa. Default Rs 1,00,000. */
  creditsPaisa?: number;
  /** How long a details session stays valid. Default 10 minutes. */
  sessionTtlMs?: number;
  /** How long a `hang` fault holds its answer (unless the client goes away first). Default 120 s. */
  hangMs?: number;
  now?: () => number;
  /**
   * Let any client use the control routes (`/_sandbox/*`). Default: only loopback clients, so a sandbox
   * reachable from a network cannot be reset or armed with faults by a stranger.
   */
  openControl?: boolean;
  /**
   * Caps on what the sandbox keeps in memory, so an embedded sandbox serving for weeks stays small:
   * - `calls`: the call log (`GET /_sandbox/calls`) is a ring of the last N requests. Default 1,000.
   * - `sessions`: live sessions, oldest evicted first beyond it (a late commit then answers "Invalid
   *   session", as after expiry). Expired sessions are dropped anyway one session TTL after expiry (until
   *   then a commit still gets the faithful "Session expired"). Default 10,000.
   * - `references`: the references seen for the duplicate check (1013), oldest forgotten first; a
   *   recorded transaction's reference stays a duplicate while the transaction is kept. Default 10,000.
   * - `transactions` and `transactionRetentionMs`: beyond the cap, the oldest transactions are evicted,
   *   but never one younger than the retention window (default 24 h, longer than the proxy's reconciler
   *   takes to give up: about 9 hours with its defaults), so the cap is soft: a status lookup within the
   *   window always finds its transaction. Default 10,000.
   */
  limits?: Partial<SandboxLimits>;
}

export interface SandboxLimits {
  calls: number;
  sessions: number;
  references: number;
  transactions: number;
  transactionRetentionMs: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  calls: 1_000,
  sessions: 10_000,
  references: 10_000,
  transactions: 10_000,
  transactionRetentionMs: 24 * 3600_000,
};

export { DEFAULT_SANDBOX_TOKEN };

/** A service as the sandbox records it: NEA's second generation is a service of its own upstream. */
export type SandboxService = ServiceId | 'nea-v2';
/** A transaction's state as the status lookup reports it: a refused commit and a manual failure both read `Failed`. */
export type TxState = 'Success' | 'Failed';
export interface Transaction {
  id: number;
  reference: string;
  token: string;
  service: SandboxService;
  state: TxState;
  /**
   * The lookup's `original_status` (`Success`, or `Error` for a refused commit). None for a transaction
   * failed by hand (`POST /_sandbox/transactions/fail`): the lookup then answers the documented short form.
   */
  originalStatus?: 'Success' | 'Error';
  amountPaisa: number;
  detail: string;
  createdAt: number;
}
export interface Session {
  id: number;
  token: string;
  service: SandboxService;
  customer: object;
  expiresAt: number;
  paid: boolean;
}

const FAULT_KINDS: FaultKind[] = ['latency', 'hang', 'http500', 'malformed', 'http400', 'http404', 'http', 'error', 'error4000', 'echo'];

/** The aggregator's error bodies by code (AGGREGATOR-FACTS.md). */
function errorFor(code: string, details?: string) {
  switch (code) {
    case '4000':
      return cannotFulfil(details || 'Max number exceeding');
    case '1013':
      return errorBody(code, 'Duplicate reference', 'duplicate_reference', details || 'Duplicate reference');
    case '1016':
      return errorBody(code, 'Insufficient credits', 'insufficient_credits', details || 'Insufficient credits');
    case '1019':
      return errorBody(code, 'Service under maintenance', 'maintenance', details || 'Service under maintenance');
    default:
      return errorBody(code, 'Error', 'client_error', details || 'Error');
  }
}

/** `error4000` is the shorthand of `error` with code 4000. */
const normalise = (fault: Fault): Fault => (fault.kind === 'error4000' ? { ...fault, kind: 'error', code: '4000' } : fault);
const STEPS: Step[] = ['counters', 'details', 'servicecharge', 'commit', 'status', 'userinfo'];
const REFERENCE = /^[A-Za-z0-9-]{1,50}$/;

/** An HTTP status a fault may answer with (200-599, except those that carry no body), or null. */
function httpStatus(value: unknown): number | null {
  const status = Number(value);
  return Number.isInteger(status) && status >= 200 && status <= 599 && ![204, 205, 304].includes(status) ? status : null;
}

export function errorBody(code: string, message: string, error: string, details: string) {
  return { status: false, error_code: code, message, error, details, error_data: {}, state: 'Error' };
}
export const cannotFulfil = (details: string) => errorBody('4000', "Can't fulfill request", 'client_error', details);
export const invalid = (code: '1010' | '1011', message: string, details: string) => errorBody(code, message, 'validation_error', details);

export type Body = Record<string, unknown>;

function createCore(options: SandboxOptions) {
  const now = options.now ?? Date.now;
  const tokens = new Set(options.tokens ?? [DEFAULT_SANDBOX_TOKEN]);
  const sessionTtlMs = options.sessionTtlMs ?? 10 * 60_000;
  const hangMs = options.hangMs ?? 120_000;
  const startCredits = options.creditsPaisa ?? 10_000_000;
  const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };

  const state = {
    credits: new Map<string, number>(),
    /** References seen for the duplicate check, oldest first (a bounded set: see `limits.references`). */
    references: new Set<string>(),
    sessions: new Map<number, Session>(),
    transactions: new Map<string, Transaction>(),
    /** What successful commits changed about a customer (dues, expiry), by fixture. */
    customers: new Map<object, unknown>(),
    armed: [] as { step: Step; fault: Fault; times: number }[],
    /** The last `limits.calls` requests the sandbox received, oldest first, for tests: step, service, reference and body (without the token). */
    calls: [] as { step: Step; service?: SandboxService; reference?: string; body?: Body; at: number }[],
    /** How many requests the sandbox received in all (the call log keeps only the last ones). */
    callCount: 0,
    nextSession: 1,
    nextTransaction: 61892,
  };

  function reset() {
    state.credits.clear();
    state.references.clear();
    state.sessions.clear();
    state.transactions.clear();
    state.customers.clear();
    state.armed.length = 0;
    state.calls.length = 0;
    state.callCount = 0;
  }

  /** Records a call in the ring of the last `limits.calls`. */
  function logCall(call: (typeof state.calls)[number]) {
    state.callCount++;
    state.calls.push(call);
    if (state.calls.length > limits.calls) state.calls.splice(0, state.calls.length - limits.calls);
  }

  /**
   * Maps keep insertion order, which is creation order here, so pruning looks at the oldest entries only:
   * constant work per new entry.
   */
  function pruneSessions() {
    const t = now();
    for (const [id, session] of state.sessions) {
      const stale = session.expiresAt + sessionTtlMs <= t;
      if (!stale && state.sessions.size <= limits.sessions) break;
      state.sessions.delete(id);
    }
  }

  function pruneTransactions() {
    const oldest = now() - limits.transactionRetentionMs;
    for (const [reference, tx] of state.transactions) {
      if (state.transactions.size <= limits.transactions || tx.createdAt > oldest) break;
      state.transactions.delete(reference);
    }
  }

  function rememberReference(reference: string) {
    state.references.add(reference);
    for (const old of state.references) {
      if (state.references.size <= limits.references) break;
      state.references.delete(old);
    }
  }

  const credits = (token: string) => state.credits.get(token) ?? startCredits;

  function takeFault(c: Context, step: Step, customer?: { faults?: Partial<Record<Step, Fault>> }): Fault | undefined {
    const header = c.req.header('x-sandbox-fault');
    if (header) {
      const [kind, arg] = header.split(':') as [FaultKind, string | undefined];
      if (FAULT_KINDS.includes(kind)) {
        return normalise({ kind, ms: Number(arg) || 0, code: arg, details: kind === 'error4000' ? arg : undefined, status: kind === 'http' ? (httpStatus(arg) ?? undefined) : undefined });
      }
    }
    const index = state.armed.findIndex((a) => a.step === step);
    if (index >= 0) {
      const armed = state.armed[index]!;
      if (--armed.times <= 0) state.armed.splice(index, 1);
      return normalise(armed.fault);
    }
    const own = customer?.faults?.[step];
    return own && normalise(own);
  }


  async function readBody(c: Context): Promise<Body | null> {
    try {
      const body: unknown = await c.req.json();
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : null;
    } catch {
      return null;
    }
  }

  const core = {
    state,
    limits,
    logCall,
    now,
    tokens,
    reset,
    readBody,

    /**
     * Applies a fault around `work`, which does the step's real processing. Processing happens before a
     * hang, 5xx or broken answer: the worst case for a payment, where money moved but the answer is lost.
     */
    async withFault(c: Context, fault: Fault | undefined, work: () => Response): Promise<Response> {
      if (!fault) return work();
      if (fault.kind === 'latency') {
        await wait(c, fault.ms ?? 1000);
        return work();
      }
      // Refusals come before any processing: nothing happened upstream.
      if (fault.kind === 'error') return c.json(errorFor(fault.code ?? '4000', fault.details), (fault.status ?? 400) as ContentfulStatusCode);
      if (fault.kind === 'echo') return c.json(cannotFulfil(`Rejected request ${c.req.url} ${JSON.stringify(await readBody(c))}`), 400);
      if (fault.kind === 'http400') return c.json(invalid('1010', 'Invalid request', 'Bad request'), 400);
      if (fault.kind === 'http404') return c.text('Not Found', 404);
      const response = work();
      if (fault.kind === 'hang') {
        await wait(c, hangMs);
        return response;
      }
      if (fault.kind === 'http500') return c.text('<h1>Server Error (500)</h1>', 500, { 'content-type': 'text/html' });
      if (fault.kind === 'http') return new Response(response.body, { status: fault.status ?? 200, headers: response.headers });
      const body = await response.text();
      return c.body(body.slice(0, Math.max(1, Math.floor(body.length / 2))), 200, { 'content-type': 'application/json' });
    },

    takeFault,

    /** Reads the JSON body and checks the token; records the call. */
    async checkRequest(c: Context, step: Step, service?: SandboxService): Promise<{ body: Body; token: string } | { error: Response }> {
      const body = await readBody(c);
      if (!body) return { error: c.json(invalid('1010', 'Invalid request', 'Body must be a JSON object'), 400) };
      const reference = typeof body.reference === 'string' ? body.reference : undefined;
      const { token, ...rest } = body;
      logCall({ step, service, reference, body: rest, at: now() });
      if (typeof token !== 'string' || !tokens.has(token)) {
        return { error: c.json(errorBody('1001', 'Invalid token', 'invalid_token', 'Invalid token'), 401) };
      }
      return { body, token };
    },

    /** Reference rules: required (1012), alphanumeric up to 50 (1011), unique per request (1013). */
    useReference(c: Context, body: Body): Response | string {
      const reference = body.reference;
      if (reference === undefined || reference === '') {
        return c.json(errorBody('1012', 'Reference missing', 'validation_error', 'reference is required'), 400);
      }
      if (typeof reference !== 'string' || !REFERENCE.test(reference)) {
        return c.json(invalid('1011', 'Invalid reference', 'reference must be up to 50 alphanumeric characters'), 400);
      }
      if (state.references.has(reference) || state.transactions.has(reference)) {
        return c.json(errorBody('1013', 'Duplicate reference', 'duplicate_reference', 'Duplicate reference'), 400);
      }
      rememberReference(reference);
      return reference;
    },

    openSession(token: string, service: SandboxService, customer: object): Session {
      const session: Session = { id: state.nextSession++, token, service, customer, expiresAt: now() + sessionTtlMs, paid: false };
      state.sessions.set(session.id, session);
      pruneSessions();
      return session;
    },

    findSession(c: Context, body: Body, token: string, service: SandboxService): Session | Response {
      const id = Number(body.session_id);
      const session = Number.isInteger(id) ? state.sessions.get(id) : undefined;
      if (!session || session.token !== token || session.service !== service) {
        return c.json(cannotFulfil('Invalid session'), 400);
      }
      if (session.expiresAt <= now()) return c.json(cannotFulfil('Session expired'), 400);
      if (session.paid) return c.json(cannotFulfil('Multiple payment not allowed same day'), 400);
      return session;
    },

    readAmount(value: unknown): number | null {
      return typeof value === 'number' || typeof value === 'string' ? rupeesToPaisa(value) : null;
    },

    /** The customer's current state: the fixture's, or what successful commits made of it. */
    customerState<T>(fixture: object, initial: () => T): T {
      return (state.customers.get(fixture) as T | undefined) ?? initial();
    },

    record(token: string, service: SandboxService, reference: string, original: 'Success' | 'Error', amountPaisa: number, detail: string): Transaction {
      const tx: Transaction = {
        id: state.nextTransaction++,
        reference,
        token,
        service,
        state: original === 'Success' ? 'Success' : 'Failed',
        originalStatus: original,
        amountPaisa,
        detail,
        createdAt: now(),
      };
      state.transactions.set(reference, tx);
      pruneTransactions();
      return tx;
    },

    /**
     * Commits a payment, with the customer's or the request's fault around it: error 4000 records a
     * refused transaction; otherwise credits are consumed, the session is marked paid, `answer().settle`
     * changes the customer, the transaction is recorded, and the answer has the seeds' common success
     * shape. Without enough credits: error 1016. `answer` runs only when the commit really happens.
     */
    commit(
      c: Context,
      session: Session,
      reference: string,
      amountPaisa: number,
      consumedPaisa: number,
      answer: () => { detail: unknown; extra_data?: object; settle: () => void },
    ): Promise<Response> {
      const fault = takeFault(c, 'commit', session.customer as { faults?: Partial<Record<Step, Fault>> });
      if (fault?.kind === 'error' && fault.code === '4000') {
        core.record(session.token, session.service, reference, 'Error', amountPaisa, fault.details || 'Max number exceeding');
        return core.withFault(c, fault, () => c.json({}));
      }
      return core.withFault(c, fault, () => {
        if (credits(session.token) < consumedPaisa) {
          return c.json(errorBody('1016', 'Insufficient credits', 'insufficient_credits', 'Insufficient credits'), 400);
        }
        const { detail, extra_data, settle } = answer();
        session.paid = true;
        state.credits.set(session.token, credits(session.token) - consumedPaisa);
        settle();
        const tx = core.record(session.token, session.service, reference, 'Success', amountPaisa, typeof detail === 'string' ? detail : 'Success');
        return c.json({
          status: true,
          state: 'Success',
          message: 'Successfully Completed Transaction',
          extra_data: extra_data ?? {},
          detail,
          credits_consumed: Number(paisaToRupees(consumedPaisa)),
          credits_available: Number(paisaToRupees(credits(session.token))),
          id: tx.id,
        });
      });
    },
  };
  return core;
}

export type SandboxCore = ReturnType<typeof createCore>;

/**
 * A service's details route, as every service's details step goes: check the token, validate the
 * service's fields (1011), take the reference, find the test customer (4000 when unknown), open a
 * session and answer, with the customer's or the request's fault around it.
 */
export function detailsRoute<C extends { faults?: Partial<Record<Step, Fault>> }>(
  app: Hono,
  core: SandboxCore,
  service: SandboxService,
  path: string,
  spec: {
    /** `[message, details]` of a 1011 error, or null when the fields are valid. */
    invalid(body: Body): [string, string] | null;
    find(body: Body): C | undefined;
    answer(session: Session, customer: C): object;
  },
) {
  app.post(path, async (c) => {
    const checked = await core.checkRequest(c, 'details', service);
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const problem = spec.invalid(body);
    if (problem) return c.json(invalid('1011', ...problem), 400);
    const reference = core.useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const customer = spec.find(body);
    if (!customer) return c.json(cannotFulfil(service.startsWith('nea') ? 'Consumer not found' : 'Customer not found'), 400);
    return core.withFault(c, core.takeFault(c, 'details', customer), () =>
      c.json(spec.answer(core.openSession(token, service, customer), customer)),
    );
  });
}

export function createSandbox(options: SandboxOptions = {}) {
  const core = createCore(options);
  const { state, now, tokens, takeFault, readBody, reset, logCall } = core;
  const app = new Hono();
  for (const service of SERVICES) SANDBOX_MODULES[service].register(app, core);

  app.use('/_sandbox/*', controlGuard(options.openControl));

  app.get('/api/service/status/', async (c) => {
    let token = c.req.query('token');
    let reference = c.req.query('reference');
    if (!token || !reference) {
      const body = await readBody(c);
      token ??= typeof body?.token === 'string' ? body.token : undefined;
      reference ??= typeof body?.reference === 'string' ? body.reference : undefined;
    }
    logCall({ step: 'status', reference, at: now() });
    if (!token || !tokens.has(token)) {
      return c.json(errorBody('1001', 'Invalid token', 'invalid_token', 'Invalid token'), 401);
    }
    const tx = reference ? state.transactions.get(reference) : undefined;
    return core.withFault(c, takeFault(c, 'status'), () => {
      if (!tx || tx.token !== token) {
        return c.json(errorBody('002', 'The reference sent is not a valid reference.', 'invalid_reference', ''), 400);
      }
      return c.json(statusAnswer(tx));
    });
  });

  app.get('/_sandbox/customers', (c) =>
    c.json({
      token: [...tokens].find((t) => t.startsWith('TEST:')) ?? null,
      ...Object.assign({}, ...SERVICES.map((service) => SANDBOX_MODULES[service].customers())),
    }),
  );

  /** What reached the sandbox (step and reference), oldest first: tests prove what was or was not sent. */
  app.get('/_sandbox/calls', (c) => c.json({ calls: state.calls }));

  app.post('/_sandbox/faults', async (c) => {
    const body = await readBody(c);
    const step = body?.step as Step;
    const kind = body?.kind as FaultKind;
    if (!STEPS.includes(step) || !FAULT_KINDS.includes(kind)) {
      return c.json({ error: `step must be one of ${STEPS.join(', ')}; kind one of ${FAULT_KINDS.join(', ')}` }, 400);
    }
    const times = Number.isInteger(body?.times) && (body!.times as number) > 0 ? (body!.times as number) : 1;
    const code = body?.code === undefined ? undefined : String(body.code);
    const status = body?.status === undefined ? undefined : httpStatus(body.status);
    if (status === null) return c.json({ error: 'status must be an HTTP status code (200-599) that carries a body' }, 400);
    state.armed.push({ step, fault: { kind, ms: Number(body?.ms) || 0, code, details: String(body?.details ?? ''), status }, times });
    return c.json({ armed: { step, kind, times } });
  });

  /** Fails a transaction as the aggregator's staff can ("Manually Failed"): its lookup answers the short failed form. */
  app.post('/_sandbox/transactions/fail', async (c) => {
    const body = await readBody(c);
    const tx = typeof body?.reference === 'string' ? state.transactions.get(body.reference) : undefined;
    if (!tx) return c.json({ error: 'reference must name a transaction the sandbox recorded' }, 404);
    tx.state = 'Failed';
    delete tx.originalStatus;
    tx.detail = typeof body?.details === 'string' && body.details ? body.details : 'Manually Failed';
    return c.json({ failed: tx.reference });
  });

  app.post('/_sandbox/sessions/expire', (c) => {
    for (const session of state.sessions.values()) session.expiresAt = now();
    return c.json({ expired: state.sessions.size });
  });

  app.post('/_sandbox/reset', (c) => {
    reset();
    return c.json({ reset: true });
  });

  app.notFound((c) => c.json({ status: false, error_code: '404', message: 'Not found', error: 'not_found' }, 404));

  return { app, state, fetch: app.fetch, reset };
}

export type Sandbox = ReturnType<typeof createSandbox>;

/**
 * Middleware for a sandbox's control routes: only loopback clients, unless `open` (SANDBOX_CONTROL=1), so a
 * sandbox reachable from a network cannot be reset or armed with faults by a stranger.
 */
export function controlGuard(open: boolean | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!open && !isLoopback(socketAddress(c.env))) {
      return c.json(
        { status: false, error_code: '403', error: 'forbidden', message: 'The sandbox control routes answer only loopback clients (set SANDBOX_CONTROL=1 to open them)' },
        403,
      );
    }
    await next();
  };
}

/**
 * A known transaction's status lookup answer, in the documented forms (the aggregator's lookup.md):
 * the full form (Success; or Failed with `original_status` Error and the refund of a refused commit,
 * `refunded` false as in the documented example), or the short form of a transaction failed by hand.
 */
function statusAnswer(tx: Transaction) {
  const amount = Number(paisaToRupees(tx.amountPaisa));
  const common = { status: true, state: tx.state };
  const ids = { reference: tx.reference, response_id: tx.id, amount };
  if (!tx.originalStatus) return { ...common, details: tx.detail, ...ids };
  const refunds = tx.state === 'Failed' ? [{ created_at: new Date(tx.createdAt).toISOString().slice(0, 10), remarks: tx.detail, amount }] : [];
  return { ...common, original_status: tx.originalStatus, details: tx.detail, ...ids, refunded: false, refunded_amount: 0, refunds };
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(normalizeAddress(address)) || address === '::1';
}

/** Waits `ms`, or less if the client goes away (the sandboxes' latency and hang faults). */
export function wait(c: Context, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    c.req.raw.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
