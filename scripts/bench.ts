/**
 * `npm run bench`: the proxy's figures, printed (not asserted). Every ratio is measured side by side in
 * one run, in several rounds (the median is reported), so a machine busy with other work slows both
 * sides alike:
 * - overhead: latency of an NEA lookup through the proxy vs the same lookup through a plain node:http
 *   passthrough (and the details call straight to the sandbox), one request at a time, interleaved;
 * - throughput: lookups per second at 16 in flight, proxy and passthrough back to back in each round, and
 *   the servers' CPU time per lookup on each side (its own process + the sandbox's; user + system, from /proc), and its own process's alone: on a machine busy
 *   with other work the lookups per second measure the scheduler as much as the code, the CPU per lookup
 *   much less so (its ratio is the capacity ratio once the server's core is the limit);
 * - ledgered commits per second (lookups beforehand, pays timed; one account per commit, as the ledger
 *   allows one unresolved payment per account) on SQLite and PostgreSQL, 8 in flight, after a warm-up of
 *   untimed pays; CPU per commit of each process (the proxy's alone, the sandbox's, the load generator's);
 * - a fixed-rate load (BENCH_SECONDS, default 60; 0 skips it) of lookups and payments: errors and memory.
 * `--quick` (or BENCH_QUICK=1): fewer, shorter rounds and no fixed-rate load, for development.
 * `--commits`: the ledgered commits alone (BENCH_COMMITS pays per round, BENCH_ROUNDS rounds; BENCH_LEDGERS
 * `sqlite`, `postgres` or both, comma-separated), for work on the pay path.
 * BENCH_BEFORE=<dir> (with --commits): also the proxy of another checkout (its src/), in a process of its own on
 * ledgers of its own against the same sandbox, alternating with this checkout's in every round (load-fair before/after).
 * BENCH_PROFILE=<dir>: the servers run under `node --cpu-prof`, their profiles written to <dir>; each ledger's
 * timed pays (lookups excluded) are also profiled alone, into <dir>/commits-<ledger>-<role>.cpuprofile.
 * The servers run in child processes (scripts/bench-servers.ts), one per role: the sandbox aggregator, the
 * passthrough, the proxy (SQLite and PostgreSQL), so that the proxy's process holds the proxy alone, as in
 * production, and each process's CPU time (/proc) is its own; the load runs here. CPU figures are printed per
 * process: the proxy's own, the sandbox's, the passthrough's, this load generator's (process.cpuUsage).
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { tempPostgres } from '../test/server/harness.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const TOKEN = 'TEST:bench';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 0 : 60));
const ROUNDS = QUICK ? 3 : 5;
const SLICE_SECONDS = QUICK ? 1 : 2;
const LATENCY_COUNT = QUICK ? 150 : 300;
const COMMITS_ONLY = process.argv.includes('--commits');
const COMMITS = Number(process.env.BENCH_COMMITS ?? (QUICK ? 200 : 600));
const COMMIT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
/**
 * Pays before the timed ones, per proxy and ledger, untimed: a production proxy's pay path is compiled. V8 keeps
 * optimising it for over a thousand pays: after 200, the proxy's CPU per pay still fell from round to round
 * (1750, 1567, 1283 us in three rounds of 600); after 1,500 pays it is about 1,250 us and stays there.
 */
const COMMIT_WARMUP = QUICK ? 200 : 1500;
/**
 * Lookups before the latency rounds, per side, untimed and interleaved. After 50, the proxy's p50 overhead fell
 * from round to round as V8 compiled its path (0.83, 0.64, 0.45, 0.41, 0.38 ms): the first rounds measured the
 * compiler. The passthrough, a few lines of node:http, is compiled after a few dozen.
 */
const LOOKUP_WARMUP = QUICK ? 300 : 3000;
const LEDGERS = (process.env.BENCH_LEDGERS ?? 'sqlite,postgres').split(',');
const PROFILE = process.env.BENCH_PROFILE;
/** Another checkout (its src/): with --commits, its proxy is measured too, in its own process, alternating with this one's. */
const BEFORE = process.env.BENCH_BEFORE;

const pg = LEDGERS.includes('postgres') ? await tempPostgres() : { skip: 'not asked for (BENCH_LEDGERS)' };

/** One of the servers' processes (scripts/bench-servers.ts `role`): its URLs, its commands, its CPU time. */
async function startServer(role: 'sandbox' | 'passthrough' | 'proxy', upstream = '', proxyRoot = '') {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), 'scripts/bench-servers.ts', role, upstream],
    {
      env: { ...process.env, BENCH_POSTGRES_URL: 'url' in pg ? pg.url : '', BENCH_ACCOUNTS: String(COMMITS_ONLY ? (COMMITS * COMMIT_ROUNDS + COMMIT_WARMUP) * (BEFORE ? 2 : 1) : COMMITS), BENCH_PROXY_ROOT: proxyRoot },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  // The output after the first line: one line per command answered (see `command`).
  const answers: ((line: string) => void)[] = [];
  const urls = await new Promise<Record<string, string | null>>((resolve, reject) => {
    let out = '';
    let first = true;
    child.once('exit', (code) => first && reject(new Error(`bench-servers.ts ${role} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        if (first) {
          first = false;
          resolve(JSON.parse(line));
        } else answers.shift()?.(line);
      }
    });
  });
  return {
    child,
    urls,
    /** Asks the process to do something (`profile <name>`, `stop`) and waits until it is done. */
    command: (line: string) =>
      new Promise<string>((resolve) => {
        answers.push(resolve);
        child.stdin!.write(`${line}\n`);
      }),
    /** The process's CPU time (user + system, all its threads) so far, in microseconds, from /proc. */
    cpu: (only?: 'system') => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (((only ? 0 : Number(fields[11])) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
    },
  };
}
const CLOCK_TICKS = 100;
// The sandbox aggregator, the passthrough and the proxy each in a process of their own: the proxy's process
// holds the proxy alone, as in production. Both the passthrough and the proxy call the same sandbox.
const sandboxServer = await startServer('sandbox');
const passthroughServer = await startServer('passthrough', sandboxServer.urls.sandbox!);
const proxyServer = await startServer('proxy', sandboxServer.urls.sandbox!);
const beforeServer = BEFORE && COMMITS_ONLY ? await startServer('proxy', sandboxServer.urls.sandbox!, BEFORE) : null;
const servers = [sandboxServer, passthroughServer, proxyServer, ...(beforeServer ? [beforeServer] : [])];
const urls = { sandbox: sandboxServer.urls.sandbox!, passthrough: passthroughServer.urls.passthrough!, sqlite: proxyServer.urls.sqlite!, postgres: proxyServer.urls.postgres ?? null };
/** Each process's CPU time so far (us): the sandbox's, the passthrough's, the proxy's, and this load generator's. */
const cpuNow = () => {
  const own = process.cpuUsage();
  return { sandbox: sandboxServer.cpu(), passthrough: passthroughServer.cpu(), proxy: proxyServer.cpu(), proxySystem: proxyServer.cpu('system'), beforeSystem: beforeServer?.cpu('system') ?? 0, before: beforeServer?.cpu() ?? 0, load: own.user + own.system };
};
type Cpu = ReturnType<typeof cpuNow>;
const cpuSince = (start: Cpu, per: number): Cpu => {
  const now = cpuNow();
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, (v - start[k as keyof Cpu]) / per])) as Cpu;
};

/** How long the bench waits for any one answer. */
const REQUEST_TIMEOUT_MS = 30_000;
// The load side uses node:http with keep-alive too: a cheap client leaves the core to the servers.
const agent = new Agent({ keepAlive: true });
type Answer = { status: number; json: { code?: string; data?: { response?: Record<string, unknown> } } };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  new Promise<Answer>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      url,
      { agent, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      },
    );
    req.on('error', reject);
    // A request that never answers stops the bench with an error instead of hanging it (seen once, cause unknown).
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`bench: no answer from ${url} in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.end(payload);
  });
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const median = (values: number[]) => percentile(values, 50);
const ms = (n: number) => `${n.toFixed(2)} ms`;
let n = 0;
const details = () => ({ token: TOKEN, sc_no: '001.01.555', office_code: '245:bhaktapur-dc', consumer_id: '555', reference: `b${Date.now()}${++n}` });
const LOOKUP = { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' };

const sides = {
  sandbox: () => post(`${urls.sandbox}/api/servicegroup/details/nea/`, details()),
  passthrough: () => post(`${urls.passthrough}/api/nea/lookup`, LOOKUP),
  proxy: () => post(`${urls.sqlite}/api/nea/lookup`, LOOKUP),
};
type Side = keyof typeof sides;

/** One round: the sides called in turn, one request at a time; p50 and p99 of each. */
async function latencyRound(count: number) {
  const times: Record<Side, number[]> = { sandbox: [], passthrough: [], proxy: [] };
  const order = Object.keys(sides) as Side[];
  for (let i = 0; i < count; i++) {
    for (const side of i % 2 ? order : [...order].reverse()) {
      const t = performance.now();
      const { status } = await sides[side]();
      times[side].push(performance.now() - t);
      if (status !== 200) throw new Error(`${side} answered ${status}`);
    }
  }
  return Object.fromEntries(order.map((s) => [s, { p50: percentile(times[s], 50), p99: percentile(times[s], 99) }])) as Record<Side, { p50: number; p99: number }>;
}

async function throughput(call: () => Promise<{ status: number }>, seconds: number, inFlight = 16) {
  const cpu = cpuNow();
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
  return { perSecond: done / seconds, errors, cpu: cpuSince(cpu, Math.max(1, done + errors)) };
}

/**
 * Pays `count` Dish Home quotes of distinct accounts (from the `first`), 8 in flight; only the pays are timed,
 * only successes counted. With `profile`, the servers profile the pays alone.
 */
async function commits(proxy: string, count: number, first = 0, profile?: string, inFlight = 8) {
  const quotes: string[] = [];
  for (let i = 0; i < count; i++) {
    const { json } = await post(`${proxy}/api/dishhome/lookup`, { customer_id: String(8_100_000_000 + first + i) });
    quotes.push(json.data!.response!.quote_id as string);
  }
  if (profile) for (const s of servers) await s.command(`profile ${profile}`);
  const t = performance.now();
  const cpu = cpuNow();
  const errors: Record<string, number> = {};
  let ok = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < quotes.length) {
        const quote = quotes[next++]!;
        const { status, json } = await post(`${proxy}/api/dishhome/pay`, { quote_id: quote, amount_paisa: 40000, package_id: 1 }, { 'idempotency-key': `bench-${quote}` });
        if (status === 200) ok++;
        else errors[json.code ?? String(status)] = (errors[json.code ?? String(status)] ?? 0) + 1;
      }
    }),
  );
  const result = { perSecond: ok / ((performance.now() - t) / 1000), errors, cpu: cpuSince(cpu, count) };
  if (profile) for (const s of servers) await s.command('stop');
  return result;
}
const errorText = (errors: Record<string, number>) => Object.entries(errors).map(([k, v]) => `${v} ${k}`).join(', ') || '0 errors';

console.log(`bill-pay proxy benchmark${QUICK ? ' (quick)' : ''}: loopback, sandbox, passthrough and proxy each in a process of its own, load in another`);
console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
console.log(`${ROUNDS} rounds; medians of the rounds. Absolute figures depend on the machine's other load; the ratios are side by side.\n`);

if (!COMMITS_ONLY) {
  for (let i = 0; i < LOOKUP_WARMUP; i++) for (const side of Object.values(sides)) await side();
  const latencies: Awaited<ReturnType<typeof latencyRound>>[] = [];
  for (let r = 0; r < ROUNDS; r++) latencies.push(await latencyRound(LATENCY_COUNT));
  const med = (side: Side, p: 'p50' | 'p99') => median(latencies.map((l) => l[side][p]));
  const overhead = median(latencies.map((l) => l.proxy.p50 - l.passthrough.p50));
  console.log(`Latency, one at a time, interleaved (${LATENCY_COUNT} of each per round, after ${LOOKUP_WARMUP} of each untimed):`);
  console.log(`  NEA details straight to the sandbox  p50 ${ms(med('sandbox', 'p50'))}  p99 ${ms(med('sandbox', 'p99'))}`);
  console.log(`  lookup through node:http passthrough p50 ${ms(med('passthrough', 'p50'))}  p99 ${ms(med('passthrough', 'p99'))}`);
  console.log(`  lookup through the merchant proxy    p50 ${ms(med('proxy', 'p50'))}  p99 ${ms(med('proxy', 'p99'))}`);
  console.log(`  proxy p50 overhead over the passthrough: +${ms(overhead)} (rounds: ${latencies.map((l) => (l.proxy.p50 - l.passthrough.p50).toFixed(2)).join(' ')}; target <= +0.25 ms)`);

  const ratios: number[] = [];
  const tps: number[] = [];
  const tqs: number[] = [];
  const cps: number[] = [];
  const cqs: number[] = [];
  const cpuRatios: number[] = [];
  const ownP: number[] = [];
  const ownQ: number[] = [];
  const ownRatios: number[] = [];
  const sandboxCpu: number[] = [];
  let throughputErrors = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first, so neither always runs on a warmer or cooler machine.
    const [first, second] = r % 2 ? [sides.proxy, sides.passthrough] : [sides.passthrough, sides.proxy];
    const a = await throughput(first, SLICE_SECONDS);
    const b = await throughput(second, SLICE_SECONDS);
    const [tp, tq] = r % 2 ? [b, a] : [a, b];
    throughputErrors += tp.errors + tq.errors;
    tps.push(tp.perSecond);
    tqs.push(tq.perSecond);
    ratios.push(tq.perSecond / tp.perSecond);
    // The servers' CPU of each side: its own process and the sandbox it calls.
    cps.push(tp.cpu.passthrough + tp.cpu.sandbox);
    cqs.push(tq.cpu.proxy + tq.cpu.sandbox);
    cpuRatios.push(cps.at(-1)! / cqs.at(-1)!);
    ownP.push(tp.cpu.passthrough);
    ownQ.push(tq.cpu.proxy);
    ownRatios.push(tp.cpu.passthrough / tq.cpu.proxy);
    sandboxCpu.push(tp.cpu.sandbox, tq.cpu.sandbox);
}
console.log(`\nThroughput, 16 in flight, ${SLICE_SECONDS} s per side per round (${throughputErrors} errors):`);
console.log(`  node:http passthrough ${median(tps).toFixed(0)} lookups/s`);
console.log(`  merchant proxy        ${median(tqs).toFixed(0)} lookups/s`);
console.log(`  ratio proxy/passthrough ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')}; target >= 0.5x)`);
console.log(`  servers' CPU per lookup (sandbox included on both sides): passthrough ${median(cps).toFixed(0)} us, proxy ${median(cqs).toFixed(0)} us`);
console.log(`  capacity ratio passthrough CPU/proxy CPU ${median(cpuRatios).toFixed(2)}x (rounds: ${cpuRatios.map((x) => x.toFixed(2)).join(' ')})`);
console.log(`  own process's CPU per lookup (sandbox ${median(sandboxCpu).toFixed(0)} us apart): passthrough ${median(ownP).toFixed(0)} us, proxy ${median(ownQ).toFixed(0)} us; ratio ${median(ownRatios).toFixed(2)}x (rounds: ${ownRatios.map((x) => x.toFixed(2)).join(' ')})`);
}

console.log(`\nLedgered commits (Dish Home pays of ${COMMITS} distinct accounts, 8 in flight, lookups beforehand, after ${COMMIT_WARMUP} untimed pays; successes only):`);
for (const [ledger, name, target] of [['sqlite', 'SQLite    ', 1500], ['postgres', 'PostgreSQL', 1000]] as const) {
  const url = ledger === 'sqlite' ? (LEDGERS.includes('sqlite') ? urls.sqlite : null) : urls.postgres;
  if (!url) {
    console.log(`  ${name} skipped: ${ledger === 'sqlite' ? 'not asked for (BENCH_LEDGERS)' : 'skip' in pg ? pg.skip : ''}`);
    continue;
  }
  // This checkout's proxy, and with BENCH_BEFORE another's, alternating which goes first in each round.
  const sides = [
    { label: '', url, own: (c: Cpu) => c.proxy, system: (c: Cpu) => c.proxySystem, runs: [] as Awaited<ReturnType<typeof commits>>[] },
    ...(beforeServer ? [{ label: ' (before)', url: beforeServer.urls[ledger]!, own: (c: Cpu) => c.before, system: (c: Cpu) => c.beforeSystem, runs: [] as Awaited<ReturnType<typeof commits>>[] }] : []),
  ];
  // Without --commits every round pays the same accounts (each pay succeeds at once, freeing its account);
  // with it, each batch of pays has accounts of its own.
  let nextAccount = 0;
  const accounts = (count: number) => (COMMITS_ONLY ? (nextAccount += count) - count : 0);
  // In batches of at most COMMITS: without --commits the sandbox has COMMITS accounts, paid again in each batch.
  for (let left = COMMIT_WARMUP; left > 0; left -= COMMITS) {
    for (const side of sides) await commits(side.url, Math.min(COMMITS, left), accounts(Math.min(COMMITS, left)));
  }
  for (let r = 0; r < COMMIT_ROUNDS; r++) {
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      const profile = PROFILE ? `commits-${ledger}${side.label ? '-before' : ''}${COMMIT_ROUNDS > 1 ? `-${r + 1}` : ''}` : undefined;
      side.runs.push(await commits(side.url, COMMITS, accounts(COMMITS), profile));
    }
  }
  for (const { label, own, system, runs } of sides) {
    const errors: Record<string, number> = {};
    for (const run of runs) for (const [k, v] of Object.entries(run.errors)) errors[k] = (errors[k] ?? 0) + v;
    const us = (pick: (c: Cpu) => number) => `${median(runs.map((x) => pick(x.cpu))).toFixed(0)} us (rounds: ${runs.map((x) => pick(x.cpu).toFixed(0)).join(' ')})`;
    console.log(`  ${name}${label} ${median(runs.map((x) => x.perSecond)).toFixed(0)} commits/s (rounds: ${runs.map((x) => x.perSecond.toFixed(0)).join(' ')}; ${errorText(errors)}; target ${target}/s)`);
    console.log(`    CPU per commit: proxy's process ${us(own)}, of it in the kernel ${us(system)}; servers (proxy + sandbox) ${us((c) => own(c) + c.sandbox)}; sandbox ${us((c) => c.sandbox)}; load generator ${us((c) => c.load)}`);
  }
  if (sides.length === 2) {
    const ratios = sides[0]!.runs.map((x, i) => x.cpu.proxy / sides[1]!.runs[i]!.cpu.before);
    console.log(`    proxy's process CPU per commit, this checkout / before: ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  }
}
console.log(`  (proxy's process: the proxy, its ledger's client side and its host funding hooks; PostgreSQL's own server is not counted)`);

if (SECONDS > 0 && !COMMITS_ONLY) {
  // Fixed rate: one operation every 20 ms (50/s), alternating an NEA lookup and a Dish Home lookup + pay.
  console.log(`\nFixed-rate load: 50 operations/s for ${SECONDS} s (NEA lookups, Dish Home lookups + pays):`);
  const started = performance.now();
  let sent = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const samples: { t: number; rss: number }[] = [];
  const rssOf = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proxyServer.child.pid}/status`, 'utf8'))![1]) / 1024;
  let broken = 0;
  while (performance.now() - started < SECONDS * 1000) {
    const i = sent++;
    const op = (async () => {
      if (i % 2 === 0) {
        const { status } = await post(`${urls.sqlite}/api/nea/lookup`, LOOKUP);
        if (status !== 200) failed++;
      } else {
        // Each pay resolves at once (success), so one account serves every pay here, one at a time.
        const { status, json } = await post(`${urls.sqlite}/api/dishhome/lookup`, { customer_id: String(8_100_000_000 + (i % COMMITS)) });
        if (status !== 200) return void failed++;
        const quote = json.data!.response!.quote_id as string;
        const paid = await post(`${urls.sqlite}/api/dishhome/pay`, { quote_id: quote, amount_paisa: 50000, package_id: 9 }, { 'idempotency-key': `load-${quote}` });
        if (paid.status !== 200) failed++;
      }
    })().catch((error: { code?: string }) => {
      broken++;
      if (process.env.BENCH_DEBUG) console.error(`  op ${i} (${i % 2 ? "pay" : "lookup"}): ${error.code}`);
    });
    inFlight.add(op);
    void op.finally(() => inFlight.delete(op));
    if (i % 250 === 0) samples.push({ t: (performance.now() - started) / 1000, rss: rssOf() });
    const due = started + sent * 20;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  samples.push({ t: (performance.now() - started) / 1000, rss: rssOf() });
  const third = Math.max(1, Math.floor(samples.length / 3));
  const avg = (xs: { rss: number }[]) => xs.reduce((s, x) => s + x.rss, 0) / xs.length;
  console.log(`  ${sent} operations, ${failed} error answers, ${broken} broken connections, achieved ${(sent / SECONDS).toFixed(1)} ops/s`);
  console.log(`  server RSS: first third ${avg(samples.slice(0, third)).toFixed(1)} MB, last third ${avg(samples.slice(-third)).toFixed(1)} MB (${samples.map((x) => x.rss.toFixed(0)).join(' ')})`);
}
console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);

agent.destroy();
await Promise.all(
  servers.map(({ child }) => {
    child.kill('SIGTERM');
    return new Promise((resolve) => child.once('exit', resolve));
  }),
);
if ('drop' in pg) await pg.drop();
