/** The contract's route table (src/contract.ts) against the proxy's router, over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { SERVICES } from '../../src/api.js';
import { EVERY_ROUTE_ERRORS, ROUTES, routePath, routePaths, type Route } from '../../src/contract.js';
import { DOCUMENTATION_ROUTES } from '../../src/server/openapi.js';
import { startStack, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack();
});
after(() => s.close());

const TABLE = Object.entries(ROUTES as Record<string, Route>);
/** A request the route's schema accepts, or near enough to reach its handler. */
const SAMPLE_BODIES: Partial<Record<keyof typeof ROUTES, unknown>> = {
  charge: { quote_id: 'no-such-quote', amount_paisa: 100 },
  pay: { quote_id: 'no-such-quote', amount_paisa: 100 },
  history: { page_size: 5, page_no: 1 },
  deliveryReport: { reference: 'NOSUCHREF1' },
};

describe('the contract and the proxy', () => {
  it('registers exactly the routes of the table, one per service for per-service routes, and the documentation routes', () => {
    const registered = s.proxy.app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${r.path}`);
    const table = TABLE.flatMap(([, route]) => routePaths(route, SERVICES).map((path) => `${route.method} /api${path}`));
    const documentation = DOCUMENTATION_ROUTES.map((r) => `${r.method} /api${r.path}`);
    assert.deepEqual([...new Set(registered)].sort(), [...new Set([...table, ...documentation])].sort());
    assert.equal(new Set(table).size, table.length, 'no route twice in the table');
    assert.ok(!documentation.some((route) => table.includes(route)), 'a documentation route is not also in the table');
  });

  // Not envelope routes: they answer the documentation itself (test/server/openapi.test.ts checks its content).
  for (const route of DOCUMENTATION_ROUTES) {
    it(`answers ${route.method} /api${route.path} with JSON that is not the envelope`, async () => {
      const { status, headers, json } = await s.call(route.method, `/api${route.path}`);
      assert.equal(status, 200);
      assert.match(headers.get('content-type') ?? '', /^application\/json\b/);
      assert.equal(json.is_error, undefined);
      assert.equal(typeof json.openapi, 'string');
    });
  }

  for (const [name, route] of TABLE) {
    for (const service of route.path.includes(':service') ? SERVICES : [route.service]) {
      it(`answers ${route.method} ${route.path}${service ? ` (${service})` : ''} with the envelope and a listed code`, async () => {
        const path = `/api${routePath(route, { service, reference: 'NOSUCHREF1' })}`;
        const body = route.method === 'GET' ? undefined : (SAMPLE_BODIES[name as keyof typeof ROUTES] ?? {});
        const { status, json } = await s.call(route.method, path, body, { 'idempotency-key': 'contract-test-key' });
        assert.ok(status < 500, `${path} -> ${status}`);
        if (json.is_error) {
          assert.notEqual(json.error_message, 'No such route', path);
          assert.ok([...route.errors, ...EVERY_ROUTE_ERRORS].includes(json.error_code), `${path} answered ${json.error_code}`);
        } else if (route.response) {
          assert.ok(z.safeParse(route.response, json.data.response).success, `${path}: the answer fits the table's schema`);
        }
      });
    }
  }

  it('answers NOT_FOUND for a path that is not in the table', async () => {
    for (const [method, path] of [
      ['POST', '/api/gas/lookup'],
      ['GET', '/api/nea/services'],
      ['GET', '/api/nea/lookup'],
      ['POST', '/api/payments/NOSUCHREF1'],
    ] as const) {
      const { status, json } = await s.call(method, path, method === 'POST' ? {} : undefined);
      assert.equal(status, 404, `${method} ${path}`);
      assert.equal(json.error_code, 'NOT_FOUND');
      assert.equal(json.error_message, 'No such route');
    }
  });
});
