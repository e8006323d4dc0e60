/**
 * The proxy's middleware over real HTTP: the same headers, CORS answers and request ids as before it used
 * Hono's own middleware, and nothing more (hono/secure-headers sets more by default).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from './harness.js';

const SHOP = 'https://shop.example.com';
let s: Stack;
before(async () => {
  s = await startStack({ ALLOWED_ORIGINS: SHOP });
});
after(() => s.close());

describe('middleware', () => {
  it('sets the security headers of today, and only those, on answers and refusals', async () => {
    for (const answer of [await s.call('GET', '/api/nea/counters'), await s.call('GET', '/api/nowhere')]) {
      const h = answer.headers;
      assert.deepEqual(
        ['cache-control', 'x-content-type-options', 'referrer-policy', 'cross-origin-resource-policy'].map((name) => h.get(name)),
        ['no-store', 'nosniff', 'no-referrer', 'same-site'],
      );
      for (const name of ['strict-transport-security', 'x-frame-options', 'cross-origin-opener-policy', 'origin-agent-cluster', 'x-xss-protection', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies']) {
        assert.equal(h.get(name), null, name);
      }
    }
  });

  it('answers a listed origin with CORS headers, on refusals too', async () => {
    const missing = await s.call('GET', '/api/nowhere', undefined, { origin: SHOP });
    assert.deepEqual([missing.status, missing.json.error_code], [404, 'NOT_FOUND']);
    assert.equal(missing.headers.get('access-control-allow-origin'), SHOP);
    assert.deepEqual(missing.headers.get('access-control-expose-headers')?.split(/,\s*/).sort(), ['idempotent-replayed', 'retry-after', 'x-request-id']);
    assert.match(missing.headers.get('vary') ?? '', /Origin/);
    const preflight = await fetch(`${s.url}/api/nea/pay`, { method: 'OPTIONS', headers: { origin: SHOP, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), SHOP);
    assert.deepEqual(preflight.headers.get('access-control-allow-methods')?.split(/,\s*/), ['GET', 'POST']);
    assert.deepEqual(preflight.headers.get('access-control-allow-headers')?.split(/,\s*/), ['authorization', 'content-type', 'idempotency-key']);
    assert.equal(preflight.headers.get('access-control-max-age'), '600');
  });

  it('refuses any other origin with 403 FORBIDDEN_ORIGIN, preflights included', async () => {
    const preflight = await fetch(`${s.url}/api/nea/pay`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    const body = (await preflight.json()) as { error_code: string };
    assert.deepEqual([preflight.status, body.error_code], [403, 'FORBIDDEN_ORIGIN']);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.match(preflight.headers.get('vary') ?? '', /Origin/);
    const probe = await s.call('GET', '/healthz', undefined, { origin: 'https://evil.example' });
    assert.equal(probe.status, 200, 'the probes come before CORS');
  });

  it('logs one request line per request with its status: answers, preflights and every refusal of the checks', async () => {
    const limited = await startStack({ ALLOWED_ORIGINS: SHOP, RATE_LIMIT_PER_MINUTE: '1' });
    try {
      const requestLines = () => limited.logs.map((l) => JSON.parse(l) as { event: string; method: string; path: string; status: number }).filter((l) => l.event === 'request');
      const first = await limited.call('GET', '/api/nowhere', undefined, { origin: SHOP });
      const forbidden = await limited.call('GET', '/api/nowhere', undefined, { origin: 'https://evil.example' });
      const preflight = await fetch(`${limited.url}/api/nea/pay`, { method: 'OPTIONS', headers: { origin: SHOP, 'access-control-request-method': 'POST' } });
      await preflight.arrayBuffer();
      // The limit is 1 a minute: this one is refused, whichever minute the first fell in, or counted in a new one.
      const third = await limited.call('GET', '/api/nowhere');
      const fourth = await limited.call('GET', '/api/nowhere');
      assert.deepEqual([first.status, forbidden.status, preflight.status], [404, 403, 204]);
      assert.ok([third.status, fourth.status].includes(429), `${third.status} ${fourth.status}`);
      assert.deepEqual(
        requestLines().map((l) => [l.method, l.path, l.status]),
        [
          ['GET', '/api/nowhere', 404],
          ['GET', '/api/nowhere', 403],
          ['OPTIONS', '/api/nea/pay', 204],
          ['GET', '/api/nowhere', third.status],
          ['GET', '/api/nowhere', fourth.status],
        ],
      );
      assert.equal(limited.proxy.inFlight, 0, 'every request counted in flight was counted out');
    } finally {
      await limited.close();
    }
  });

  it('keeps a well-formed request id (8-128 of letters, digits . _ : -) and replaces any other', async () => {
    const idOf = async (given: string) => (await s.call('GET', '/api/nea/counters', undefined, { 'x-request-id': given })).headers.get('x-request-id');
    assert.equal(await idOf('lb.edge:0001-x_y'), 'lb.edge:0001-x_y');
    for (const refused of ['short', 'has space in it', 'x'.repeat(129), 'semi;colon-id']) {
      assert.match((await idOf(refused)) ?? '', /^[0-9a-f-]{36}$/, refused);
    }
  });
});
