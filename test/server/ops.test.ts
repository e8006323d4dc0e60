/** Operations: health probes, request ids and log levels, start-up failures and the SIGTERM drain. */
import { createKhaltiSandbox } from '../../src/sandbox/khalti.js';
import { createSandboxWallet } from '../../src/sandbox/wallet.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { createLogger, isoClock, type LogLevel } from '../../src/server/log.js';
import { createProxy } from '../../src/server/proxy.js';
import { createEmbeddedProxy } from '../../src/server/embedded.js';
import { createServerApp } from '../../src/server/serve.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import { SEED, TOKEN, assertNoLeaks, listen, startSandbox, startStack, tempPostgres, transcript } from './harness.js';

const quiet = () => {};
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('health probes', () => {
  it('/healthz says alive and /readyz says ready, over HTTP', async () => {
    const s = await startStack();
    try {
      const health = await s.call('GET', '/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(health.json, { status: 'ok' });
      const ready = await s.call('GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.json, { status: 'ok', checks: { database: 'ok', aggregator: 'ok' } });
    } finally {
      await s.close();
    }
  });

  it('/readyz answers 503 naming the database when the ledger is closed', async () => {
    const s = await startStack();
    try {
      await s.proxy.store.close();
      const ready = await s.call('GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: 'unavailable', checks: { database: 'unavailable', aggregator: 'ok' }, failed: ['database'] });
      assert.equal((await s.call('GET', '/healthz')).status, 200, 'alive all the same');
    } finally {
      await s.close();
    }
  });

  it('/readyz answers 503 for an unreachable PostgreSQL, with no URL or credentials in the answer', async () => {
    const proxy = createEmbeddedProxy({
      config: loadConfig({ DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/x', RECONCILE_INTERVAL_MS: '0' }),
      log: quiet,
    });
    try {
      const ready = await proxy.fetch(new Request('http://proxy.test/readyz'));
      assert.equal(ready.status, 503);
      const text = await ready.text();
      assert.deepEqual(JSON.parse(text).failed, ['database']);
      for (const secret of ['nobody', 'hunter2', '127.0.0.1', 'postgres']) assert.ok(!text.includes(secret), secret);
    } finally {
      await proxy.close();
    }
  });

  it('/readyz is ready on a migrated PostgreSQL', async (t) => {
    const pg = await tempPostgres();
    if ('skip' in pg) return t.skip(pg.skip);
    const proxy = createEmbeddedProxy({ config: loadConfig({ DATABASE_URL: pg.url, RECONCILE_INTERVAL_MS: '0' }), log: quiet });
    try {
      await proxy.store.ready();
      assert.equal((await proxy.fetch(new Request('http://proxy.test/readyz'))).status, 200);
    } finally {
      await proxy.close();
      await pg.drop();
    }
  });

  it('the standalone server answers the probes at its root', async () => {
    const { root, proxy } = createServerApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }), log: quiet });
    const server = await listen(root.fetch);
    try {
      assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' });
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    } finally {
      await server.close();
      await proxy.close();
    }
  });
});

describe('the embedded sandbox in the standalone server', () => {
  it('answers its control routes to loopback clients only, unless SANDBOX_CONTROL=1', async () => {
    const closed = createServerApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }), log: quiet });
    const opened = createServerApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:', SANDBOX_CONTROL: '1' }), log: quiet });
    const server = await listen(closed.root.fetch);
    try {
      const reset = () => new Request('http://shop.test/sandbox/_sandbox/reset', { method: 'POST' });
      assert.equal((await closed.root.fetch(reset(), from('203.0.113.9'))).status, 403);
      assert.equal((await opened.root.fetch(reset(), from('203.0.113.9'))).status, 200);
      assert.equal((await fetch(`${server.url}/sandbox/_sandbox/reset`, { method: 'POST' })).status, 200, 'real HTTP from 127.0.0.1');
    } finally {
      await server.close();
      await closed.proxy.close();
      await opened.proxy.close();
    }
  });
});



/** A proxy logging through createLogger (as in production) into `lines`, in front of a sandbox over HTTP. */
async function loggedStack(level: LogLevel = 'info', env: Record<string, string> = {}) {
  const upstream = await startSandbox();
  const lines: Record<string, unknown>[] = [];
  const config = loadConfig({
    AGGREGATOR_BASE_URL: upstream.url,
    AGGREGATOR_TOKEN: TOKEN,
    DATABASE_URL: 'sqlite::memory:',
    RATE_LIMIT_PER_MINUTE: '0',
    RECONCILE_INTERVAL_MS: '0',
    FUNDING: 'host',
    ...env,
  });
  const proxy = createProxy({
    config,
    hostFunding: createSandboxWallet().hooks,
    log: createLogger([TOKEN], (line) => {
      transcript.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }, level),
  });
  const server = await listen(proxy.fetch);
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    transcript.push(text);
    return { status: response.status, headers: response.headers, json: JSON.parse(text) as { data: { response: Record<string, any> } } };
  };
  return {
    lines,
    post,
    async close() {
      await server.close();
      await upstream.close();
      await proxy.close();
    },
  };
}

describe('request ids and log levels', () => {
  it('carries the request id into every log line of the request, payment.reserved and payment.committed included', async () => {
    const s = await loggedStack();
    try {
      const quote = await s.post('/api/nea/lookup', SEED, { 'x-request-id': 'lookup-0001' });
      assert.equal(quote.headers.get('x-request-id'), 'lookup-0001');
      const before = s.lines.length;
      const paid = await s.post('/api/nea/pay', { quote_id: quote.json.data.response.quote_id, amount_paisa: 45000 }, { 'idempotency-key': 'ops-pay-0001', 'x-request-id': 'pay:req.0001_x' });
      assert.equal(paid.status, 200);
      assert.equal(paid.headers.get('x-request-id'), 'pay:req.0001_x');
      const during = s.lines.slice(before);
      const events = during.map((l) => l.event);
      for (const event of ['payment.reserved', 'upstream.answer', 'payment.committed', 'request']) assert.ok(events.includes(event), `${event} in ${events.join(', ')}`);
      for (const line of during) assert.equal(line.request_id, 'pay:req.0001_x', JSON.stringify(line));
      assert.ok(s.lines.slice(0, before).every((l) => l.request_id === 'lookup-0001'));
    } finally {
      await s.close();
    }
  });

  it("carries the request id into a checkout gateway's lines (Khalti), and keeps concurrent requests' ids apart", async () => {
    const khalti = await listen(createKhaltiSandbox({ keys: ['test_secret_key_ops_4b1f'] }).fetch);
    const s = await loggedStack('info', {
      FUNDING: 'khalti',
      KHALTI_BASE_URL: `${khalti.url}/api/v2`,
      KHALTI_SECRET_KEY: 'test_secret_key_ops_4b1f',
      ALLOWED_ORIGINS: 'http://shop.test',
    });
    try {
      const quote = await s.post('/api/nea/lookup', SEED, { 'x-request-id': 'khalti-lookup-1' });
      const before = s.lines.length;
      const started = await s.post(
        '/api/nea/pay',
        { quote_id: quote.json.data.response.quote_id, amount_paisa: 45000, funding: 'khalti', return_url: 'http://shop.test/bills' },
        { 'idempotency-key': 'ops-khalti-0001', 'x-request-id': 'khalti-pay-0001' },
      );
      assert.equal(started.status, 202, 'waiting for the customer at Khalti');
      assert.equal(started.json.data.response.next.kind, 'redirect');
      const during = s.lines.slice(before);
      assert.ok(during.some((l) => l.event === 'funding.answer' && l.gateway === 'khalti'), during.map((l) => l.event).join(', '));
      for (const line of during) assert.equal(line.request_id, 'khalti-pay-0001', JSON.stringify(line));

      // Lookups of two services at once: each aggregator line carries the id of the request it was made for.
      const from = s.lines.length;
      const ids = ['together-nea-1', 'together-dishhome-1', 'together-nea-2', 'together-dishhome-2'];
      const answers = await Promise.all(
        ids.map((id) => (id.includes('nea') ? s.post('/api/nea/lookup', SEED, { 'x-request-id': id }) : s.post('/api/dishhome/lookup', { customer_id: '1111' }, { 'x-request-id': id }))),
      );
      for (const answer of answers) assert.equal(answer.status, 200);
      const upstream = s.lines.slice(from).filter((l) => l.event === 'upstream.answer');
      assert.equal(upstream.length, 4);
      for (const line of upstream) {
        const service = String(line.path).includes('/dishhome') ? 'dishhome' : 'nea';
        assert.ok(ids.includes(String(line.request_id)) && String(line.request_id).includes(service), JSON.stringify(line));
      }
      assert.equal(new Set(upstream.map((l) => l.request_id)).size, 4);
    } finally {
      await s.close();
      await khalti.close();
    }
  });

  it('replaces a missing or malformed request id with a fresh one', async () => {
    const s = await loggedStack();
    try {
      const ids = [];
      for (const given of [undefined, 'short', 'has space in it', 'x'.repeat(129), 'quote"inject']) {
        const answer = await s.post('/api/nea/lookup', SEED, given === undefined ? {} : { 'x-request-id': given });
        const id = answer.headers.get('x-request-id')!;
        assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, String(given));
        assert.equal(s.lines.at(-1)!.request_id, id);
        ids.push(id);
      }
      assert.equal(new Set(ids).size, ids.length);
    } finally {
      await s.close();
    }
  });

  it('LOG_LEVEL=warn drops the info lines and keeps warnings', async () => {
    assert.equal(loadConfig({ LOG_LEVEL: 'warn' }).logLevel, 'warn');
    const s = await loggedStack('warn');
    try {
      const quote = await s.post('/api/nea/lookup', SEED);
      await s.post('/api/nea/pay', { quote_id: quote.json.data.response.quote_id, amount_paisa: 45000 }, { 'idempotency-key': 'ops-pay-0002' });
      assert.deepEqual(s.lines, []);
    } finally {
      await s.close();
    }
    const lines: string[] = [];
    const log = createLogger([], (line) => lines.push(line), 'warn');
    log('debug', 'a');
    log('info', 'b');
    log('warn', 'c');
    log('error', 'd');
    assert.deepEqual(lines.map((l) => JSON.parse(l).event), ['c', 'd']);
  });

  it("formats times as Date's toISOString does, the second's prefix kept from one call to the next", () => {
    const iso = isoClock();
    // Fixed instants: milliseconds of one digit, two and three, the same second twice, seconds and days
    // crossed forward and back, a fraction of a millisecond, the epoch and the last plain-ISO instant.
    const t = Date.UTC(2026, 11, 2, 23, 59, 59);
    const instants = [t, t + 7, t + 42, t + 999, t + 1000, t + 1001.75, t - 1, t + 86_400_000 + 5, t + 5, 0, 999, 1, 253402300799999];
    for (const ms of instants) assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
    // Outside years 1970-9999 the plain formatter answers (six-digit and negative years); NaN still throws.
    for (const ms of [-1, -62198755200000, 253402300800000, 8.64e15]) assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
    assert.throws(() => iso(Number.NaN), RangeError);
  });
});

/** Runs the real server as `npm start` and the end-to-end tests do, until it exits (or 20 s pass). */
function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, PORT: '0', RECONCILE_INTERVAL_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

function assertOneClearLine(result: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.ok(result.code !== null && result.code !== 0, `exit code ${result.code}`);
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack frames');
}

describe('start-up failures', () => {
  it('a port in use: one clear line, non-zero exit', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const result = await runMain({ PORT: String(port), DATABASE_URL: 'sqlite::memory:' });
      assertOneClearLine(result, new RegExp(`^bill-pay-proxy: cannot start: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      busy.close();
    }
  });

  it('an unreachable database: one clear line without the password', async () => {
    const result = await runMain({ DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/x' });
    assertOneClearLine(result, /^bill-pay-proxy: cannot start: the database postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/x is unreachable.*ECONNREFUSED/);
    assert.doesNotMatch(result.stderr, /hunter2/);
  });

  it('an unwritable DATA_DIR: one clear line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bill-pay-ops-'));
    writeFileSync(join(dir, 'a-file'), '');
    const result = await runMain({ DATA_DIR: join(dir, 'a-file', 'data') });
    assertOneClearLine(result, /^bill-pay-proxy: cannot start: the ledger sqlite:.*a-file\/data\/ledger\.sqlite cannot be created or written \(check DATA_DIR/);
  });

  it('a configuration error lists its problems and exits with 2, no stack', async () => {
    const result = await runMain({ NODE_ENV: 'production', ALLOWED_ORIGIN: 'https://shop.example' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /NODE_ENV=production needs a real aggregator/);
    assert.match(result.stderr, /did you mean ALLOWED_ORIGINS\?/);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });
});

/** Resolves once `check` holds, looking every 10 ms (for events in another server or process). */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  for (let waited = 0; !(await check()); waited += 10) {
    if (waited > ms) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('shutdown drain', () => {
  it('close() refuses new requests with 503 SHUTTING_DOWN, lets the in-flight commit finish and record its answer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bill-pay-drain-')), 'ledger.sqlite');
    const s = await startStack({ DATABASE_URL: `sqlite:${file}`, UPSTREAM_TIMEOUT_MS: '5000' });
    try {
      const quote = (await s.lookup(SEED)).json.data.response.quote_id as string;
      s.upstream.sandbox.state.armed.push({ step: 'commit', fault: { kind: 'latency', ms: 700 }, times: 1 });
      const paying = s.pay(quote, 45000, 'drain-key-0001');
      await until(() => s.commits().length === 1, 'the commit to reach the sandbox');
      assert.equal(s.proxy.inFlight, 1);
      // The sandbox records the transaction after its delay: close() must not be done before that.
      const closing = s.proxy.close().then(() => ({ transactions: s.upstream.sandbox.state.transactions.size, inFlight: s.proxy.inFlight }));
      const refused = await s.call('GET', '/api/payments/abc123');
      assert.equal(refused.status, 503);
      assert.equal(refused.json.error_code, 'SHUTTING_DOWN');
      assert.equal(refused.json.retryable, true);
      assert.equal(refused.headers.get('retry-after'), '1');
      const ready = await s.call('GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json.failed, ['shutdown']);
      const paid = await paying;
      assert.equal(paid.status, 200);
      assert.equal(paid.json.data.response.state, 'success');
      assert.deepEqual(await closing, { transactions: 1, inFlight: 0 });
      assert.equal(s.commits().length, 1);
      const ledger = openSqliteStore(file);
      const row = await ledger.paymentByKey('drain-key-0001');
      await ledger.close();
      assert.equal(row?.state, 'success');
    } finally {
      await s.close();
    }
  });

  it('SIGTERM mid-commit: the client gets its answer, the ledger row is final, the server exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bill-pay-sigterm-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RECONCILE_INTERVAL_MS: '0', UPSTREAM_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn', FUNDING: 'host' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
      });
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const armed = await post('/sandbox/_sandbox/faults', { step: 'commit', kind: 'latency', ms: 1500 });
      assert.equal(armed.status, 200);
      const quote = ((await (await post('/api/nea/lookup', SEED)).json()) as { data: { response: { quote_id: string } } }).data.response.quote_id;
      const paying = post('/api/nea/pay', { quote_id: quote, amount_paisa: 45000 }, { 'idempotency-key': 'sigterm-key-0001' });
      const commits = async () =>
        ((await (await fetch(`${url}/sandbox/_sandbox/calls`)).json()) as { calls: { step: string }[] }).calls.filter((c) => c.step === 'commit').length;
      await until(async () => (await commits()) === 1, 'the commit to reach the sandbox');
      child.kill('SIGTERM');
      const answer = await paying;
      assert.equal(answer.status, 200);
      const body = (await answer.json()) as { data: { response: { state: string; reference: string } } };
      assert.equal(body.data.response.state, 'success');
      assert.equal(await exited, 0, stderr);
      const ledger = openSqliteStore(join(dataDir, 'ledger.sqlite'));
      const row = await ledger.paymentByKey('sigterm-key-0001');
      await ledger.close();
      assert.equal(row?.state, 'success');
      assert.equal(row?.reference, body.data.response.reference);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

after(() => assertNoLeaks());
