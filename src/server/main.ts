#!/usr/bin/env node
/**
 * `bill-pay-proxy [--demo DIR]`: starts the proxy from the environment (see README); with --demo, also
 * serves the built demo page from DIR.
 */
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './serve.js';

const demoIndex = process.argv.indexOf('--demo');
const staticRoot = demoIndex >= 0 ? (process.argv[demoIndex + 1] ?? 'dist/demo') : undefined;

try {
  const config = loadConfig();
  const portal = staticRoot ? { accessTtlSeconds: Number(process.env.PORTAL_ACCESS_TTL_SECONDS) || 60 } : undefined;
  const server = await startServer({ config, staticRoot, portal, hostname: process.env.HOST || '127.0.0.1' });
  const mode = config.aggregatorBaseUrl ? `aggregator ${config.aggregatorBaseUrl}` : 'embedded sandbox aggregator (/sandbox)';
  process.stdout.write(`bill-pay proxy listening on ${server.url} (${mode})${staticRoot ? `, demo at ${server.url}/ and ${server.url}/portal.html` : ''}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
