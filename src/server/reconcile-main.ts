#!/usr/bin/env node
/**
 * `bill-pay-reconcile [--all]`: one reconciler pass over the ledger named by DATABASE_URL, against the
 * aggregator named by AGGREGATOR_BASE_URL / AGGREGATOR_TOKEN. Asks the status lookup about every open
 * payment that is due (with --all: every open payment, due or not) and never sends a commit.
 * Prints the pass's report as JSON. For cron, or for a proxy run with RECONCILE_INTERVAL_MS=0.
 */
import { ConfigError, loadConfig } from './config.js';
import { createEmbeddedProxy } from './embedded.js';

try {
  const config = loadConfig();
  if (!config.aggregatorBaseUrl) {
    process.stderr.write('Set AGGREGATOR_BASE_URL and AGGREGATOR_TOKEN: the embedded sandbox keeps no record between runs.\n');
    process.exit(2);
  }
  // The embedded gateway sandboxes (test tokens, no gateway settings) keep no record between runs either:
  // a funding of a method this process cannot reach is left for the proxy's own reconciler.
  const proxy = createEmbeddedProxy({ config: { ...config, reconcileIntervalMs: 0 } });
  await proxy.store.ready();
  const report = await proxy.payments.reconcile({ all: process.argv.includes('--all'), limit: 1000 });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await proxy.close();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
