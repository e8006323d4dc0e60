/**
 * The servers of the benchmark, in their own process: the sandbox aggregator, a plain node:http
 * passthrough to it (the floor any proxy is measured against), and the merchant proxy on SQLite and,
 * when BENCH_POSTGRES_URL is set, on PostgreSQL. Prints their URLs as one JSON line.
 */
import { createSandboxWallet } from '../src/sandbox/wallet.js';
import { request as httpRequest, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/server/config.js';
import { createLogger } from '../src/server/log.js';
import { createProxy } from '../src/server/proxy.js';
import { createSandbox } from '../src/sandbox/sandbox.js';

const TOKEN = 'TEST:bench';
const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
  new Promise<string>((resolve) => {
    serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
  });

const sandbox = createSandbox({ tokens: [TOKEN], creditsPaisa: 1e14 });
const sandboxUrl = await listen(sandbox.fetch);
const upstream = new URL(sandboxUrl);

const passthrough = createServer((req, res) => {
  const out = httpRequest(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  req.pipe(out);
});
await new Promise<void>((resolve) => passthrough.listen(0, '127.0.0.1', resolve));
const passthroughUrl = `http://127.0.0.1:${(passthrough.address() as AddressInfo).port}`;

async function proxyOn(databaseUrl: string) {
  const config = loadConfig({
    AGGREGATOR_BASE_URL: sandboxUrl,
    AGGREGATOR_TOKEN: TOKEN,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_PER_MINUTE: '0',
    LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
    RECONCILE_INTERVAL_MS: '0',
    FUNDING: 'host',
  });
  // Log lines are formatted and redacted as in production, then dropped.
  const proxy = createProxy({ config, log: createLogger([TOKEN], () => undefined), hostFunding: createSandboxWallet().hooks });
  await proxy.store.ready();
  return listen(proxy.fetch);
}

const urls = {
  sandbox: sandboxUrl,
  passthrough: passthroughUrl,
  sqlite: await proxyOn(`sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-')), 'ledger.sqlite')}`),
  postgres: process.env.BENCH_POSTGRES_URL ? await proxyOn(process.env.BENCH_POSTGRES_URL) : null,
};
process.stdout.write(`${JSON.stringify(urls)}\n`);
