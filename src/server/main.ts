#!/usr/bin/env node
/**
 * `bill-pay-proxy [--demo DIR]`: starts the proxy from the environment (see README); with --demo, also
 * serves the built demo page from DIR.
 */
import { ConfigError, loadConfig, type ProxyConfig } from './config.js';
import { redact } from './log.js';
import { MissingPeerError, missingPeer, PROXY_PEERS } from './peer.js';

const demoIndex = process.argv.indexOf('--demo');
const staticRoot = demoIndex >= 0 ? (process.argv[demoIndex + 1] ?? 'dist/demo') : undefined;
const hostname = process.env.HOST || '127.0.0.1';

// The demo on the embedded sandbox offers a sandbox balance (host funding, first: the customer's default) and
// the embedded Khalti and eSewa sandboxes, unless FUNDING says otherwise.
const demoFunding = staticRoot && !process.env.AGGREGATOR_BASE_URL && !process.env.FUNDING ? { FUNDING: 'host,khalti,esewa' } : {};

let config: ProxyConfig;
try {
  config = loadConfig({ ...process.env, ...demoFunding });
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

try {
  const { startServer } = await import('./serve.js').catch(missingPeer(PROXY_PEERS, 'the proxy'));
  const portal = staticRoot ? { accessTtlSeconds: Number(process.env.PORTAL_ACCESS_TTL_SECONDS) || 60 } : undefined;
  const server = await startServer({ config, staticRoot, portal, hostname });
  const mode = config.aggregatorBaseUrl ? `aggregator ${config.aggregatorBaseUrl}` : 'embedded sandbox aggregator (/sandbox)';
  process.stdout.write(`bill-pay proxy listening on ${server.url} (${mode})${staticRoot ? `, demo at ${server.url}/ and ${server.url}/portal.html` : ''}\n`);
  // SIGTERM drains: no new requests, the ones in flight (commits) finish and are recorded, then exit 0.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  // An operator reads this: one line that says what to fix, no stack trace.
  process.stderr.write(`bill-pay-proxy: cannot start: ${startupFailure(error, config)}\n`);
  process.exit(1);
}

function startupFailure(error: unknown, config: ProxyConfig): string {
  const e = error as NodeJS.ErrnoException & { errors?: Error[] };
  const message = oneLine(e?.message || e?.errors?.map((inner) => inner.message).join('; ') || e?.code || String(error));
  const database = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : withoutPassword(config.databaseUrl);
  let text: string;
  if (error instanceof MissingPeerError) text = error.message;
  else if (e?.code === 'EADDRINUSE') text = `port ${config.port} on ${hostname} is already in use (set PORT to a free port)`;
  else if (e?.syscall === 'listen') text = `cannot listen on ${hostname}:${config.port}: ${message}`;
  else if (e?.syscall === 'mkdir' || e?.syscall === 'open' || e?.code === 'SQLITE_CANTOPEN') {
    text = `the ledger ${database} cannot be created or written (check DATA_DIR or DATABASE_URL): ${message}`;
  } else if (!config.databaseUrl.startsWith('sqlite:')) text = `the database ${database} is unreachable or unusable: ${message}`;
  else text = message;
  return String(redact(text, [config.aggregatorToken]));
}

function oneLine(text: string) {
  return text.replace(/\s+/g, ' ').trim();
}

function withoutPassword(url: string) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
