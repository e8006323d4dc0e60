/**
 * The browser's guards (src/internal/guards.generated.ts) against the zod schemas they are generated from:
 * the checked-in module is the generator's output; every guard gives `z.safeParse`'s verdict on the proxy's
 * real answers (an in-process proxy on the embedded sandboxes) and on systematic mutations of them; the
 * client turns an answer a guard refuses into BAD_RESPONSE; and no widget bundle contains zod.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { build, type Rolldown } from 'vite';
import * as z from 'zod/mini';
import * as api from '../src/api.js';
// The first load (flow.ts) provides what the steps' modules take from the kit (internal/kit.ts): before them.
import '../src/internal/flow.js';
import { check } from '../src/internal/checkout.js';
import { RequestError, proxyRequest } from '../src/internal/client.js';
import * as firstGuards from '../src/internal/guards.generated.js';
import * as payGuards from '../src/internal/pay-guards.generated.js';
import { loadConfig } from '../src/server/config.js';
import { createEmbeddedProxy, type EmbeddedProxy } from '../src/server/embedded.js';
import { SERVICE_TAGS } from '../src/services.js';
import { STAGE_FILES, generateGuards, guardedSchemas, type Stage } from '../scripts/guards.js';

type Json = unknown;
const SCHEMAS = guardedSchemas();
/** Both generated modules: the first load's and the lazy checkout's. */
const guards = { ...firstGuards, ...payGuards };
const guardOf = (name: string) => (guards as unknown as Record<string, (v: unknown) => boolean>)[`is${name[0]!.toUpperCase()}${name.slice(1)}`]!;

describe('the generated module', () => {
  it('is what scripts/guards.ts generates from the contract now (`npm run guards`), one module per stage', () => {
    for (const [stage, file] of Object.entries(STAGE_FILES) as [Stage, string][]) assert.equal(readFileSync(file, 'utf8'), generateGuards(guardedSchemas(stage)), stage);
  });

  it('puts the lists\' guards in the first load\'s module and the lookup\'s and pay stage\'s in the lazy one, each once', () => {
    assert.deepEqual(Object.keys(guardedSchemas('first')).sort(), ['countersResponse', 'dreamerServicesResponse', 'envelope']);
    assert.deepEqual(Object.keys(guardedSchemas('checkout')).sort(), ['chargeResponse', 'fundingResponse', 'payment', 'quote', 'referenceDetails']);
    assert.ok(!('isPayment' in firstGuards) && !('isQuote' in firstGuards) && !('isCountersResponse' in payGuards));
  });

  it('has one guard per schema the browser reads: the envelope, each widget route answer, the details reference', () => {
    assert.deepEqual(Object.keys(SCHEMAS).sort(), [
      'chargeResponse',
      'countersResponse',
      'dreamerServicesResponse',
      'envelope',
      'fundingResponse',
      'payment',
      'quote',
      'referenceDetails',
    ]);
    for (const name of Object.keys(SCHEMAS)) assert.equal(typeof guardOf(name), 'function', name);
  });

  it('refuses a schema it cannot check as zod does, naming where it is', () => {
    const cases: [z.ZodMiniType, RegExp][] = [
      [z.object({ a: z.string().check(z.regex(/x/)) }), /probe\.a: a check on a string/],
      [z.strictObject({ a: z.string() }), /probe: a never catchall/],
      [z.object({ a: z.array(z.pipe(z.string(), z.transform((s) => s.length))) }), /probe\.a\[\]: a pipe/],
      [z.object({ n: z.int().check(z.multipleOf(5)) }), /probe\.n: the number check multiple_of/],
    ];
    for (const [schema, message] of cases) assert.throws(() => generateGuards({ probe: schema as never }), message);
  });
});

/** Every answer the proxy gave, as the browser reads it. */
const envelopes: Json[] = [];
let proxy: EmbeddedProxy;
let keys = 0;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await proxy.fetch(
    new Request(`http://proxy.test/api${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const json = (await response.json()) as { is_error: boolean; data: { response: any } | null; error_code?: string };
  envelopes.push(json);
  return json;
}
const pay = (service: string, body: Record<string, unknown>) => call('POST', `/${service}/pay`, body, { 'idempotency-key': `guards-key-${++keys}` });
const RETURN_URL = 'http://shop.test/bills';

describe('the guards agree with zod', () => {
  before(async () => {
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      FUNDING: 'host,khalti,esewa',
      ALLOWED_ORIGINS: 'http://shop.test',
      RATE_LIMIT_PER_MINUTE: '0',
      LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
      RECONCILE_INTERVAL_MS: '0',
      STATUS_RECHECK_MS: '0',
    });
    proxy = createEmbeddedProxy({ config, log: () => {}, now: () => 1_900_000_000_000 });

    await call('GET', '/nea/counters');
    await call('GET', '/dreamer/services');
    await call('GET', '/funding');
    const quotes = {
      neaV1: await call('POST', '/nea/lookup', { office_code: '201:ratnapark-dc', sc_no: '024.12.512', consumer_id: '3042' }),
      neaV2: await call('POST', '/nea/lookup', { office_code: '245:balaju-dc', consumer_no: '1001595737' }),
      neaV2Old: await call('POST', '/nea/lookup', { office_code: '245:balaju-dc', sc_no: '216.29.013A1', consumer_id: '21907' }),
      neaRefused: await call('POST', '/nea/lookup', { office_code: '245:bhaktapur-dc', sc_no: '001.01.222', consumer_id: '222' }),
      neaCharged: await call('POST', '/nea/lookup', { office_code: '245:bhaktapur-dc', sc_no: '001.01.555', consumer_id: '555' }),
      dreamer: await call('POST', '/dreamer/lookup', { service_slug: 'khamari-khola-electricity', customer_code: '01-2' }),
      dishhome: await call('POST', '/dishhome/lookup', { customer_id: '1111' }),
    };
    const q = Object.fromEntries(Object.entries(quotes).map(([k, v]) => [k, v.data!.response])) as Record<keyof typeof quotes, any>;
    await call('POST', '/nea/lookup', { office_code: '201:ratnapark-dc', sc_no: '024.12.700', consumer_id: '700' }); // NO_DUES
    await call('POST', '/nea/lookup', { office_code: '201:ratnapark-dc', sc_no: 'x', consumer_id: '1' }); // VALIDATION

    await call('POST', '/nea/charge', { quote_id: q.neaCharged.quote_id, amount_paisa: q.neaCharged.min_paisa });
    await call('POST', '/nea/charge', { quote_id: q.neaV1.quote_id, amount_paisa: 1 }); // AMOUNT_OUT_OF_RANGE
    const redirect = await pay('nea', { quote_id: q.neaV1.quote_id, amount_paisa: 45000, funding: 'khalti', return_url: RETURN_URL });
    assert.equal(redirect.data!.response.next.kind, 'redirect');
    await pay('nea', { quote_id: q.neaV1.quote_id, amount_paisa: 45000, funding: 'host' }); // QUOTE_ALREADY_PAID, details.reference
    await call('GET', `/payments/${redirect.data!.response.reference}`);
    await call('POST', `/payments/${redirect.data!.response.reference}/resume`, { params: { pidx: 'nope', status: 'Completed' } });
    const form = await pay('nea', { quote_id: q.neaCharged.quote_id, amount_paisa: q.neaCharged.min_paisa, funding: 'esewa', return_url: RETURN_URL });
    assert.equal(form.data!.response.next.kind, 'form');
    const refused = await pay('nea', { quote_id: q.neaRefused.quote_id, amount_paisa: q.neaRefused.min_paisa, funding: 'host' });
    assert.equal(refused.error_code, 'PAYMENT_REJECTED');
    await pay('nea', { quote_id: q.neaV2.quote_id, amount_paisa: q.neaV2.min_paisa, funding: 'host' });
    await pay('dreamer', { quote_id: q.dreamer.quote_id, amount_paisa: q.dreamer.min_paisa, funding: 'host' });
    const dishPackage = q.dishhome.packages[1];
    await pay('dishhome', { quote_id: q.dishhome.quote_id, amount_paisa: dishPackage.price_paisa, package_id: dishPackage.id, funding: 'host' });
    await call('GET', '/payments/NOSUCHREFERENCE');
  });
  after(() => proxy.close());

  /** What each guard is given in the browser: the envelopes, each route's answers, the error envelopes' parts. */
  const samples = () => {
    const ok = envelopes.filter((e: any) => !e.is_error).map((e: any) => e.data.response);
    const errors = envelopes.filter((e: any) => e.is_error);
    const by = (schema: z.ZodMiniType) => ok.filter((r) => z.safeParse(schema, r).success);
    const payments = [...by(api.payment), ...errors.map((e: any) => e.data?.response).filter((r) => r)];
    // A payment settled by hand (bill-pay-settle) carries what the sandbox flow never sets.
    payments.push({ ...payments[0], state: 'success', settled_by: 'operator', settled_at: '2030-03-17T17:46:40.000Z', note: 'paid at the counter' });
    return {
      envelope: envelopes,
      quote: by(api.quote),
      chargeResponse: by(api.chargeResponse),
      payment: payments,
      countersResponse: by(api.countersResponse),
      dreamerServicesResponse: by(api.dreamerServicesResponse),
      fundingResponse: by(api.fundingResponse),
      referenceDetails: errors.map((e: any) => e.details).filter((d) => d !== undefined),
    } satisfies Record<keyof typeof SCHEMAS, Json[]>;
  };

  it('collected real answers of every kind', () => {
    const s = samples();
    assert.ok(s.envelope.length >= 20, `${s.envelope.length} envelopes`);
    assert.ok(s.quote.length >= 7, `${s.quote.length} quotes`);
    assert.ok(s.chargeResponse.length >= 1);
    const kinds = new Set(s.payment.map((p: any) => `${p.state}${p.next ? `:${p.next.kind}` : ''}`));
    for (const kind of ['pending:redirect', 'pending:form', 'failed', 'success']) assert.ok(kinds.has(kind), `a ${kind} payment among ${[...kinds]}`);
    assert.ok(s.quote.some((x: any) => x.new_consumer_no && x.bills.some((b: any) => b.bill_id)), 'an NEA v2 quote');
    assert.ok(s.quote.some((x: any) => x.packages.length && x.facts.length), 'a Dish Home quote');
    assert.ok(s.referenceDetails.some((d: any) => typeof d.reference === 'string'), 'details with a reference');
    assert.ok(s.envelope.some((e: any) => e.error_code === 'VALIDATION'));
  });

  it('accepts every real answer, as zod does', () => {
    for (const [name, values] of Object.entries(samples())) {
      const schema = SCHEMAS[name]! as unknown as z.ZodMiniType;
      for (const value of values) {
        if (name === 'referenceDetails' && !z.safeParse(schema, value).success) continue; // other codes' details
        assert.equal(z.safeParse(schema, value).success, true, `zod: ${name} ${JSON.stringify(value)}`);
        assert.equal(guardOf(name)(value), true, `guard: ${name} ${JSON.stringify(value)}`);
      }
    }
  });

  it('gives zod\'s verdict on every mutation of every answer (each field removed, of another type, a float or out-of-range amount, an unknown enum member...)', () => {
    const all = Object.values(samples()).flat();
    for (const [name, values] of Object.entries(samples())) {
      const schema = SCHEMAS[name]! as unknown as z.ZodMiniType;
      const guard = guardOf(name);
      let accepted = 0;
      let refused = 0;
      // Its own answers mutated, and every other answer as is (a charge is not a quote).
      const cases = [...values.flatMap((value) => [...mutations(value)]), ...all.map((value) => ({ path: '(another answer)', value }))];
      for (const { path, value } of cases) {
        const verdict = z.safeParse(schema, value).success;
        assert.equal(guard(value), verdict, `${name} at ${path}: zod says ${verdict} for ${JSON.stringify(value)?.slice(0, 400)}`);
        if (verdict) accepted++;
        else refused++;
      }
      assert.ok(refused > 20 && accepted > 0, `${name}: ${accepted} accepted, ${refused} refused`);
    }
  });

  it('refuses what the contract forbids in a payment', () => {
    const payment = samples().payment.find((p: any) => p.state === 'success') as Record<string, unknown>;
    const without = (key: string) => Object.fromEntries(Object.entries(payment).filter(([k]) => k !== key));
    for (const bad of [
      { ...payment, amount_paisa: 1.5 },
      { ...payment, total_paisa: -1 },
      { ...payment, total_paisa: 1e12 + 1 },
      { ...payment, amount_paisa: '45000' },
      { ...payment, state: 'unknown' },
      { ...payment, service: 'water' },
      { ...payment, funding: { method: 'paypal', state: 'secured' } },
      { ...payment, next: { kind: 'form', action: 'https://x.test', fields: { a: 1 } } },
      { ...payment, next: { kind: 'post', url: 'https://x.test' } },
      { ...payment, receipt: [{ key: 'receipt_no' }] },
      without('reference'),
      without('reason'),
      null,
      [payment],
    ]) {
      assert.equal(z.safeParse(api.payment, bad).success, false, JSON.stringify(bad));
      assert.equal(guards.isPayment(bad), false, JSON.stringify(bad));
    }
    assert.equal(guards.isPayment({ ...payment, a_newer_field: 1 }), true, 'an unknown extra key passes, as in z.object');
  });
});

/** The JSON value with one change at one place: every node replaced by values of other types and edge values, every key removed, an extra key added. */
function* mutations(root: Json): Generator<{ path: string; value: Json }> {
  function* at(node: Json, path: (string | number)[]): Generator<{ path: (string | number)[]; replace: Json | typeof REMOVE }> {
    const others: Json[] = [null, true, 0, -1, 1.5, 1e12 + 1, 2 ** 53, '', 'zzz-unknown', [], {}, ['x'], [{}]];
    for (const other of others) yield { path, replace: other };
    if (typeof node === 'number') for (const n of [node + 0.5, -node - 1, node + 1e12, node + 1]) yield { path, replace: n };
    if (typeof node === 'string') yield { path, replace: `${node}-not-a-member` };
    if (Array.isArray(node)) {
      yield { path, replace: [...node, 'x'] };
      yield { path, replace: [...node, {}] };
      yield { path, replace: Object.fromEntries(node.map((v, i) => [i, v])) };
      for (let i = 0; i < node.length; i++) yield* at(node[i], [...path, i]);
    } else if (node && typeof node === 'object') {
      yield { path, replace: { ...node, zz_extra: 1 } };
      for (const [key, value] of Object.entries(node)) {
        yield { path: [...path, key], replace: REMOVE };
        yield { path: [...path, key], replace: undefined };
        yield* at(value, [...path, key]);
      }
    }
  }
  for (const { path, replace } of at(root, [])) {
    if (path.length === 0) {
      if (replace !== REMOVE) yield { path: '(root)', value: replace };
      continue;
    }
    const copy = structuredClone(root) as any;
    let parent = copy;
    for (const step of path.slice(0, -1)) parent = parent[step];
    const last = path.at(-1)!;
    if (replace === REMOVE) {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else parent[last] = replace;
    yield { path: path.join('.'), value: copy };
  }
}
const REMOVE = Symbol('remove');

describe('the client reads answers with the guards', () => {
  const realFetch = globalThis.fetch;
  let answer: unknown;
  before(() => {
    globalThis.fetch = async () => new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
  });
  after(() => {
    globalThis.fetch = realFetch;
  });
  const envelope = (response: unknown) => ({ data: { response, success_message: '' }, error_message: '', is_error: false });
  const charge = { amount_paisa: 45000, service_charge_paisa: 500, total_paisa: 45500 };

  it('answers what passes its route guard', async () => {
    answer = envelope(charge);
    assert.deepEqual(await proxyRequest('http://proxy.test/api', 'charge', guards.isChargeResponse, { service: 'nea' }), charge);
  });

  it('turns an answer its route guard refuses into BAD_RESPONSE (retryable)', async () => {
    for (const bad of [envelope({ ...charge, amount_paisa: 450.5 }), envelope(null), envelope({ counters: [] }), { data: null }, [], 'ok']) {
      answer = bad;
      await assert.rejects(proxyRequest('http://proxy.test/api', 'charge', guards.isChargeResponse, { service: 'nea' }), (e: unknown) => {
        assert.ok(e instanceof RequestError);
        assert.deepEqual([e.code, e.retryable], ['BAD_RESPONSE', true], JSON.stringify(bad));
        return true;
      });
    }
  });

  it('keeps an error envelope\'s code, reason and parts, and `check` gives safeParse\'s shape', async () => {
    answer = { data: { response: null, success_message: '' }, error_message: 'x', is_error: true, error_code: 'IDEMPOTENCY_IN_FLIGHT', retryable: true, details: { reference: 'REF1' } };
    const error = await proxyRequest('http://proxy.test/api', 'pay', guards.isPayment, { service: 'nea' }).catch((e: unknown) => e);
    assert.ok(error instanceof RequestError);
    assert.deepEqual([error.code, error.retryable], ['IDEMPOTENCY_IN_FLIGHT', true]);
    assert.deepEqual(check(guards.isReferenceDetails, error.details), { success: true, data: { reference: 'REF1' } });
    assert.deepEqual(check(guards.isPayment, error.response), { success: false });
  });
});

describe('the widget bundles', () => {
  it('contain no zod (each element and all of them, as scripts/size.ts builds them)', async () => {
    for (const entry of [...SERVICE_TAGS.map((tag) => `src/${tag}.ts`), 'src/index.ts']) {
      const result = (await build({
        configFile: false,
        logLevel: 'silent',
        build: { write: false, minify: true, target: 'es2022', lib: { entry, formats: ['es'] } },
      })) as Rolldown.RolldownOutput[];
      const modules = result[0]!.output.flatMap((o) => (o.type === 'chunk' ? Object.keys(o.modules) : []));
      // The list is the bundle's: lit and the generated guards are in it.
      assert.ok(modules.some((m) => m.includes('/node_modules/lit-html/')), `${entry}: lit is bundled`);
      assert.ok(modules.some((m) => m.endsWith('/src/internal/guards.generated.ts')), `${entry}: the guards are bundled`);
      const zod = modules.filter((m) => m.includes('/node_modules/zod/'));
      assert.deepEqual(zod, [], `${entry} bundles zod`);
      for (const m of ['/src/api.ts', '/src/contract.ts']) assert.ok(!modules.some((id) => id.endsWith(m)), `${entry} bundles ${m}`);
    }
  });
});
