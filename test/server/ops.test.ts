/** Operations: health probes, request ids and log levels, start-up failures and the SIGTERM drain. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { createProxy } from '../../src/server/proxy.js';
import { createServerApp } from '../../src/server/serve.js';
import { listen, startStack, tempPostgres } from './harness.js';

const quiet = () => {};
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('health probes', () => {
  it('/healthz says alive and /readyz says ready, over HTTP', async () => {
    const s = await startStack();
    try {
      const health = await s.call('GET', '/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(health.json, { status: 'ok' });
      const ready = await s.call('GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.json, { status: 'ok', checks: { database: 'ok', aggregator: 'ok' } });
    } finally {
      await s.close();
    }
  });

  it('/readyz answers 503 naming the database when the ledger is closed', async () => {
    const s = await startStack();
    try {
      await s.proxy.store.close();
      const ready = await s.call('GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: 'unavailable', checks: { database: 'unavailable', aggregator: 'ok' }, failed: ['database'] });
      assert.equal((await s.call('GET', '/healthz')).status, 200, 'alive all the same');
    } finally {
      await s.close();
    }
  });

  it('/readyz answers 503 for an unreachable PostgreSQL, with no URL or credentials in the answer', async () => {
    const proxy = createProxy({
      config: loadConfig({ DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/x', RECONCILE_INTERVAL_MS: '0' }),
      log: quiet,
    });
    try {
      const ready = await proxy.fetch(new Request('http://proxy.test/readyz'));
      assert.equal(ready.status, 503);
      const text = await ready.text();
      assert.deepEqual(JSON.parse(text).failed, ['database']);
      for (const secret of ['nobody', 'hunter2', '127.0.0.1', 'postgres']) assert.ok(!text.includes(secret), secret);
    } finally {
      await proxy.close();
    }
  });

  it('/readyz is ready on a migrated PostgreSQL', async (t) => {
    const pg = await tempPostgres();
    if ('skip' in pg) return t.skip(pg.skip);
    const proxy = createProxy({ config: loadConfig({ DATABASE_URL: pg.url, RECONCILE_INTERVAL_MS: '0' }), log: quiet });
    try {
      await proxy.store.ready();
      assert.equal((await proxy.fetch(new Request('http://proxy.test/readyz'))).status, 200);
    } finally {
      await proxy.close();
      await pg.drop();
    }
  });

  it('the standalone server answers the probes at its root', async () => {
    const { root, proxy } = createServerApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }), log: quiet });
    const server = await listen(root.fetch);
    try {
      assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' });
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    } finally {
      await server.close();
      await proxy.close();
    }
  });
});

describe('the embedded sandbox in the standalone server', () => {
  it('answers its control routes to loopback clients only, unless SANDBOX_CONTROL=1', async () => {
    const closed = createServerApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }), log: quiet });
    const opened = createServerApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:', SANDBOX_CONTROL: '1' }), log: quiet });
    const server = await listen(closed.root.fetch);
    try {
      const reset = () => new Request('http://shop.test/sandbox/_sandbox/reset', { method: 'POST' });
      assert.equal((await closed.root.fetch(reset(), from('203.0.113.9'))).status, 403);
      assert.equal((await opened.root.fetch(reset(), from('203.0.113.9'))).status, 200);
      assert.equal((await fetch(`${server.url}/sandbox/_sandbox/reset`, { method: 'POST' })).status, 200, 'real HTTP from 127.0.0.1');
    } finally {
      await server.close();
      await closed.proxy.close();
      await opened.proxy.close();
    }
  });
});


