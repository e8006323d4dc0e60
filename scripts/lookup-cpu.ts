/**
 * CPU per NEA lookup, one at a time: `npx tsx scripts/lookup-cpu.ts [count] [rounds]` (defaults 2000 and 3).
 * The sandbox aggregator, the plain node:http passthrough of `npm run bench` and the proxy (as the bench
 * runs it: SQLite, no rate limits, log lines formatted and dropped) each run in a process of their own;
 * this one sends `count` sequential lookups to the passthrough, then to the proxy, per round, and reads
 * each server's own CPU time (process.cpuUsage: user + system) before and after. A process's CPU per
 * lookup moves much less with the machine's other load than latency does: it is what `npm run bench`'s
 * one-at-a-time overhead is made of, plus the event-loop wake-ups. Prints the medians of the rounds.
 * LOOKUP_PROFILE=<dir>: the proxy's process runs under `node --cpu-prof` (sum it with scripts/bench-profile.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOKEN = 'TEST:bench';
const LOOKUP = { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' };
const role = process.argv[2];

if (role === '--server') {
  const kind = process.argv[3]!;
  const upstream = process.argv[4] ?? '';
  const { serve } = await import('@hono/node-server');
  const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
    new Promise<string>((resolve) => serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`)));
  let url: string;
  if (kind === 'sandbox') {
    const { createSandbox } = await import('../src/sandbox/sandbox.js');
    url = await listen(createSandbox({ tokens: [TOKEN], creditsPaisa: 1e14 }).fetch);
  } else if (kind === 'passthrough') {
    // The same passthrough as scripts/bench-servers.ts.
    const target = new URL(upstream);
    const agent = new Agent({ keepAlive: true });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString()), token: TOKEN, reference: randomUUID().replaceAll('-', '') });
        const out = request(
          { agent, host: target.hostname, port: target.port, path: '/api/servicegroup/details/nea/', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
            answer.pipe(res);
          },
        );
        out.on('error', () => res.writeHead(502).end());
        out.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  } else {
    const { loadConfig } = await import('../src/server/config.js');
    const { createLogger } = await import('../src/server/log.js');
    const { createProxy } = await import('../src/server/proxy.js');
    const config = loadConfig({
      AGGREGATOR_BASE_URL: upstream,
      AGGREGATOR_TOKEN: TOKEN,
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'lookup-cpu-')), 'ledger.sqlite')}`,
      RATE_LIMIT_PER_MINUTE: '0',
      LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
      RECONCILE_INTERVAL_MS: '0',
      FUNDING: 'host',
    });
    const { createSandboxWallet } = await import('../src/sandbox/wallet.js');
    const proxy = createProxy({ config, log: createLogger([TOKEN], () => undefined), hostFunding: createSandboxWallet().hooks });
    await proxy.store.ready();
    url = await listen(proxy.fetch);
  }
  process.on('message', () => process.send!(process.cpuUsage()));
  process.on('SIGTERM', () => process.exit(0));
  process.send!(url);
} else {
  const count = Number(process.argv[2] ?? 2000);
  const rounds = Number(process.argv[3] ?? 3);
  const self = fileURLToPath(import.meta.url);
  const profile = process.env.LOOKUP_PROFILE;
  const start = (kind: string, upstream = '', execArgv: string[] = []) =>
    new Promise<{ child: ChildProcess; url: string }>((resolve) => {
      const child = fork(self, ['--server', kind, upstream], { execArgv: ['--import', 'tsx', ...execArgv] });
      child.once('message', (url) => resolve({ child, url: url as string }));
    });
  const sandbox = await start('sandbox');
  const passthrough = await start('passthrough', sandbox.url);
  const proxy = await start('proxy', sandbox.url, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
  const cpu = (child: ChildProcess) =>
    new Promise<number>((resolve) => {
      child.once('message', (u) => resolve((u as NodeJS.CpuUsage).user + (u as NodeJS.CpuUsage).system));
      child.send('cpu');
    });

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
  const results: { passthrough: Awaited<ReturnType<typeof run>>; proxy: Awaited<ReturnType<typeof run>> }[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await run(passthrough);
    const b = await run(proxy);
    results.push({ passthrough: a, proxy: b });
    console.log(
      `round ${r + 1}: passthrough ${a.cpu.toFixed(0)} us CPU (sandbox ${a.sandbox.toFixed(0)}), p50 ${a.p50.toFixed(3)} ms; proxy ${b.cpu.toFixed(0)} us CPU (sandbox ${b.sandbox.toFixed(0)}), p50 ${b.p50.toFixed(3)} ms`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pt = median(results.map((x) => x.passthrough.cpu));
  const px = median(results.map((x) => x.proxy.cpu));
  console.log(`median: passthrough ${pt.toFixed(0)} us, proxy ${px.toFixed(0)} us of its own process's CPU per lookup (+${(px - pt).toFixed(0)} us); p50 overhead +${median(results.map((x) => x.proxy.p50 - x.passthrough.p50)).toFixed(3)} ms`);
  agent.destroy();
  for (const side of [proxy, passthrough, sandbox]) side.child.kill('SIGTERM');
}
