/**
 * The servers of the benchmark, each role in a process of its own, as in production (where the aggregator
 * runs on the aggregator's machines, not the proxy's), so that each one's CPU time is its own:
 * - `tsx scripts/bench-servers.ts sandbox`: the sandbox aggregator (with BENCH_ACCOUNTS Dish Home accounts
 *   for the commit figures);
 * - `... passthrough <sandbox url>`: the plain node:http passthrough to it (the floor any proxy is measured against);
 * - `... proxy <sandbox url>`: the merchant proxy on SQLite and, when BENCH_POSTGRES_URL is set, on PostgreSQL,
 *   with its host funding (the sandbox wallet's hooks: host code, in the proxy's process as in production);
 *   with BENCH_PROXY_ROOT=<dir>, the proxy's code is another checkout's (its src/), to compare side by side.
 * Each prints its URLs as one JSON line, then answers bench.ts's commands (stdin, one a line, each answered
 * with a line): `profile <name>` starts profiling (with BENCH_PROFILE), `stop` writes the profile to
 * <BENCH_PROFILE>/<name>-<role>.cpuprofile.
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { startPassthrough } from './passthrough.js';
import { pathToFileURL } from 'node:url';
import { createSandbox } from '../src/sandbox/sandbox.js';
import { DISHHOME_CUSTOMERS } from '../src/sandbox/fixtures.js';

const TOKEN = 'TEST:bench';
const [role, upstream = ''] = process.argv.slice(2);
/** Dish Home customers the commit figures pay, one account per commit (see BENCH_ACCOUNTS in bench.ts). */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 0);
const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
  new Promise<string>((resolve) => {
    serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
  });

// The proxy's code: this checkout's, or another's (BENCH_PROXY_ROOT, see BENCH_BEFORE in bench.ts).
const root = process.env.BENCH_PROXY_ROOT ? pathToFileURL(`${process.env.BENCH_PROXY_ROOT}/`).href : new URL('../', import.meta.url).href;
async function proxyOn(databaseUrl: string) {
  const { loadConfig } = (await import(`${root}src/server/config.js`)) as typeof import('../src/server/config.js');
  const { createLogger } = (await import(`${root}src/server/log.js`)) as typeof import('../src/server/log.js');
  const { createProxy } = (await import(`${root}src/server/proxy.js`)) as typeof import('../src/server/proxy.js');
  const { createSandboxWallet } = (await import(`${root}src/sandbox/wallet.js`)) as typeof import('../src/sandbox/wallet.js');
  const config = loadConfig({
    AGGREGATOR_BASE_URL: upstream,
    AGGREGATOR_TOKEN: TOKEN,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_PER_MINUTE: '0',
    LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
    RECONCILE_INTERVAL_MS: '0',
    FUNDING: 'host',
  });
  // Log lines are formatted and redacted as in production, then dropped.
  // Host funding (the commit path with its hold and capture); a balance that no run of the benchmark exhausts
  // (the default Rs 100,000 paid 250 of its pays and refused the rest as FUNDING_REFUSED).
  const proxy = createProxy({ config, log: createLogger([TOKEN], () => undefined), hostFunding: createSandboxWallet({ balancePaisa: 1e14 }).hooks });
  await proxy.store.ready();
  return listen(proxy.fetch);
}

let urls: Record<string, string | null>;
if (role === 'sandbox') {
  // The ledger allows one unresolved payment per account: commits in flight together need distinct accounts.
  const template = DISHHOME_CUSTOMERS[0]!;
  for (let i = 0; i < ACCOUNTS; i++) {
    DISHHOME_CUSTOMERS.push({ ...template, customer_id: String(8_100_000_000 + i), case: 'bench account' });
  }
  urls = { sandbox: await listen(createSandbox({ tokens: [TOKEN], creditsPaisa: 1e14 }).fetch) };
} else if (role === 'passthrough') {
  urls = { passthrough: await startPassthrough(new URL(upstream), TOKEN) };
} else if (role === 'proxy') {
  urls = {
    sqlite: await proxyOn(`sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-')), 'ledger.sqlite')}`),
    postgres: process.env.BENCH_POSTGRES_URL ? await proxyOn(process.env.BENCH_POSTGRES_URL) : null,
  };
} else {
  throw new Error(`usage: bench-servers.ts sandbox | passthrough <sandbox url> | proxy <sandbox url> (not ${role})`);
}
process.stdout.write(`${JSON.stringify(urls)}\n`);

const inspector = process.env.BENCH_PROFILE ? new Session() : null;
inspector?.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => inspector!.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
let profiling = '';
createInterface({ input: process.stdin }).on('line', async (line) => {
  const [verb, name = ''] = line.split(' ');
  if (inspector && verb === 'profile') {
    profiling = name;
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 100 });
    await post('Profiler.start');
  } else if (inspector && verb === 'stop' && profiling) {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    mkdirSync(process.env.BENCH_PROFILE!, { recursive: true });
    writeFileSync(join(process.env.BENCH_PROFILE!, `${profiling}-${role}.cpuprofile`), JSON.stringify(profile));
    profiling = '';
  }
  process.stdout.write('done\n');
});
// With --cpu-prof the profile is written on a normal exit: SIGTERM ends the process through process.exit.
process.on('SIGTERM', () => process.exit(0));
