#!/usr/bin/env node
/**
 * `bill-pay-settle <reference> success|failed --note "..." [--by <operator>]`: an operator settles an unresolved payment
 * (pending or unknown: a Dish Home recharge whose answer was lost, which no status lookup can find) from
 * the aggregator's own records. The ledger named by DATABASE_URL (or DATA_DIR) records when, by what and
 * why; status and history show it. A final payment is never changed. Prints the settled payment as JSON.
 */
import { ConfigError, loadConfig } from './config.js';
import { SettleError } from './payments.js';
import { createEmbeddedProxy } from './embedded.js';

const USAGE = 'Usage: bill-pay-settle <reference> success|failed --note "why (what the aggregator\'s records show)" [--by <operator>]';

function parse(argv: string[]): { reference: string; state: 'success' | 'failed'; note: string; by: string } {
  const positional: string[] = [];
  let note: string | undefined;
  let operator: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--note') note = argv[++i];
    else if (arg.startsWith('--note=')) note = arg.slice('--note='.length);
    else if (arg === '--by') operator = argv[++i];
    else if (arg.startsWith('--by=')) operator = arg.slice('--by='.length);
    else positional.push(arg);
  }
  const [reference, state] = positional;
  if (positional.length !== 2 || !reference || (state !== 'success' && state !== 'failed')) throw new SettleError(USAGE);
  if (!note?.trim()) throw new SettleError(`Say why with --note "..."\n${USAGE}`);
  if (operator !== undefined && !/^[\w.@ -]{1,60}$/.test(operator)) throw new SettleError(`--by names the operator (letters, digits, . @ - _ and spaces)\n${USAGE}`);
  return { reference, state, note, by: operator ? `bill-pay-settle (${operator.trim()})` : 'bill-pay-settle' };
}

try {
  const { reference, state, note, by } = parse(process.argv.slice(2));
  const config = loadConfig();
  // Settling asks nothing of the aggregator: the embedded sandbox stands in when none is configured.
  const proxy = createEmbeddedProxy({ config: { ...config, reconcileIntervalMs: 0 }, log: () => undefined });
  try {
    await proxy.store.ready();
    const payment = await proxy.payments.settle(reference, state, note, by);
    process.stdout.write(
      `${JSON.stringify({ reference: payment.reference, state: payment.state, settled_by: payment.settledBy, settled_at: new Date(payment.settledAt!).toISOString(), note: payment.note })}\n`,
    );
  } finally {
    await proxy.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof SettleError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  throw error;
}
