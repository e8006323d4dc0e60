/**
 * The README's mounting recipes (Hono, Express, node:http) keep per-client rate limits: two clients with
 * distinct addresses (bound to 127.0.0.2 / 127.0.0.3, all loopback on Linux, or named in X-Forwarded-For
 * by a trusted local hop) each get their own bucket, and an untrusted X-Forwarded-For buys nothing.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { Hono } from 'hono';
import { loadConfig } from '../../src/server/config.js';
import { nodeHandler } from '../../src/server/node-adapter.js';
import { createEmbeddedProxy } from '../../src/server/embedded.js';
import type { Proxy } from '../../src/server/proxy.js';
import { httpRequest, listen } from './harness.js';

// Rate-limit windows are clock minutes: a fixed clock keeps every request of a test in one window.
const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);

function nodeServer(listener: http.RequestListener) {
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = http.createServer(listener);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}

const recipes: Record<string, (proxy: Proxy) => Promise<{ url: string; close: () => Promise<void> }>> = {
  // A host Hono app on @hono/node-server: c.env carries the socket to the proxy.
  hono: (proxy) => {
    const app = new Hono();
    app.all('/api/*', (c) => proxy.fetch(c.req.raw, c.env));
    return listen(app.fetch);
  },
  express: (proxy) => {
    const app = express();
    app.use('/api', nodeHandler(proxy));
    return nodeServer(app);
  },
  'node:http': (proxy) => nodeServer(nodeHandler(proxy)),
};

for (const [name, mount] of Object.entries(recipes)) {
  describe(`mounted with ${name}`, () => {
    async function start(env: Record<string, string> = {}) {
      const proxy = createEmbeddedProxy({
        config: loadConfig({ DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0', RATE_LIMIT_PER_MINUTE: '2', ...env }),
        log: () => {},
        now: () => NOW,
      });
      const server = await mount(proxy);
      const ask = async (localAddress: string, forwardedFor?: string) =>
        (
          await httpRequest(`${server.url}/api/payments/none`, {
            localAddress,
            headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
          })
        ).status;
      return {
        ask,
        async close() {
          await server.close();
          await proxy.close();
        },
      };
    }

    it('counts each client by its socket address; X-Forwarded-For is ignored by default', async () => {
      const s = await start();
      try {
        const a = [await s.ask('127.0.0.2'), await s.ask('127.0.0.2'), await s.ask('127.0.0.2')];
        assert.deepEqual(a, [404, 404, 429], 'client A is limited');
        assert.equal(await s.ask('127.0.0.2', '198.51.100.9'), 429, 'a made-up X-Forwarded-For buys no new bucket');
        assert.equal(await s.ask('127.0.0.3'), 404, 'client B is not locked out by A');
      } finally {
        await s.close();
      }
    });

    it('behind a trusted local hop (TRUST_PROXY=127.0.0.1), counts the client it names, and only it', async () => {
      const s = await start({ TRUST_PROXY: '127.0.0.1' });
      try {
        const a = [await s.ask('127.0.0.1', '198.51.100.1'), await s.ask('127.0.0.1', '6.6.6.6, 198.51.100.1'), await s.ask('127.0.0.1', '198.51.100.1')];
        assert.deepEqual(a, [404, 404, 429], 'client A behind the proxy is limited, whatever it prepends');
        assert.equal(await s.ask('127.0.0.1', '198.51.100.2'), 404, 'client B behind the same proxy is not');
        const direct = [await s.ask('127.0.0.2', '198.51.100.3'), await s.ask('127.0.0.2', '198.51.100.4'), await s.ask('127.0.0.2', '198.51.100.5')];
        assert.deepEqual(direct, [404, 404, 429], 'an untrusted peer is counted by its own address, whatever it forwards');
      } finally {
        await s.close();
      }
    });
  });
}
