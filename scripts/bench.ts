/**
 * `npm run bench`: the proxy's figures, printed (not asserted).
 * - overhead: latency of a lookup through the proxy vs the same details call straight to the sandbox
 *   and through a plain node:http passthrough (p50, p99), one request at a time;
 * - throughput: requests per second at 16 in flight, proxy vs passthrough;
 * - ledgered commits per second (lookup done beforehand; pay timed) on SQLite and PostgreSQL;
 * - a fixed-rate load (BENCH_SECONDS, default 60) of lookups and payments: errors and the server's memory.
 * The servers run in a child process (scripts/bench-servers.ts), the load here: one core each.
 */
import { spawn } from 'node:child_process';
import { tempPostgres } from '../test/server/harness.js';

const TOKEN = 'TEST:bench';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const pg = await tempPostgres();
const server = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', 'scripts/bench-servers.ts'], {
  env: { ...process.env, BENCH_POSTGRES_URL: 'url' in pg ? pg.url : '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const urls = await new Promise<{ sandbox: string; passthrough: string; sqlite: string; postgres: string | null }>((resolve) => {
  let out = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
  });
});

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await response.json()) as { data?: { response?: Record<string, unknown> } };
  return { status: response.status, json };
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;
let n = 0;
const details = () => ({ token: TOKEN, sc_no: '001.01.555', office_code: '245:bhaktapur-dc', consumer_id: '555', reference: `b${Date.now()}${++n}` });
const LOOKUP = { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' };

async function latency(label: string, call: () => Promise<{ status: number }>, count = 400) {
  for (let i = 0; i < 50; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const { status } = await call();
    times.push(performance.now() - t);
    if (status !== 200) throw new Error(`${label} answered ${status}`);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(call: () => Promise<{ status: number }>, seconds = 5, inFlight = 16) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        const { status } = await call();
        if (status === 200) done++;
        else errors++;
      }
    }),
  );
  return { perSecond: done / seconds, errors };
}

async function commits(proxy: string, count = 300, inFlight = 8) {
  const quotes: string[] = [];
  for (let i = 0; i < count; i++) {
    const { json } = await post(`${proxy}/api/dishhome/lookup`, { customer_id: '1111' });
    quotes.push(json.data!.response!.quote_id as string);
  }
  const t = performance.now();
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < quotes.length) {
        const quote = quotes[next++]!;
        const { status } = await post(`${proxy}/api/dishhome/pay`, { quote_id: quote, amount_paisa: 40000, package_id: 1 }, { 'idempotency-key': `bench-${quote}` });
        if (status !== 200) errors++;
      }
    }),
  );
  return { perSecond: count / ((performance.now() - t) / 1000), errors };
}

console.log('bill-pay proxy benchmark (loopback; servers in one process, load in another)\n');

const direct = await latency('sandbox', () => post(`${urls.sandbox}/api/servicegroup/details/nea/`, details()));
const through = await latency('passthrough', () => post(`${urls.passthrough}/api/servicegroup/details/nea/`, details()));
const proxied = await latency('proxy', () => post(`${urls.sqlite}/api/nea/lookup`, LOOKUP));
console.log('Latency, one at a time (NEA details / lookup, 400 requests):');
console.log(`  sandbox directly      p50 ${ms(direct.p50)}  p99 ${ms(direct.p99)}`);
console.log(`  node:http passthrough p50 ${ms(through.p50)}  p99 ${ms(through.p99)}`);
console.log(`  merchant proxy        p50 ${ms(proxied.p50)}  p99 ${ms(proxied.p99)}`);
console.log(`  proxy overhead over the sandbox: p50 +${ms(proxied.p50 - direct.p50)}, p99 +${ms(proxied.p99 - direct.p99)}`);

const tp = await throughput(() => post(`${urls.passthrough}/api/servicegroup/details/nea/`, details()));
const tq = await throughput(() => post(`${urls.sqlite}/api/nea/lookup`, LOOKUP));
console.log('\nThroughput, 16 in flight for 5 s:');
console.log(`  node:http passthrough ${tp.perSecond.toFixed(0)} req/s (${tp.errors} errors)`);
console.log(`  merchant proxy        ${tq.perSecond.toFixed(0)} lookups/s (${tq.errors} errors), ${((100 * tq.perSecond) / tp.perSecond).toFixed(0)}% of the passthrough`);

console.log('\nLedgered commits (Dish Home pays, 8 in flight, lookups beforehand):');
const cs = await commits(urls.sqlite);
console.log(`  SQLite     ${cs.perSecond.toFixed(0)} commits/s (${cs.errors} errors)`);
if (urls.postgres) {
  const cp = await commits(urls.postgres);
  console.log(`  PostgreSQL ${cp.perSecond.toFixed(0)} commits/s (${cp.errors} errors)`);
} else {
  console.log(`  PostgreSQL skipped: ${'skip' in pg ? pg.skip : ''}`);
}

// Fixed rate: one operation every 20 ms (50/s), alternating an NEA lookup and a Dish Home lookup + pay.
console.log(`\nFixed-rate load: 50 operations/s for ${SECONDS} s (NEA lookups, Dish Home lookups + pays):`);
const started = performance.now();
let sent = 0;
let failed = 0;
const inFlight = new Set<Promise<void>>();
const samples: { t: number; rss: number }[] = [];
const rssOf = async () => {
  const { readFileSync } = await import('node:fs');
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};
while (performance.now() - started < SECONDS * 1000) {
  const i = sent++;
  const op = (async () => {
    if (i % 2 === 0) {
      const { status } = await post(`${urls.sqlite}/api/nea/lookup`, LOOKUP);
      if (status !== 200) failed++;
    } else {
      const { status, json } = await post(`${urls.sqlite}/api/dishhome/lookup`, { customer_id: '71909771942' });
      if (status !== 200) return void failed++;
      const quote = json.data!.response!.quote_id as string;
      const paid = await post(`${urls.sqlite}/api/dishhome/pay`, { quote_id: quote, amount_paisa: 50000, package_id: 9 }, { 'idempotency-key': `load-${quote}` });
      if (paid.status !== 200) failed++;
    }
  })();
  inFlight.add(op);
  void op.finally(() => inFlight.delete(op));
  if (i % 250 === 0) samples.push({ t: (performance.now() - started) / 1000, rss: await rssOf() });
  const due = started + sent * 20;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await Promise.all(inFlight);
samples.push({ t: (performance.now() - started) / 1000, rss: await rssOf() });
const third = Math.max(1, Math.floor(samples.length / 3));
const avg = (xs: { rss: number }[]) => xs.reduce((s, x) => s + x.rss, 0) / xs.length;
console.log(`  ${sent} operations, ${failed} errors, achieved ${(sent / SECONDS).toFixed(1)} ops/s`);
console.log(`  server RSS: first third ${avg(samples.slice(0, third)).toFixed(1)} MB, last third ${avg(samples.slice(-third)).toFixed(1)} MB (${samples.map((x) => x.rss.toFixed(0)).join(' ')})`);

server.kill('SIGTERM');
if ('drop' in pg) await pg.drop();
