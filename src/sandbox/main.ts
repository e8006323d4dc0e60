#!/usr/bin/env node
/** `bill-pay-sandbox`: the sandbox aggregator on its own port (SANDBOX_PORT, default 8090). */
import { serve } from '@hono/node-server';
import { createSandbox } from './sandbox.js';

const port = Number(process.env.SANDBOX_PORT ?? 8090);
const tokens = process.env.SANDBOX_TOKENS?.split(',').filter(Boolean);
const sandbox = createSandbox({ tokens });
serve({ fetch: sandbox.fetch, port, hostname: process.env.HOST || '127.0.0.1' }, (info) => {
  process.stdout.write(`sandbox aggregator listening on http://127.0.0.1:${info.port}\n`);
});
