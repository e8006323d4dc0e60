/**
 * Fuzzing every proxy route with generated bodies, headers, methods and sizes: never a 5xx, always the
 * envelope with a known error code, and never an upstream call for input the proxy refused.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES, SERVICES } from '../../src/api.js';
import { EVERY_ROUTE_ERRORS, ROUTES, routePaths, type Route } from '../../src/contract.js';
import { loadConfig } from '../../src/server/config.js';
import { createEmbeddedProxy } from '../../src/server/embedded.js';

const proxy = createEmbeddedProxy({
  config: loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: '0', RECONCILE_INTERVAL_MS: '0', ALLOWED_ORIGINS: 'https://shop.example.com' }),
  log: () => {},
});
after(() => proxy.close());
// The call log is a ring of the last 1,000; the count is of every call.
const calls = () => proxy.sandbox!.state.callCount;

/** Refusals that must come before any upstream call. */
const REFUSED_EARLY = new Set([
  'VALIDATION',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'IDEMPOTENCY_KEY_REQUIRED',
  'FORBIDDEN_ORIGIN',
  'NOT_FOUND',
  'QUOTE_NOT_FOUND',
  'RATE_LIMITED',
]);

const nearValid = fc.record(
  {
    office_code: fc.oneof(fc.constant('201:ratnapark-dc'), fc.string(), fc.integer()),
    sc_no: fc.oneof(fc.constant('024.12.512'), fc.string({ maxLength: 40 }), fc.constant('a.b.c'), fc.constant(null)),
    consumer_id: fc.oneof(fc.constant('3042'), fc.string(), fc.double()),
    customer_code: fc.oneof(fc.constant('01-1'), fc.string()),
    service_slug: fc.oneof(fc.constant('khamari-khola-electricity'), fc.string()),
    customer_id: fc.oneof(fc.constant('1111'), fc.string(), fc.bigInt().map(String)),
    quote_id: fc.oneof(fc.uuid(), fc.string(), fc.constant('')),
    amount_paisa: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(-1), fc.constant(1e15)),
    package_id: fc.oneof(fc.integer(), fc.string()),
    reference: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{32}$/)),
    token: fc.string(),
  },
  { requiredKeys: [] },
);

/** The contract's route a request is for, if any (`:reference` is one path segment). */
const TABLE = Object.values(ROUTES as Record<string, Route>).flatMap((route) =>
  routePaths(route, SERVICES).map((path) => ({ route, pattern: new RegExp(`^/api${path.replace(':reference', '[^/]+')}$`) })),
);
const routeFor = (method: string, path: string) => TABLE.find((t) => t.route.method === method && t.pattern.test(path))?.route;

const body = fc.oneof(
  fc.json(),
  fc.string({ maxLength: 200 }),
  nearValid.map((v) => JSON.stringify(v)),
  fc.constant('x'.repeat(40_000)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
  path: fc.oneof(
    // Every route of the contract without a path parameter, for every service of the registry.
    fc.constantFrom(
      ...Object.values(ROUTES)
        .flatMap((route) => routePaths(route, SERVICES))
        .filter((path) => !path.includes(':'))
        .map((path) => `/api${path}`),
    ),
    fc.string({ maxLength: 60 }).map((r) => `/api/payments/${encodeURIComponent(r)}`),
    fc.webPath().map((p) => `/api${p}`),
  ),
  body,
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', '', 'multipart/form-data'),
  key: fc.option(fc.string({ maxLength: 140 }), { nil: undefined }),
  origin: fc.option(fc.constantFrom('https://shop.example.com', 'https://evil.example', 'null'), { nil: undefined }),
});

describe('fuzzing the proxy', () => {
  it('answers every request with the envelope, never a 5xx, never calling upstream on refused input', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.key !== undefined) headers['idempotency-key'] = r.key;
        if (r.origin !== undefined) headers.origin = r.origin;
        const before = calls();
        const response = await proxy.fetch(
          new Request(`http://proxy.test${r.path}`, {
            method: r.method,
            headers,
            body: r.method === 'GET' || r.method === 'OPTIONS' ? undefined : r.body,
          }),
        );
        assert.ok(response.status < 500, `${r.method} ${r.path} -> ${response.status}`);
        if (r.method === 'OPTIONS' && response.status === 204) return;
        const envelope = JSON.parse(await response.text());
        assert.equal(typeof envelope.is_error, 'boolean');
        assert.equal(typeof envelope.error_message, 'string');
        if (envelope.is_error) {
          assert.ok(envelope.error_code in ERROR_CODES, envelope.error_code);
          if (REFUSED_EARLY.has(envelope.error_code)) assert.equal(calls(), before, `${envelope.error_code} called upstream`);
          // A route answers only the codes the contract lists for it.
          const route = routeFor(r.method, new URL(`http://proxy.test${r.path}`).pathname);
          if (route) assert.ok([...route.errors, ...EVERY_ROUTE_ERRORS].includes(envelope.error_code), `${r.method} ${r.path} answered ${envelope.error_code}`);
        }
      }),
      { numRuns: 600 },
    );
  });
});
