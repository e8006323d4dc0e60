/**
 * Starts the sandbox aggregator and the proxy as two real HTTP servers on loopback, the way a merchant
 * runs them against a real aggregator, and records every proxy answer and log line for the leak checks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig } from '../../src/server/config.js';
import { createProxy } from '../../src/server/proxy.js';
import { createSandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';
import { createSandboxWallet } from '../../src/sandbox/wallet.js';
import type { FundingDeps } from '../../src/server/funding/index.js';
import type { PaymentRow } from '../../src/server/store/store.js';

export const TOKEN = 'TEST:canary-7f3a9c1e';

export function listen(fetch: (r: Request) => Response | Promise<Response>) {
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections(): void }).closeAllConnections();
          }),
      }),
    );
  });
}

/** Everything the proxy ever answered and logged in this process, for the leak test. */
export const transcript: string[] = [];

/**
 * The leak check: no answer the proxy gave and no line it logged in this test file holds the token or
 * the merchant's credit figures. Every proxy test file runs it last.
 */
export function assertNoLeaks() {
  const all = transcript.join('\n');
  if (transcript.length < 20) throw new Error(`the leak check saw only ${transcript.length} answers and log lines`);
  for (const secret of [TOKEN, TOKEN.slice('TEST:'.length), 'credits_available', 'credits_consumed']) {
    if (all.includes(secret)) throw new Error(`"${secret}" leaked into an answer or a log line`);
  }
}

export type SandboxServer = { sandbox: ReturnType<typeof createSandbox>; url: string; close: () => Promise<void> };

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxServer> {
  const sandbox = createSandbox({ tokens: [TOKEN], ...options });
  return { sandbox, ...(await listen(sandbox.fetch)) };
}

/**
 * The proxy on its own port in front of a sandbox on its own port. Pass `shared` to put a second proxy
 * instance in front of the same sandbox (and, with the same DATABASE_URL, the same ledger).
 */
export async function startStack(
  env: Record<string, string> = {},
  sandboxOptions: SandboxOptions = {},
  shared?: SandboxServer,
  options: { now?: () => number; gatewaySandboxes?: FundingDeps['sandboxes'] } = {},
) {
  const upstreamServer = shared ?? (await startSandbox(sandboxOptions));
  const { sandbox } = upstreamServer;
  const upstream = upstreamServer;
  const logs: string[] = [];
  const config = loadConfig({
    AGGREGATOR_BASE_URL: upstream.url,
    AGGREGATOR_TOKEN: TOKEN,
    DATABASE_URL: 'sqlite::memory:',
    UPSTREAM_TIMEOUT_MS: '800',
    STATUS_RECHECK_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
    RECONCILE_INTERVAL_MS: '0',
    // The customer pays from a sandbox balance unless a test says otherwise (no funding field needed).
    FUNDING: 'host',
    ...env,
  });
  const wallet = createSandboxWallet();
  const proxy = createProxy({
    config,
    now: options.now,
    hostFunding: wallet.hooks,
    gatewaySandboxes: options.gatewaySandboxes,
    log: (level, event, fields) => {
      const line = JSON.stringify({ level, event, ...fields });
      logs.push(line);
      transcript.push(line);
    },
  });
  const server = await listen(proxy.fetch);

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    transcript.push(text, JSON.stringify([...response.headers]));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as any };
  }

  const arm = (step: string, kind: string, times = 1) =>
    fetch(`${upstream.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ step, kind, times }),
    });

  return {
    sandbox,
    proxy,
    wallet,
    url: server.url,
    sandboxUrl: upstream.url,
    logs,
    call,
    arm,
    commits: () => sandbox.state.calls.filter((c) => c.step === 'commit'),
    lookup: (c: { office_code?: string; sc_no: string; consumer_id: string }) =>
      call('POST', '/api/nea/lookup', { office_code: '201:ratnapark-dc', ...c }),
    pay: (quoteId: string, amountPaisa: number, key: string) =>
      call('POST', '/api/nea/pay', { quote_id: quoteId, amount_paisa: amountPaisa }, { 'idempotency-key': key }),
    upstream,
    async close() {
      await server.close();
      if (!shared) await upstream.close();
      await proxy.close();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

export const SEED = { office_code: '201:ratnapark-dc', sc_no: '024.12.512', consumer_id: '3042' };
export const ratnapark = (id: string) => ({ office_code: '201:ratnapark-dc', sc_no: `024.12.${id}`, consumer_id: id });
export const bhaktapur = (id: string) => ({ office_code: '245:bhaktapur-dc', sc_no: `001.01.${id}`, consumer_id: id });

/** Where the tests find PostgreSQL (the test set-up starts it; see scripts/test.sh). */
export const POSTGRES_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://billpay:billpay@127.0.0.1:5432/billpay_test';

/**
 * A fresh, empty database for one test file, dropped afterwards. Without a reachable server the
 * PostgreSQL tests are skipped with the reason, except in CI (CI=true), where that is a failure.
 */
export async function tempPostgres(): Promise<{ url: string; drop: () => Promise<void> } | { skip: string }> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}: ${(error as Error).message}`);
    return { skip: `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (scripts/test.sh starts it as root)` };
  }
  const name = `billpay_t${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Rate-limit windows are clock minutes: start a rate-limit test well inside one, so it cannot straddle two. */
export async function insideOneMinute(needMs = 3000) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

let rows = 0;
/** A number spelt in the letters a-j: unique, and never matched by a search for digits. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(97 + Number(d))).join('');
/**
 * A ledger row for store and reconciler tests: unique reference, key and quote unless patched. Fixed by
 * construction (no clock, no randomness): the reference is letters only, so a search for a transaction
 * id's digits can never match it by chance.
 */
export function paymentRow(patch: Partial<PaymentRow> = {}): PaymentRow {
  const n = ++rows;
  return {
    reference: `REFX${letters(n)}`,
    idempotencyKey: `key-${n}`,
    requestHash: 'h',
    quoteId: `quote-${n}`,
    service: 'nea',
    sessionId: '1',
    customerName: 'Michael Jackson',
    amountPaisa: 45000,
    serviceChargePaisa: 500,
    packageId: null,
    state: 'pending',
    upstreamId: null,
    upstreamState: null,
    errorCode: null,
    reason: null,
    receipt: [],
    createdAt: 1000,
    updatedAt: 1000,
    checkedAt: null,
    nextCheckAt: 5000,
    attempts: 0,
    subject: null,
    account: null,
    notFoundSince: null,
    settledBy: null,
    settledAt: null,
    note: null,
    ...patch,
  };
}

/**
 * One request over node:http, for what fetch cannot send: a chosen Host header, a chosen local address
 * (127.0.0.2, 127.0.0.3, ... are all loopback on Linux), a body in chunks without Content-Length.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: string[]; localAddress?: string } = {},
) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }>((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        transcript.push(text);
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: the caller looks at text
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    for (const chunk of options.chunks ?? []) request.write(chunk);
    request.end();
  });
}
