/**
 * The sandbox aggregator: a stateful fake of the aggregator's services API that answers with the seed
 * documents' exact request and response shapes. It is the proxy's embedded default (no aggregator account
 * needed) and a product feature merchants develop against, so it is faithful: tokens, references,
 * sessions, minimum amounts and credits are all checked, and every commit is recorded for the status
 * lookup. Faults are injected per test customer, per request (`x-sandbox-fault` header) or armed ahead
 * through `POST /_sandbox/faults`.
 */
import { Hono, type Context } from 'hono';
import { paisaToRupees, rupeesToPaisa } from '../money.js';
import {
  NEA_COUNTERS,
  NEA_CUSTOMERS,
  type Fault,
  type FaultKind,
  type NeaBillFixture,
  type NeaCustomerFixture,
  type Step,
} from './fixtures.js';

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
}

export const DEFAULT_SANDBOX_TOKEN = 'TEST:sandbox-merchant';

export type TxState = 'Success' | 'Error';
export interface Transaction {
  id: number;
  reference: string;
  token: string;
  state: TxState;
  amountPaisa: number;
  detail: string;
  createdAt: number;
}
export interface Session {
  id: number;
  token: string;
  service: 'nea';
  customer: NeaCustomerFixture;
  expiresAt: number;
  paid: boolean;
}

const FAULT_KINDS: FaultKind[] = ['latency', 'hang', 'http500', 'malformed', 'error4000'];
const STEPS: Step[] = ['counters', 'details', 'servicecharge', 'commit', 'status'];
const REFERENCE = /^[A-Za-z0-9-]{1,50}$/;

function errorBody(code: string, message: string, error: string, details: string) {
  return { status: false, error_code: code, message, error, details, error_data: {}, state: 'Error' };
}

/** NEA service charge of the sandbox: none up to Rs 500, then Rs 5 for every started Rs 1,000. */
export function sandboxServiceChargePaisa(amountPaisa: number): number {
  return amountPaisa > 50_000 ? Math.ceil(amountPaisa / 100_000) * 500 : 0;
}

export function createSandbox(options: SandboxOptions = {}) {
  const now = options.now ?? Date.now;
  const tokens = new Set(options.tokens ?? [DEFAULT_SANDBOX_TOKEN]);
  const sessionTtlMs = options.sessionTtlMs ?? 10 * 60_000;
  const hangMs = options.hangMs ?? 120_000;
  const startCredits = options.creditsPaisa ?? 10_000_000;

  const state = {
    credits: new Map<string, number>(),
    references: new Set<string>(),
    sessions: new Map<number, Session>(),
    transactions: new Map<string, Transaction>(),
    /** Dues per customer, changed by successful commits. */
    dues: new Map<NeaCustomerFixture, NeaBillFixture[]>(),
    armed: [] as { step: Step; fault: Fault; times: number }[],
    /** Every request the sandbox received, for tests: step and reference. */
    calls: [] as { step: Step; reference?: string; at: number }[],
    nextSession: 1,
    nextTransaction: 61892,
  };

  function reset() {
    state.credits.clear();
    state.references.clear();
    state.sessions.clear();
    state.transactions.clear();
    state.dues.clear();
    state.armed.length = 0;
    state.calls.length = 0;
  }

  const credits = (token: string) => state.credits.get(token) ?? startCredits;
  const duesOf = (c: NeaCustomerFixture) => state.dues.get(c) ?? c.due_bills;

  function takeFault(c: Context, step: Step, customer?: NeaCustomerFixture): Fault | undefined {
    const header = c.req.header('x-sandbox-fault');
    if (header) {
      const [kind, arg] = header.split(':') as [FaultKind, string | undefined];
      if (FAULT_KINDS.includes(kind)) return { kind, ms: Number(arg) || 0, details: arg };
    }
    const index = state.armed.findIndex((a) => a.step === step);
    if (index >= 0) {
      const armed = state.armed[index]!;
      if (--armed.times <= 0) state.armed.splice(index, 1);
      return armed.fault;
    }
    return customer?.faults?.[step];
  }

  /** Waits `ms`, or less if the client goes away. */
  function wait(c: Context, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      c.req.raw.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Applies a fault around `work`, which does the step's real processing. Processing happens before a
   * hang, 5xx or broken answer: the worst case for a payment, where money moved but the answer is lost.
   */
  async function withFault(c: Context, fault: Fault | undefined, work: () => Response): Promise<Response> {
    if (!fault) return work();
    if (fault.kind === 'latency') {
      await wait(c, fault.ms ?? 1000);
      return work();
    }
    if (fault.kind === 'error4000') {
      return c.json(errorBody('4000', "Can't fulfill request", 'client_error', fault.details || 'Max number exceeding'), 400);
    }
    const response = work();
    if (fault.kind === 'hang') {
      await wait(c, hangMs);
      return response;
    }
    if (fault.kind === 'http500') return c.text('<h1>Server Error (500)</h1>', 500, { 'content-type': 'text/html' });
    const body = await response.text();
    return c.body(body.slice(0, Math.max(1, Math.floor(body.length / 2))), 200, { 'content-type': 'application/json' });
  }

  async function readBody(c: Context): Promise<Record<string, unknown> | null> {
    try {
      const body: unknown = await c.req.json();
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  type Checked = { body: Record<string, unknown>; token: string } | { error: Response };
  async function checkRequest(c: Context, step: Step): Promise<Checked> {
    const body = await readBody(c);
    if (!body) return { error: c.json(errorBody('1010', 'Invalid request', 'validation_error', 'Body must be a JSON object'), 400) };
    const token = body.token;
    state.calls.push({ step, reference: typeof body.reference === 'string' ? body.reference : undefined, at: now() });
    if (typeof token !== 'string' || !tokens.has(token)) {
      return { error: c.json(errorBody('1001', 'Invalid token', 'invalid_token', 'Invalid token'), 401) };
    }
    return { body, token };
  }

  /** Reference rules: required (1012), alphanumeric up to 50 (1011), unique per request (1013). */
  function useReference(c: Context, body: Record<string, unknown>): Response | string {
    const reference = body.reference;
    if (reference === undefined || reference === '') {
      return c.json(errorBody('1012', 'Reference missing', 'validation_error', 'reference is required'), 400);
    }
    if (typeof reference !== 'string' || !REFERENCE.test(reference)) {
      return c.json(errorBody('1011', 'Invalid reference', 'validation_error', 'reference must be up to 50 alphanumeric characters'), 400);
    }
    if (state.references.has(reference)) {
      return c.json(errorBody('1013', 'Duplicate reference', 'duplicate_reference', 'Duplicate reference'), 400);
    }
    state.references.add(reference);
    return reference;
  }

  function findSession(c: Context, body: Record<string, unknown>, token: string): Session | Response {
    const id = Number(body.session_id);
    const session = Number.isInteger(id) ? state.sessions.get(id) : undefined;
    if (!session || session.token !== token) {
      return c.json(errorBody('4000', "Can't fulfill request", 'client_error', 'Invalid session'), 400);
    }
    if (session.expiresAt <= now()) {
      return c.json(errorBody('4000', "Can't fulfill request", 'client_error', 'Session expired'), 400);
    }
    return session;
  }

  const readAmount = (value: unknown) =>
    typeof value === 'number' || typeof value === 'string' ? rupeesToPaisa(value) : null;

  const app = new Hono();

  app.post('/api/servicegroup/counters/nea/', async (c) => {
    const checked = await checkRequest(c, 'counters');
    if ('error' in checked) return checked.error;
    return withFault(c, takeFault(c, 'counters'), () => c.json({ status: true, counters: NEA_COUNTERS }));
  });

  app.post('/api/servicegroup/details/nea/', async (c) => {
    const checked = await checkRequest(c, 'details');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const { sc_no, office_code, consumer_id } = body;
    if (typeof sc_no !== 'string' || !/^[A-Za-z0-9]+\.[A-Za-z0-9]+\.[A-Za-z0-9]+$/.test(sc_no)) {
      return c.json(errorBody('1011', 'Invalid sc_no', 'validation_error', 'sc_no must be 3 alphanumeric strings separated by dot'), 400);
    }
    if (typeof office_code !== 'string' || !NEA_COUNTERS.some((counter) => counter.value === office_code)) {
      return c.json(errorBody('1011', 'Invalid office_code', 'validation_error', 'office_code must be a value from counters'), 400);
    }
    if (typeof consumer_id !== 'string' && typeof consumer_id !== 'number') {
      return c.json(errorBody('1011', 'Invalid consumer_id', 'validation_error', 'consumer_id is required'), 400);
    }
    const reference = useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const customer = NEA_CUSTOMERS.find(
      (f) => f.office_code === office_code && f.sc_no === sc_no && f.consumer_id === String(consumer_id),
    );
    if (!customer) {
      return c.json(errorBody('4000', "Can't fulfill request", 'client_error', 'Consumer not found'), 400);
    }
    return withFault(c, takeFault(c, 'details', customer), () => {
      const session: Session = {
        id: state.nextSession++,
        token,
        service: 'nea',
        customer,
        expiresAt: now() + sessionTtlMs,
        paid: false,
      };
      state.sessions.set(session.id, session);
      const bills = duesOf(customer);
      const total = bills.reduce((sum, b) => sum + (rupeesToPaisa(b.payable_amount) ?? 0), 0);
      return c.json({
        session_id: session.id,
        consumer_name: customer.consumer_name,
        due_bills: bills,
        total_due_amount: Number(paisaToRupees(total)),
        status: true,
      });
    });
  });

  app.post('/api/servicegroup/servicecharge/nea/', async (c) => {
    const checked = await checkRequest(c, 'servicecharge');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const session = findSession(c, body, token);
    if (session instanceof Response) return session;
    const amount = readAmount(body.amount);
    if (amount === null || amount === 0) {
      return c.json(errorBody('1011', 'Invalid amount', 'validation_error', 'amount must be a positive number'), 400);
    }
    return withFault(c, takeFault(c, 'servicecharge', session.customer), () =>
      c.json({
        service_charge: Number(paisaToRupees(sandboxServiceChargePaisa(amount))),
        amount: Number(paisaToRupees(amount)),
        status: true,
      }),
    );
  });

  app.post('/api/servicegroup/commit/nea/', async (c) => {
    const checked = await checkRequest(c, 'commit');
    if ('error' in checked) return checked.error;
    const { body, token } = checked;
    const reference = useReference(c, body);
    if (typeof reference !== 'string') return reference;
    const session = findSession(c, body, token);
    if (session instanceof Response) return session;
    const amount = readAmount(body.amount);
    const bills = duesOf(session.customer);
    const minimum = bills.length ? rupeesToPaisa(bills[0]!.payable_amount)! : 0;
    const total = bills.reduce((sum, b) => sum + rupeesToPaisa(b.payable_amount)!, 0);
    if (amount === null || amount === 0) {
      return c.json(errorBody('1011', 'Invalid amount', 'validation_error', 'amount must be a positive number'), 400);
    }
    if (bills.length === 0) {
      return c.json(errorBody('4000', "Can't fulfill request", 'client_error', 'No due bills'), 400);
    }
    if (amount < minimum || amount > total) {
      return c.json(
        errorBody('1011', 'Invalid amount', 'validation_error', `amount must be between ${paisaToRupees(minimum)} and ${paisaToRupees(total)}`),
        400,
      );
    }
    if (session.paid) {
      return c.json(errorBody('4000', "Can't fulfill request", 'client_error', 'Multiple payment not allowed same day'), 400);
    }
    const fault = takeFault(c, 'commit', session.customer);
    const record = (txState: TxState, detail: string): Transaction => {
      const tx: Transaction = {
        id: state.nextTransaction++,
        reference,
        token,
        state: txState,
        amountPaisa: amount,
        detail,
        createdAt: now(),
      };
      state.transactions.set(reference, tx);
      return tx;
    };
    if (fault?.kind === 'error4000') {
      record('Error', fault.details || 'Max number exceeding');
      return withFault(c, fault, () => c.json({}));
    }
    const consumed = amount + sandboxServiceChargePaisa(amount);
    if (credits(token) < consumed) {
      return c.json(errorBody('1016', 'Insufficient credits', 'insufficient_credits', 'Insufficient credits'), 400);
    }
    return withFault(c, fault, () => {
      session.paid = true;
      state.credits.set(token, credits(token) - consumed);
      state.dues.set(session.customer, settleBills(bills, amount));
      const tx = record('Success', 'Amount Paid Successfully');
      return c.json({
        status: true,
        state: 'Success',
        message: 'Successfully Completed Transaction',
        extra_data: {},
        detail: 'Amount Paid Successfully',
        credits_consumed: Number(paisaToRupees(consumed)),
        credits_available: Number(paisaToRupees(credits(token))),
        id: tx.id,
      });
    });
  });

  app.get('/api/service/status/', async (c) => {
    let token = c.req.query('token');
    let reference = c.req.query('reference');
    if (!token || !reference) {
      const body = await readBody(c);
      token ??= typeof body?.token === 'string' ? body.token : undefined;
      reference ??= typeof body?.reference === 'string' ? body.reference : undefined;
    }
    state.calls.push({ step: 'status', reference, at: now() });
    if (!token || !tokens.has(token)) {
      return c.json(errorBody('1001', 'Invalid token', 'invalid_token', 'Invalid token'), 401);
    }
    const tx = reference ? state.transactions.get(reference) : undefined;
    return withFault(c, takeFault(c, 'status'), () => {
      if (!tx || tx.token !== token) {
        return c.json({ status: false, error_code: '002', error: 'invalid_reference', message: 'Invalid reference' }, 400);
      }
      return c.json({
        status: true,
        state: tx.state,
        original_status: tx.state,
        details: tx.detail,
        reference: tx.reference,
        response_id: tx.id,
        amount: Number(paisaToRupees(tx.amountPaisa)),
        refunded: false,
        refunded_amount: 0,
        refunds: [],
      });
    });
  });

  app.get('/_sandbox/customers', (c) =>
    c.json({
      token: [...tokens].find((t) => t.startsWith('TEST:')) ?? null,
      nea: NEA_CUSTOMERS.map((f) => ({
        case: f.case,
        office_code: f.office_code,
        sc_no: f.sc_no,
        consumer_id: f.consumer_id,
        consumer_name: f.consumer_name,
      })),
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
    state.armed.push({ step, fault: { kind, ms: Number(body?.ms) || 0, details: String(body?.details ?? '') }, times });
    return c.json({ armed: { step, kind, times } });
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

/** Pays bills oldest first; a partial amount lowers the next bill's payable amount. */
function settleBills(bills: NeaBillFixture[], amountPaisa: number): NeaBillFixture[] {
  let left = amountPaisa;
  const remaining: NeaBillFixture[] = [];
  for (const b of bills) {
    const payable = rupeesToPaisa(b.payable_amount)!;
    if (left >= payable) {
      left -= payable;
      continue;
    }
    remaining.push(left > 0 ? { ...b, payable_amount: Number(paisaToRupees(payable - left)) } : b);
    left = 0;
  }
  return remaining;
}

export type Sandbox = ReturnType<typeof createSandbox>;
