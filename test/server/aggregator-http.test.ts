/**
 * The aggregator client's own transport (pooled node:http keep-alive requests), over real sockets: one
 * connection serves consecutive calls, a redirect is answered not followed, a refused connection is
 * "unreachable" (nothing sent), a broken one is "network", a silent server is a timeout that closes the
 * socket, and the token never comes back in an answer.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Aggregator } from '../../src/server/aggregator.js';

const TOKEN = 'TEST:transport';

async function upstream(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get connections() {
      return connections;
    },
    sockets,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

const client = (baseUrl: string, timeoutMs = 1_000) => new Aggregator({ baseUrl, token: TOKEN, timeoutMs, log: () => {} });

describe('aggregator transport (node:http, keep-alive)', () => {
  it('sends the token in the body, answers JSON with the token scrubbed, and reuses one connection', async () => {
    const bodies: unknown[] = [];
    const up = await upstream((_req, res, body) => {
      bodies.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: true, echo: JSON.parse(body) }));
    });
    try {
      const aggregator = client(up.url);
      for (let i = 0; i < 5; i++) {
        const result = await aggregator.post('/api/servicegroup/details/nea/', { reference: `r${i}` });
        assert.equal(result.kind, 'answer');
        assert.deepEqual(result.kind === 'answer' && result.body, { status: true, echo: { token: '[redacted]', reference: `r${i}` } });
      }
      assert.deepEqual(bodies[4], { token: TOKEN, reference: 'r4' });
      assert.equal(up.connections, 1, 'five calls, one kept-alive connection');
    } finally {
      await up.close();
    }
  });

  it('never follows a redirect: the 3xx is the answer, with no body', async () => {
    let elsewhere = 0;
    const target = await upstream((_req, res) => {
      elsewhere++;
      res.end('{}');
    });
    const up = await upstream((_req, res) => res.writeHead(307, { location: `${target.url}/api/servicegroup/commit/nea/` }).end('{"status":true}'));
    try {
      const result = await client(up.url).post('/api/servicegroup/commit/nea/', { reference: 'r' });
      assert.deepEqual(result, { kind: 'answer', status: 307, body: undefined });
      assert.equal(elsewhere, 0, 'the body (and token) went nowhere else');
    } finally {
      await Promise.all([up.close(), target.close()]);
    }
  });

  it('a refused connection is unreachable; a connection broken before the answer is network', async () => {
    const closed = await upstream(() => undefined);
    await closed.close();
    assert.deepEqual(await client(closed.url).post('/api/servicegroup/commit/nea/', {}), { kind: 'unreachable' });

    const up = await upstream((req) => req.socket.destroy());
    try {
      assert.deepEqual(await client(up.url).post('/api/servicegroup/commit/nea/', {}), { kind: 'network' });
    } finally {
      await up.close();
    }
  });

  it('a server that never answers is a timeout, and the request is abandoned (its socket closed)', async () => {
    const up = await upstream(() => undefined);
    try {
      assert.deepEqual(await client(up.url, 150).post('/api/servicegroup/commit/nea/', {}), { kind: 'timeout' });
      for (let i = 0; i < 100 && up.sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(up.sockets.size, 0);
    } finally {
      await up.close();
    }
  });
});
