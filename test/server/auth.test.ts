/** Host authentication (bearer JWTs), and the signed-in consumer's payment history and receipts. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { jwtVerifier } from '../../src/server/auth.js';
import { loadConfig } from '../../src/server/config.js';
import { createEmbeddedProxy } from '../../src/server/embedded.js';
import { SEED, assertNoLeaks, bhaktapur, listen, ratnapark, startStack, transcript, type Stack } from './harness.js';

const SECRET = 'portal-access-token-secret-0123456789';
const sign = (sub: string, expiresIn: string | number = '5m', secret = SECRET) =>
  new SignJWT({ role: 'consumer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A POST whose body is sent in two chunks with `Transfer-Encoding: chunked` and no Content-Length. */
async function chunked(base: string, path: string, body: unknown, headers: Record<string, string>) {
  const text = JSON.stringify(body);
  const half = Math.floor(text.length / 2);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(text.slice(0, half)));
      controller.enqueue(encoder.encode(text.slice(half)));
      controller.close();
    },
  });
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  const answer = await response.text();
  transcript.push(answer);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, json: JSON.parse(answer) as any };
}

let keys = 0;
const key = () => `auth-key-${++keys}-${Date.now()}`;

describe('host authentication with a shared secret', () => {
  let s: Stack;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  before(async () => {
    s = await startStack({ AUTH_JWT_SECRET: SECRET });
    alice = bearer(await sign('consumer-alice'));
    bob = bearer(await sign('consumer-bob'));
  });
  after(() => s.close());
  beforeEach(() => s.sandbox.reset());

  it('refuses requests without a valid token before anything reaches the aggregator', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing'],
      [{ authorization: 'Basic abc' }, 'missing'],
      [bearer(await sign('consumer-alice', Math.floor(Date.now() / 1000) - 60)), 'expired'],
      [bearer(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('consumer-alice').setIssuedAt().sign(new TextEncoder().encode(SECRET))), 'invalid'],
      [bearer(await sign('consumer-alice', '5m', 'another-secret-of-enough-length-000000')), 'invalid'],
      [bearer('not.a.jwt'), 'invalid'],
    ];
    for (const [headers, reason] of cases) {
      const { status, json } = await s.call('POST', '/api/nea/lookup', SEED, headers);
      assert.deepEqual([status, json.error_code, json.details?.reason], [401, 'AUTH_REQUIRED', reason]);
    }
    assert.equal(s.sandbox.state.calls.length, 0);
  });

  it('serves a signed-in user, and lets the aggregator call back and browsers preflight without a token', async () => {
    assert.equal((await s.call('POST', '/api/nea/lookup', SEED, alice)).status, 200);
    assert.equal((await s.call('POST', '/api/callbacks/delivery-report', { reference: 'abc' })).status, 200);
    // The payment methods offered are the merchant's public terms: the widget asks for them without a token.
    const funding = await s.call('GET', '/api/funding');
    assert.deepEqual([funding.status, funding.json.data.response], [200, { methods: ['host'] }]);
    assert.equal((await s.call('GET', '/api/funding/x')).status, 401);
    const preflight = await fetch(`${s.url}/api/nea/pay`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
  });

  it("keeps each user's quotes and payments to that user", async () => {
    const q = (await s.call('POST', '/api/nea/lookup', SEED, alice)).json.data.response;
    const stolen = await s.call('POST', '/api/nea/pay', { quote_id: q.quote_id, amount_paisa: 45000 }, { ...bob, 'idempotency-key': key() });
    assert.equal(stolen.json.error_code, 'QUOTE_NOT_FOUND');
    const paid = await s.call('POST', '/api/nea/pay', { quote_id: q.quote_id, amount_paisa: 45000 }, { ...alice, 'idempotency-key': key() });
    const reference = paid.json.data.response.reference;
    assert.equal((await s.call('GET', `/api/payments/${reference}`, undefined, alice)).status, 200);
    assert.equal((await s.call('GET', `/api/payments/${reference}`, undefined, bob)).json.error_code, 'NOT_FOUND');
    assert.equal((await s.proxy.store.paymentByReference(reference))!.subject, 'consumer-alice');
  });

  it("lists the user's payments as the portal's paginated list, with search and a status filter", async () => {
    const user = bearer(await sign(`consumer-${Date.now()}`));
    const pay = async (customer: object, amount: number) => {
      const q = (await s.call('POST', '/api/nea/lookup', customer, user)).json.data.response;
      return (await s.call('POST', '/api/nea/pay', { quote_id: q.quote_id, amount_paisa: amount }, { ...user, 'idempotency-key': key() })).json.data
        .response.reference as string;
    };
    const paid = await pay(SEED, 45000);
    const refused = await pay(ratnapark('905'), 30000);
    const pending = await pay(ratnapark('902'), 30000);
    const history = (body: object) => s.call('POST', '/api/payments/history', body, user);

    const page1 = await history({ page_size: 2, page_no: 1 });
    assert.equal(page1.json.data.success_message, 'Data fetched successfully.');
    assert.equal(page1.json.data.response.total, 3);
    assert.deepEqual(page1.json.data.response.records.map((r: { reference: string }) => r.reference), [pending, refused]);
    assert.deepEqual(page1.json.data.response.records[0], {
      ...page1.json.data.response.records[0],
      service: 'nea',
      customer_name: 'Hanging Commit',
      status: 'pending',
      bill_paid: false,
      payment_mode: 'online',
      bill_amount_paisa: 30000,
    });
    const page2 = await history({ page_size: 2, page_no: 2 });
    assert.deepEqual(page2.json.data.response.records.map((r: { reference: string }) => r.reference), [paid]);
    const successes = await history({ page_size: 10, page_no: 1, filter_parameters: { status: ['success'] } });
    assert.deepEqual([successes.json.data.response.total, successes.json.data.response.records[0].bill_paid], [1, true]);
    const searched = await history({ page_size: 10, page_no: 1, search_query: 'michael' });
    assert.deepEqual(searched.json.data.response.records.map((r: { reference: string }) => r.reference), [paid]);
    const others = await s.call('POST', '/api/payments/history', { page_size: 10, page_no: 1 }, bob);
    assert.equal(others.json.data.response.records.every((r: { reference: string }) => ![paid, refused, pending].includes(r.reference)), true);
    const invalid = await history({ page_size: 0, page_no: 1 });
    assert.equal(invalid.json.error_code, 'VALIDATION');

    const receipt = await s.call('GET', `/api/payments/${paid}/receipt`, undefined, user);
    assert.deepEqual(
      [receipt.json.data.response.bill_id, receipt.json.data.response.bill_amount_paisa, receipt.json.data.response.payment_mode, receipt.json.data.response.customer_name],
      [paid, 45000, 'online', 'Michael Jackson'],
    );
    assert.equal((await s.call('GET', `/api/payments/${refused}/receipt`, undefined, user)).json.error_code, 'NOT_FOUND');
    assert.equal((await s.call('GET', `/api/payments/${paid}/receipt`, undefined, bob)).json.error_code, 'NOT_FOUND');
  });

  it('keeps the signed-in user with a chunked body (no Content-Length): lookup, pay, history, receipt', async () => {
    const user = bearer(await sign('consumer-chunked'));
    const q = await chunked(s.url, '/api/nea/lookup', bhaktapur('555'), user);
    assert.equal(q.status, 200);
    const quote = q.json.data.response;
    const stolen = await chunked(s.url, '/api/nea/pay', { quote_id: quote.quote_id, amount_paisa: 125000 }, { ...bob, 'idempotency-key': key() });
    assert.deepEqual([stolen.status, stolen.json.error_code], [404, 'QUOTE_NOT_FOUND']);
    const paid = await chunked(s.url, '/api/nea/pay', { quote_id: quote.quote_id, amount_paisa: 125000 }, { ...user, 'idempotency-key': key() });
    assert.equal(paid.status, 200);
    const reference = paid.json.data.response.reference as string;
    assert.equal((await s.proxy.store.paymentByReference(reference))!.subject, 'consumer-chunked');
    const history = await chunked(s.url, '/api/payments/history', { page_size: 10, page_no: 1 }, user);
    assert.equal(history.status, 200);
    assert.deepEqual(history.json.data.response.records.map((r: { reference: string }) => r.reference), [reference]);
    assert.equal((await s.call('GET', `/api/payments/${reference}/receipt`, undefined, user)).status, 200);
    const othersHistory = await chunked(s.url, '/api/payments/history', { page_size: 10, page_no: 1 }, bob);
    assert.equal(othersHistory.json.data.response.records.some((r: { reference: string }) => r.reference === reference), false);
  });

  it('leaks nothing', () => assertNoLeaks());
});

describe('host authentication with the issuer JWKS', () => {
  let s: Stack;
  let jwks: { url: string; close: () => Promise<void> };
  let privateKey: CryptoKey;
  before(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'portal-1', alg: 'RS256', use: 'sig' };
    jwks = await listen(() => Response.json({ keys: [jwk] }));
    s = await startStack({ AUTH_JWKS_URL: `${jwks.url}/.well-known/jwks.json`, AUTH_ISSUER: 'electrosoft', AUTH_AUDIENCE: 'bill-pay' });
  });
  after(async () => {
    await s.close();
    await jwks.close();
  });

  const token = (audience: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'portal-1' })
      .setSubject('consumer-carol')
      .setIssuer('electrosoft')
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(privateKey);

  it('accepts the issuer\'s tokens for this audience and refuses others', async () => {
    assert.equal((await s.call('POST', '/api/nea/lookup', bhaktapur('555'), bearer(await token('bill-pay')))).status, 200);
    const wrong = await s.call('POST', '/api/nea/lookup', bhaktapur('555'), bearer(await token('someone-else')));
    assert.deepEqual([wrong.status, wrong.json.details.reason], [401, 'invalid']);
  });
});

describe('token lifetime: exp required, a maximum age from iat, 30 s clock tolerance', () => {
  // Fixed times: the verifier's clock is injected, nothing depends on when the test runs.
  const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
  const at = (offsetSeconds: number) => Math.floor(NOW / 1000) + offsetSeconds;
  const token = (claims: { iat?: number; exp?: number }) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('consumer-clock');
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(new TextEncoder().encode(SECRET));
  };
  const verify = async (jwt: string, maxTokenAgeSeconds: number | null = 24 * 3600) => {
    const authorize = jwtVerifier({ secret: SECRET, maxTokenAgeSeconds, now: () => NOW });
    const result = await authorize(new Request('http://proxy.test/api/nea/lookup', { headers: bearer(jwt) }));
    return 'refused' in result ? result.refused : result.subject;
  };

  it('refuses a token without exp', async () => {
    assert.equal(await verify(await token({ iat: at(-60) })), 'invalid');
    assert.equal(await verify(await token({ iat: at(-60) }), null), 'invalid', 'also without a maximum age');
  });

  it('accepts a token expired less than 30 s ago, refuses one expired 40 s ago', async () => {
    assert.equal(await verify(await token({ iat: at(-600), exp: at(-20) })), 'consumer-clock');
    assert.equal(await verify(await token({ iat: at(-600), exp: at(-40) })), 'expired');
  });

  it('refuses a token issued longer ago than the maximum age, even if exp is far away', async () => {
    assert.equal(await verify(await token({ iat: at(-25 * 3600), exp: at(3600) })), 'expired');
    assert.equal(await verify(await token({ iat: at(-23 * 3600), exp: at(3600) })), 'consumer-clock');
    assert.equal(await verify(await token({ iat: at(-25 * 3600), exp: at(3600) }), null), 'consumer-clock', 'no maximum age configured');
  });

  it('needs iat when a maximum age is set', async () => {
    assert.equal(await verify(await token({ exp: at(300) })), 'invalid');
    assert.equal(await verify(await token({ exp: at(300) }), null), 'consumer-clock');
  });

  it("uses the proxy's clock and AUTH_MAX_TOKEN_AGE over HTTP", async () => {
    const proxy = createEmbeddedProxy({
      config: loadConfig({ DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0', AUTH_JWT_SECRET: SECRET, AUTH_MAX_TOKEN_AGE: '1h' }),
      log: () => {},
      now: () => NOW,
    });
    const server = await listen(proxy.fetch);
    try {
      const ask = async (jwt: string) => {
        const response = await fetch(`${server.url}/api/payments/history`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(jwt) },
          body: JSON.stringify({ page_size: 10, page_no: 1 }),
        });
        const body = await response.json();
        return [response.status, body.details?.reason];
      };
      assert.deepEqual(await ask(await token({ iat: at(-60) })), [401, 'invalid']);
      assert.deepEqual(await ask(await token({ iat: at(-2 * 3600), exp: at(3600) })), [401, 'expired']);
      assert.deepEqual(await ask(await token({ iat: at(-60), exp: at(-40) })), [401, 'expired']);
      assert.deepEqual(await ask(await token({ iat: at(-60), exp: at(-20) })), [200, undefined]);
    } finally {
      await server.close();
      await proxy.close();
    }
  });
});

describe('history without host authentication', () => {
  let s: Stack;
  before(async () => {
    s = await startStack();
  });
  after(() => s.close());

  it('says it needs host authentication', async () => {
    const { status, json } = await s.call('POST', '/api/payments/history', { page_size: 10, page_no: 1 });
    assert.deepEqual([status, json.error_code], [401, 'AUTH_REQUIRED']);
  });
});
