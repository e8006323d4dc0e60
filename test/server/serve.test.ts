/** The standalone server (`npm start`, `bill-pay-proxy`): its own origin when PUBLIC_ORIGIN is unset. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { startServer } from '../../src/server/serve.js';
import { httpRequest } from './harness.js';

const env = { DATABASE_URL: 'sqlite::memory:', PORT: '0', RECONCILE_INTERVAL_MS: '0' };

describe('standalone server origins', () => {
  it('without PUBLIC_ORIGIN, treats its own listen URL (and localhost) as same-origin, and nothing else', async () => {
    const server = await startServer({ config: loadConfig(env), log: () => {} });
    try {
      const own = await httpRequest(`${server.url}/api/nea/counters`, { headers: { origin: server.url } });
      assert.equal(own.status, 200);
      const localhost = await httpRequest(`${server.url}/api/nea/counters`, { headers: { origin: `http://localhost:${server.port}` } });
      assert.equal(localhost.status, 200);
      const forged = await httpRequest(`${server.url}/api/nea/counters`, { headers: { host: 'evil.example', origin: 'http://evil.example' } });
      assert.deepEqual([forged.status, forged.json.error_code], [403, 'FORBIDDEN_ORIGIN']);
    } finally {
      await server.close();
    }
  });

  it('with PUBLIC_ORIGIN, takes only the configured origins', async () => {
    const server = await startServer({ config: loadConfig({ ...env, PUBLIC_ORIGIN: 'https://pay.merchant.example' }), log: () => {} });
    try {
      assert.equal((await httpRequest(`${server.url}/api/nea/counters`, { headers: { origin: 'https://pay.merchant.example' } })).status, 200);
      assert.equal((await httpRequest(`${server.url}/api/nea/counters`, { headers: { origin: server.url } })).status, 403);
    } finally {
      await server.close();
    }
  });
});
