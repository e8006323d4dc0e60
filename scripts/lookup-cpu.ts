/**
 * CPU per NEA lookup, one at a time: `npx tsx scripts/lookup-cpu.ts [count] [rounds]` (defaults 2000 and 3).
 * The sandbox aggregator, the plain node:http passthrough of `npm run bench` and the proxy (as the bench
 * runs it: SQLite, no rate limits, log lines formatted and dropped) each run in a process of their own;
 * this one sends `count` sequential lookups to the passthrough, then to the proxy, per round, and reads
 * each server's own CPU time (process.cpuUsage: user + system) before and after. A process's CPU per
 * lookup moves much less with the machine's other load than latency does: it is what `npm run bench`'s
 * one-at-a-time overhead is made of, plus the event-loop wake-ups. Prints the medians of the rounds.
 * LOOKUP_PROFILE=<dir>: the proxy's process runs under `node --cpu-prof` (sum it with scripts/bench-profile.ts).
 * LOOKUP_BEFORE=<dir>: also a proxy from another checkout (its src/), measured in the same rounds.
 *
 * Instructions per lookup, which the machine's load does not move: `--instructions <proxy|passthrough>
 * <count> <warmup> [checkout]` serves one side alone in this process (the sandbox and the lookups run in a
 * child) and prints its CPU per lookup; under callgrind with LOOKUP_CALLGRIND=1 only the `count` lookups
 * after the warm-up are counted (the child switches instrumentation on and off with callgrind_control):
 *   LOOKUP_CALLGRIND=1 valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes \
 *     --smc-check=all-non-file --callgrind-out-file=/tmp/cg node --import tsx scripts/lookup-cpu.ts \
 *     --instructions proxy 1000 3000
 * then `callgrind_annotate /tmp/cg-01` (thread 1: the event loop, the critical path; the others are V8's
 * compiler and GC helpers) divided by `count`, minus the same for the passthrough.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startPassthrough } from './passthrough.js';

const TOKEN = 'TEST:bench';
const LOOKUP = { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' };
const role = process.argv[2];

/** Serves one side (the sandbox, the passthrough or a proxy, from this checkout or `root`'s); resolves to its URL. */
async function serveSide(kind: string, upstream: string, rootDir?: string): Promise<string> {
  // The proxy's code: this checkout's, or another's (LOOKUP_BEFORE) to compare side by side.
  const root = rootDir ? pathToFileURL(`${rootDir}/`).href : new URL('../', import.meta.url).href;
  const { serve } = await import('@hono/node-server');
  const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
    new Promise<string>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
      // Under valgrind a side may pause for seconds: keep idle connections open meanwhile.
      (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 600_000;
    });
  if (kind === 'sandbox') {
    const { createSandbox } = await import('../src/sandbox/sandbox.js');
    return listen(createSandbox({ tokens: [TOKEN], creditsPaisa: 1e14 }).fetch);
  }
  // The same passthrough as scripts/bench-servers.ts.
  if (kind === 'passthrough') return startPassthrough(new URL(upstream), TOKEN);
  const { loadConfig } = (await import(`${root}src/server/config.js`)) as typeof import('../src/server/config.js');
  const { createLogger } = (await import(`${root}src/server/log.js`)) as typeof import('../src/server/log.js');
  const { createProxy } = (await import(`${root}src/server/proxy.js`)) as typeof import('../src/server/proxy.js');
  const file = join(mkdtempSync(join(tmpdir(), 'lookup-cpu-')), 'ledger.sqlite');
  const config = loadConfig({
    AGGREGATOR_BASE_URL: upstream,
    AGGREGATOR_TOKEN: TOKEN,
    DATABASE_URL: `sqlite:${file}`,
    RATE_LIMIT_PER_MINUTE: '0',
    LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
    RECONCILE_INTERVAL_MS: '0',
    FUNDING: 'host',
  });
  const { createSandboxWallet } = (await import(`${root}src/sandbox/wallet.js`)) as typeof import('../src/sandbox/wallet.js');
  // Counting instructions: the quotes are written in full batches (QUOTE_BATCH) rather than per 100 ms window,
  // whose size, and so the insert's cost per quote, follows the pace (valgrind's is some 50 times slower).
  const { openSqliteStore } = (await import(`${root}src/server/store/sqlite.js`)) as typeof import('../src/server/store/sqlite.js');
  const store = role === '--instructions' ? openSqliteStore(file, { scheduleQuotes: () => () => undefined }) : undefined;
  const proxy = createProxy({ config, store, log: createLogger([TOKEN], () => undefined), hostFunding: createSandboxWallet().hooks });
  await proxy.store.ready();
  return listen(proxy.fetch);
}

const agent = new Agent({ keepAlive: true });
const payload = JSON.stringify(LOOKUP);
const lookup = (url: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      `${url}/api/nea/lookup`,
      { agent, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });

if (role === '--server') {
  const url = await serveSide(process.argv[3]!, process.argv[4] ?? '', process.argv[5]);
  process.on('message', () => process.send!(process.cpuUsage()));
  process.on('SIGTERM', () => process.exit(0));
  process.send!(url);
} else if (role === '--instructions') {
  // This process serves one side alone (run it under valgrind); a child runs the sandbox and sends the
  // lookups (warm-up, then `count`), so that this process's instructions are the side's own.
  const [kind, count, warmup, root] = [process.argv[3]!, Number(process.argv[4] ?? 1000), Number(process.argv[5] ?? 500), process.argv[6]];
  const driver = fork(fileURLToPath(import.meta.url), ['--driver'], { execArgv: ['--import', 'tsx'] });
  const sandboxUrl = await new Promise<string>((resolve) => driver.once('message', (m) => resolve(m as string)));
  const url = await serveSide(kind, sandboxUrl, root);
  driver.send({ url, count, warmup, pid: process.pid });
  await new Promise((resolve) => driver.once('message', resolve));
  const used = process.cpuUsage();
  await new Promise((resolve) => driver.once('message', resolve));
  const { user, system } = process.cpuUsage(used);
  console.log(`${kind}: ${((user + system) / count).toFixed(1)} us of CPU per lookup (${count} lookups after ${warmup})`);
  driver.kill('SIGTERM');
  process.exit(0);
} else if (role === '--driver') {
  process.send!(await serveSide('sandbox', ''));
  process.on('SIGTERM', () => process.exit(0));
  process.once('message', async (m) => {
    const { url, count, warmup, pid } = m as { url: string; count: number; warmup: number; pid: number };
    for (let i = 0; i < warmup; i++) await lookup(url);
    // Under `valgrind --tool=callgrind --instr-atstart=no`, only the timed lookups are counted.
    const callgrind = (on: boolean) => process.env.LOOKUP_CALLGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(pid)]);
    callgrind(true);
    process.send!('start');
    for (let i = 0; i < count; i++) await lookup(url);
    callgrind(false);
    process.send!('done');
  });
} else {
  const count = Number(process.argv[2] ?? 2000);
  const rounds = Number(process.argv[3] ?? 3);
  const self = fileURLToPath(import.meta.url);
  const profile = process.env.LOOKUP_PROFILE;
  const before = process.env.LOOKUP_BEFORE;
  const start = (kind: string, upstream = '', execArgv: string[] = [], root = '') =>
    new Promise<{ child: ChildProcess; url: string }>((resolve) => {
      const child = fork(self, ['--server', kind, upstream, ...(root ? [root] : [])], { execArgv: ['--import', 'tsx', ...execArgv] });
      child.once('message', (url) => resolve({ child, url: url as string }));
    });
  const sandbox = await start('sandbox');
  const passthrough = await start('passthrough', sandbox.url);
  const proxy = await start('proxy', sandbox.url, profile ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${profile}`] : []);
  const old = before ? await start('proxy', sandbox.url, [], before) : null;
  const cpu = (child: ChildProcess) =>
    new Promise<number>((resolve) => {
      child.once('message', (u) => resolve((u as NodeJS.CpuUsage).user + (u as NodeJS.CpuUsage).system));
      child.send('cpu');
    });

  async function run(side: { child: ChildProcess; url: string }) {
    const times: number[] = [];
    const before = await cpu(side.child);
    const sandboxBefore = await cpu(sandbox.child);
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await lookup(side.url);
      times.push(performance.now() - t);
    }
    const used = (await cpu(side.child)) - before;
    const sandboxUsed = (await cpu(sandbox.child)) - sandboxBefore;
    times.sort((a, b) => a - b);
    return { cpu: used / count, sandbox: sandboxUsed / count, p50: times[Math.floor(times.length / 2)]! };
  }
  for (let i = 0; i < 500; i++) await lookup(passthrough.url);
  for (let i = 0; i < 500; i++) await lookup(proxy.url);
  if (old) for (let i = 0; i < 500; i++) await lookup(old.url);
  type Run = Awaited<ReturnType<typeof run>>;
  const results: { passthrough: Run; proxy: Run; before: Run | null }[] = [];
  const line = (name: string, x: Run) => `${name} ${x.cpu.toFixed(0)} us CPU (sandbox ${x.sandbox.toFixed(0)}), p50 ${x.p50.toFixed(3)} ms`;
  for (let r = 0; r < rounds; r++) {
    // The order turns each round, so that no side always follows the same one.
    const order: [string, { child: ChildProcess; url: string }][] = [['passthrough', passthrough], ['proxy', proxy], ...(old ? [['before', old] as [string, typeof old]] : [])];
    const round: Partial<Record<string, Run>> = {};
    for (let i = 0; i < order.length; i++) {
      const [name, side] = order[(i + r) % order.length]!;
      round[name] = await run(side);
    }
    results.push({ passthrough: round.passthrough!, proxy: round.proxy!, before: round.before ?? null });
    console.log(`round ${r + 1}: ${[line('passthrough', round.passthrough!), ...(old ? [line('before', round.before!)] : []), line('proxy', round.proxy!)].join('; ')}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (name: string, pick: (x: (typeof results)[number]) => Run) => {
    const pt = median(results.map((x) => x.passthrough.cpu));
    const px = median(results.map((x) => pick(x).cpu));
    const ratio = median(results.map((x) => pick(x).cpu / x.passthrough.cpu));
    const overhead = median(results.map((x) => pick(x).p50 - x.passthrough.p50));
    console.log(`${name}: ${px.toFixed(0)} us of its process's CPU per lookup (passthrough ${pt.toFixed(0)} us; ratio ${ratio.toFixed(2)}x), p50 overhead +${overhead.toFixed(3)} ms (medians of ${rounds} rounds)`);
  };
  if (old) summary('before', (x) => x.before!);
  summary('proxy ', (x) => x.proxy);
  if (old) {
    const cpu = median(results.map((x) => x.proxy.cpu / x.before!.cpu));
    const p50 = median(results.map((x) => x.proxy.p50 - x.before!.p50));
    console.log(`proxy vs before, per round: CPU per lookup ${cpu.toFixed(3)}x (rounds ${results.map((x) => (x.proxy.cpu / x.before!.cpu).toFixed(2)).join(' ')}), p50 ${p50 >= 0 ? '+' : ''}${p50.toFixed(3)} ms`);
  }
  agent.destroy();
  for (const side of [proxy, old, passthrough, sandbox]) side?.child.kill('SIGTERM');
}
