/**
 * The proxy's API as an OpenAPI 3.1 document, built from the contract's route table (src/contract.ts) and its
 * zod schemas (converted to JSON Schema 2020-12, the dialect of OpenAPI 3.1). Served at `GET /api/openapi.json`
 * and checked in as `openapi.json` (`npm run openapi` writes it; scripts/openapi-check.ts fails when it is stale).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono, type MiddlewareHandler } from 'hono';
import * as z from 'zod/mini';
import {
  ERROR_CODES,
  IDEMPOTENCY_KEY,
  REASON_CODES,
  REFERENCE,
  SERVICES,
  bill,
  chargeRequest,
  chargeResponse,
  counter,
  countersResponse,
  deliveryReport,
  dishhomeLookupRequest,
  dreamerLookupRequest,
  dreamerServicesResponse,
  fact,
  fundingResponse,
  historyRecord,
  historyRequest,
  historyResponse,
  neaConsumerNoLookup,
  neaLookupRequest,
  neaOldNumbersLookup,
  nextStep,
  payRequest,
  payment,
  pkg,
  quote,
  receiptResponse,
  resumeRequest,
  type ErrorCode,
  type ServiceId,
} from '../api.js';
import { EVERY_ROUTE_ERRORS, ROUTES, type Route, type RouteName } from '../contract.js';
import { SERVICE_REGISTRY } from '../services.js';
import type { ProxyEnv } from './routes/context.js';

/** Where the document is served, under the proxy's `/api`. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The proxy's `/api` routes outside the contract's table: they describe the API instead of serving it, so they
 * answer the document itself, not the envelope (test/server/contract.test.ts checks this list too).
 */
export const DOCUMENTATION_ROUTES = [{ method: 'GET', path: OPENAPI_PATH }] as const;

/** How long clients and caches may keep the document: it changes only with the proxy's version. */
const MAX_AGE_S = 300;

/**
 * The request id the proxy takes from the client when well-formed (else it makes one): middleware.ts's rule,
 * which test/server/openapi.test.ts holds this copy to.
 */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Who may call a route: anyone, anyone unless the deployment has host authentication, or only a signed-in user. */
type Access = 'public' | 'per-deployment' | 'signed-in';

interface Operation {
  summary: string;
  description: string;
  /** The route's tag when it belongs to no service. */
  tag?: Tag;
  access: Access;
  /** The statuses of a successful answer (pay: 200 paid, 202 pending). */
  success: readonly (200 | 202)[];
}

const TAGS = {
  payments: 'A payment after it was made: its status, its return from a gateway, the payment methods offered',
  history: "The signed-in user's payments and receipts (host authentication required)",
  callbacks: "The aggregator's calls to the proxy",
  documentation: 'This document',
} as const;
type Tag = keyof typeof TAGS;

const PAY_OUTCOME =
  'A payment answers 200 when paid and 202 while it is pending (being verified, or awaiting its funding: then `next` says ' +
  'where the browser goes). A refused payment is an error (402 `PAYMENT_REJECTED`, or a funding code) with the payment in ' +
  '`data.response`.';

/** Words for each route of the contract; a route added to the table without them does not compile. */
const OPERATIONS: Record<RouteName, Operation> = {
  lookup: {
    summary: 'Look up an account: a quote of what the customer may pay',
    description:
      'Answers an opaque `quote_id` (valid until `expires_at`), the customer name, the bills (oldest first), the packages ' +
      '(Dish Home) and the amounts the customer may pay (`min_paisa`..`max_paisa`). Lookups are rate-limited per account too.',
    access: 'per-deployment',
    success: [200],
  },
  charge: {
    summary: 'The service charge for an amount of a quote',
    description: 'Prices an amount (and for Dish Home, a package of the quote) before the customer confirms.',
    access: 'per-deployment',
    success: [200],
  },
  pay: {
    summary: 'Pay a quote',
    description: `Needs an \`Idempotency-Key\` header: the same key with the same body answers the same payment (\`Idempotent-Replayed: true\`). ${PAY_OUTCOME}`,
    access: 'per-deployment',
    success: [200, 202],
  },
  resume: {
    summary: 'Resume a payment when the customer is back from the gateway',
    description: `The query the gateway sent the customer back with is a hint only: the proxy asks the gateway and commits only a verified total. ${PAY_OUTCOME}`,
    tag: 'payments',
    access: 'per-deployment',
    success: [200, 202],
  },
  counters: {
    summary: "NEA's counters (offices)",
    description: "`migrated_to_v2: true` marks an office on NEA's second generation (lookup by the new consumer number). Cached 5 minutes.",
    access: 'per-deployment',
    success: [200],
  },
  dreamerServices: {
    summary: 'The Dreamer Electricity services this merchant has enabled',
    description: 'Their `slug` is the lookup\'s `service_slug`.',
    access: 'per-deployment',
    success: [200],
  },
  status: {
    summary: "A payment's status",
    description: "A pending payment is first checked with the aggregator's status lookup. 200 when settled (paid or failed), 202 while pending.",
    tag: 'payments',
    access: 'per-deployment',
    success: [200, 202],
  },
  funding: {
    summary: 'The payment methods offered',
    description: "FUNDING, in its order: the widget's confirm step offers them. Needs no access token: it is the merchant's terms.",
    tag: 'payments',
    access: 'public',
    success: [200],
  },
  history: {
    summary: "The signed-in user's payments, newest first",
    description: "The portal's paginated list (API no. 40).",
    tag: 'history',
    access: 'signed-in',
    success: [200],
  },
  receipt: {
    summary: "A successful payment's receipt",
    description: "In the spirit of the portal's API no. 42. Only a successful payment of the signed-in user has one.",
    tag: 'history',
    access: 'signed-in',
    success: [200],
  },
  deliveryReport: {
    summary: "The aggregator's delivery report",
    description:
      "A hint only: the proxy asks the aggregator's status lookup about the reference; the report's own claims are never " +
      'written. Documented by the aggregator as multipart/form-data; urlencoded and JSON are accepted too.',
    tag: 'callbacks',
    access: 'public',
    success: [200],
  },
};

/** What the per-service routes' requests say for each service (the lookup's body differs per service). */
const LOOKUP_DESCRIPTIONS: Record<ServiceId, string> = {
  nea: "The old numbers (`office_code`, `sc_no`, `consumer_id`), or the new consumer number (`office_code`, `consumer_no`) at a counter migrated to NEA's second generation.",
  dreamer: 'One of the enabled services (`service_slug`, see GET /dreamer/services) and the customer code.',
  dishhome: 'The Dish Home customer id.',
};

/** The shapes named in components/schemas (the rest are written where they are used). */
const NAMED_SCHEMAS: [z.ZodMiniType, string][] = [
  [neaLookupRequest, 'NeaLookupRequest'],
  [neaOldNumbersLookup, 'NeaOldNumbersLookup'],
  [neaConsumerNoLookup, 'NeaConsumerNoLookup'],
  [dreamerLookupRequest, 'DreamerLookupRequest'],
  [dishhomeLookupRequest, 'DishhomeLookupRequest'],
  [quote, 'Quote'],
  [bill, 'Bill'],
  [pkg, 'Package'],
  [fact, 'Fact'],
  [chargeRequest, 'ChargeRequest'],
  [chargeResponse, 'Charge'],
  [payRequest, 'PayRequest'],
  [payment, 'Payment'],
  [nextStep, 'NextStep'],
  [resumeRequest, 'ResumeRequest'],
  [counter, 'Counter'],
  [countersResponse, 'Counters'],
  [dreamerServicesResponse, 'DreamerServices'],
  [fundingResponse, 'FundingMethods'],
  [historyRequest, 'HistoryRequest'],
  [historyRecord, 'HistoryRecord'],
  [historyResponse, 'History'],
  [receiptResponse, 'Receipt'],
  [deliveryReport, 'DeliveryReport'],
];

type Json = Record<string, unknown>;
const ref = (section: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${section}/${name}` });

/** The zod schemas as JSON Schema: named ones in components, the others inline where used. */
function schemaConverter() {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of NAMED_SCHEMAS) registry.add(schema, { id });
  // Output mode: an answer's objects are closed (the proxy sends no other field, and test/server/openapi.test.ts
  // holds its real answers to that); the requests are strict or loose objects, which read the same in both modes.
  const options = { target: 'draft-2020-12', io: 'output', uri: (id: string) => `#/components/schemas/${id}` } as const;
  const { schemas } = z.toJSONSchema(registry, options);
  const named = new Map(NAMED_SCHEMAS.map(([schema, id]) => [schema, id]));
  const bare = ({ $schema: _, $id: __, ...rest }: Json) => rest;
  return {
    components: Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, bare(schema as Json)])),
    /** A reference to the schema's component, or the schema itself when it is not named. */
    schemaOf: (schema: z.ZodMiniType): Json => {
      const id = named.get(schema);
      return id ? ref('schemas', id) : bare(z.toJSONSchema(schema, options) as Json);
    },
    nameOf: (schema: z.ZodMiniType) => named.get(schema),
  };
}

/** The envelope around a successful answer (`data.response`). */
function successEnvelope(response: Json): Json {
  return {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        properties: { response, success_message: { type: 'string' } },
        required: ['response', 'success_message'],
        additionalProperties: false,
      },
      error_message: { const: '' },
      is_error: { const: false },
    },
    required: ['data', 'error_message', 'is_error'],
    additionalProperties: false,
  };
}

const ERROR_ENVELOPE: Json = {
  type: 'object',
  description: 'An error answer: `error_code` is what a client acts on (`retryable`: the same request may be sent again without risk).',
  properties: {
    data: {
      description: 'null, or (a refused payment) the payment in `response`',
      anyOf: [
        { type: 'null' },
        { type: 'object', properties: { response: {}, success_message: { type: 'string' } }, required: ['response', 'success_message'], additionalProperties: false },
      ],
    },
    error_message: { type: 'string', description: 'English, for developers and logs; widgets translate `error_code`' },
    is_error: { const: true },
    error_code: ref('schemas', 'ErrorCode'),
    retryable: { type: 'boolean' },
    reason_code: { description: 'A recognised biller reason', anyOf: [ref('schemas', 'ReasonCode'), { type: 'null' }] },
    reason: { type: ['string', 'null'], description: "The English text of `reason_code`, never the aggregator's own words" },
    details: { description: 'What helps the caller, e.g. `{fields: [...]}` for VALIDATION, `{reason}` for AUTH_REQUIRED' },
  },
  required: ['data', 'error_message', 'is_error', 'error_code', 'retryable'],
  additionalProperties: false,
};

/**
 * What a route may answer: its own codes and every route's, but AUTH_REQUIRED only where host authentication
 * applies (the middleware lets public routes through).
 */
function routeErrors(route: Route, access: Access): ErrorCode[] {
  return [...new Set([...route.errors, ...EVERY_ROUTE_ERRORS])].filter((code) => access !== 'public' || code !== 'AUTH_REQUIRED');
}

/** What the document's route may answer: it is mounted after the origin rule and the rate limit, and reads no body. */
const DOCUMENT_ERRORS: readonly ErrorCode[] = ['FORBIDDEN_ORIGIN', 'RATE_LIMITED', 'SHUTTING_DOWN', 'INTERNAL'];

/** The refusals of a recorded payment, which carry it in `data.response` (routes/views.ts, answerPayment). */
const PAYMENT_IN_ERRORS: readonly ErrorCode[] = ['PAYMENT_REJECTED', 'SERVICE_UNAVAILABLE', 'FUNDING_REFUSED', 'FUNDING_CANCELLED', 'FUNDING_EXPIRED', 'FUNDING_MISMATCH'];

/**
 * The error answers of a route, grouped by HTTP status, each with its codes: as references to components/responses,
 * one per set of codes (named after them), so routes refused alike share one.
 */
function errorResponses(answered: readonly ErrorCode[], answersPayments: boolean, shared: Record<string, Json>): Record<string, Json> {
  const codes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => answered.includes(code));
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => {
      const paymentInErrors = answersPayments && list.some((code) => PAYMENT_IN_ERRORS.includes(code));
      const name = list.map((code) => code.toLowerCase().replace(/(^|_)(\w)/g, (_, __, letter: string) => letter.toUpperCase())).join('Or') + (paymentInErrors ? 'WithPayment' : '');
      const narrowed: Json = { error_code: { enum: list } };
      if (paymentInErrors) {
        narrowed.data = { anyOf: [{ type: 'null' }, { type: 'object', properties: { response: ref('schemas', 'Payment') } }] };
      }
      const headers: Json = { 'X-Request-Id': ref('headers', 'RequestId') };
      if (list.some((code) => code === 'RATE_LIMITED' || code === 'SHUTTING_DOWN' || code === 'IDEMPOTENCY_IN_FLIGHT')) headers['Retry-After'] = ref('headers', 'RetryAfter');
      shared[name] = {
        description: list.map((code) => `\`${code}\`${ERROR_CODES[code].retryable ? ' (retryable)' : ''}`).join(', '),
        headers,
        content: { 'application/json': { schema: { allOf: [ref('schemas', 'ErrorEnvelope'), { type: 'object', properties: narrowed }] } } },
      };
      return [String(status), ref('responses', name)];
    }),
  );
}

const SECURITY: Record<Access, Json[]> = {
  public: [],
  // The empty requirement: the call needs no token where the deployment has no host authentication.
  'per-deployment': [{ bearerAuth: [] }, {}],
  'signed-in': [{ bearerAuth: [] }],
};

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

let packageVersion: string | undefined;
/** The package's version: package.json is two levels up from src/server and from dist/server alike. */
function version() {
  const file = new URL('../../package.json', import.meta.url);
  try {
    packageVersion ??= (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch (error) {
    throw new Error(`the OpenAPI document takes its version from the package's package.json, not found at ${file.pathname}`, { cause: error });
  }
  return packageVersion;
}

/** The OpenAPI 3.1 document of the proxy's `/api`: every route of the contract, one path per service for per-service routes. */
export function openApiDocument(): Json {
  const { components, schemaOf, nameOf } = schemaConverter();
  const paths: Record<string, Json> = {};
  const errors: Record<string, Json> = {};
  // The envelope around each named answer is named too (`QuoteAnswer`...), for client generators' types.
  const answers: Record<string, Json> = { EmptyAnswer: successEnvelope({ type: 'null' }) };
  const answerOf = (schema: z.ZodMiniType | null): Json => {
    if (!schema) return ref('schemas', 'EmptyAnswer');
    const id = nameOf(schema);
    if (!id) return successEnvelope(schemaOf(schema));
    answers[`${id}Answer`] = successEnvelope(ref('schemas', id));
    return ref('schemas', `${id}Answer`);
  };
  for (const [name, route] of Object.entries(ROUTES) as [RouteName, Route][]) {
    const op = OPERATIONS[name];
    const services = route.path.includes(':service') ? SERVICES : [route.service];
    for (const service of services) {
      const path = (service ? route.path.replace(':service', service) : route.path).replace(/:(\w+)/g, '{$1}');
      const parameters: Json[] = [ref('parameters', 'RequestId')];
      if (path.includes('{reference}')) parameters.push(ref('parameters', 'Reference'));
      if (name === 'pay') parameters.push(ref('parameters', 'IdempotencyKey'));
      const request = route.request === null ? null : '_zod' in route.request ? route.request : route.request[service!];
      const bodySchema = request && schemaOf(request);
      const mediaTypes = name === 'deliveryReport' ? ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'] : ['application/json'];
      const answer = answerOf(route.response);
      const successHeaders: Json = { 'X-Request-Id': ref('headers', 'RequestId') };
      if (name === 'pay') successHeaders['Idempotent-Replayed'] = ref('headers', 'IdempotentReplayed');
      paths[path] = {
        [route.method.toLowerCase()]: {
          operationId: service && route.path.includes(':service') ? `${service}${capitalised(name)}` : name,
          summary: service && route.path.includes(':service') ? `${SERVICE_REGISTRY[service].name}: ${op.summary.charAt(0).toLowerCase()}${op.summary.slice(1)}` : op.summary,
          description: name === 'lookup' && service ? `${op.description} ${LOOKUP_DESCRIPTIONS[service]}` : op.description,
          tags: [service ?? op.tag],
          security: SECURITY[op.access],
          parameters,
          ...(bodySchema ? { requestBody: { required: true, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: bodySchema }])) } } : {}),
          responses: {
            ...Object.fromEntries(
              op.success.map((status) => [
                String(status),
                {
                  description: status === 202 ? 'Pending: being verified, or awaiting its funding (`next`)' : 'Success',
                  headers: successHeaders,
                  content: { 'application/json': { schema: answer } },
                },
              ]),
            ),
            ...errorResponses(routeErrors(route, op.access), name === 'pay' || name === 'resume', errors),
          },
        },
      };
    }
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      description: `OpenAPI 3.1, generated from the proxy's contract; cacheable (${MAX_AGE_S} s, ETag).`,
      tags: ['documentation'],
      security: [],
      parameters: [ref('parameters', 'RequestId')],
      responses: {
        200: {
          description: 'The document',
          headers: { 'X-Request-Id': ref('headers', 'RequestId'), ETag: { schema: { type: 'string' } } },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } },
                required: ['openapi', 'info', 'paths'],
              },
            },
          },
        },
        304: { description: 'Not modified (If-None-Match)' },
        ...errorResponses(DOCUMENT_ERRORS, false, errors),
      },
    },
  };

  return {
    // 3.1.0, not 3.1.1 (a clarification release): some tools still accept only the first.
    openapi: '3.1.0',
    info: {
      title: 'bill-pay-widgets merchant proxy',
      version: version(),
      description:
        "The merchant proxy's API: what the widgets (`<nea-pay>`, `<dreamer-pay>`, `<dishhome-recharge>`) and the host call. " +
        'Every answer uses the ElectroSoft unified envelope; amounts are integer paisa. Generated from src/contract.ts.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/api', description: "The proxy's origin; where the host mounts the proxy under a prefix, the prefix comes first" }],
    tags: [
      ...SERVICES.map((service) => ({ name: service, description: SERVICE_REGISTRY[service].name })),
      ...Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    ],
    paths,
    components: {
      schemas: {
        ...components,
        ...answers,
        ErrorEnvelope: ERROR_ENVELOPE,
        ErrorCode: {
          type: 'string',
          description: (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => `\`${code}\` ${ERROR_CODES[code].status}${ERROR_CODES[code].retryable ? ' (retryable)' : ''}`).join(', '),
          enum: Object.keys(ERROR_CODES),
        },
        ReasonCode: { type: 'string', description: 'The biller reasons the proxy recognises; any other upstream text is never shown', enum: [...REASON_CODES] },
      },
      responses: errors,
      parameters: {
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          description: 'Carried by every log line of the request and echoed in the answer; another form is replaced by a new id',
          schema: { type: 'string', pattern: REQUEST_ID.source },
        },
        Reference: { name: 'reference', in: 'path', required: true, description: "The payment's reference", schema: { type: 'string', pattern: REFERENCE.source } },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description: 'Makes the pay request safe to repeat: the same key and body answer the same payment',
          schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
        },
      },
      headers: {
        RequestId: { description: "The request's id (the client's X-Request-Id when well-formed)", schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'string', pattern: '^\\d+$' } },
        IdempotentReplayed: { description: '`true` when the answer is a replay of an earlier request with the same Idempotency-Key', schema: { const: 'true' } },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "Host authentication, only where the proxy is configured with AUTH_JWT_SECRET or AUTH_JWKS_URL: the host's access token " +
            'for the signed-in user (401 `AUTH_REQUIRED` otherwise). Without it, anyone may look up and pay, and history and receipts answer 401.',
        },
      },
    },
  };
}

/** The document as served: built once, with its ETag. */
let served: { body: string; etag: string } | undefined;
function servedDocument() {
  if (!served) {
    const body = JSON.stringify(openApiDocument());
    served = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
  return served;
}

/**
 * `GET /api/openapi.json`. Mounted after CORS and the rate limit and before host authentication: the document
 * is public (it holds no secret nor anything of the deployment's), and origins outside the allow-list are refused
 * as on every other route.
 */
export function openapiRoutes() {
  const app = new Hono<ProxyEnv>();
  app.get(OPENAPI_PATH, (c) => {
    const { body, etag } = servedDocument();
    c.header('etag', etag);
    if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(etag)) return c.body(null, 304);
    return c.body(body, 200, { 'content-type': 'application/json; charset=UTF-8' });
  });
  return app;
}

/**
 * Lets caches keep the document: mounted before the answer headers (which mark every answer `no-store`), so it
 * has the last word on the document's successful answers only.
 */
export const openapiCaching: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status === 200 || c.res.status === 304) c.res.headers.set('cache-control', `public, max-age=${MAX_AGE_S}`);
};
