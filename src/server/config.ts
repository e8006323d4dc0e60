/**
 * Configuration of the merchant proxy, read from the environment once at start-up and validated with
 * messages that say what to fix. The aggregator's URL and token come only from here, never from a request.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_KHALTI_SANDBOX_KEY, DEFAULT_SANDBOX_TOKEN, ESEWA_UAT_PRODUCT_CODE, ESEWA_UAT_SECRET } from '../sandbox/token.js';
import { trustEntryProblem, type ForwardedHeader, type TrustProxy } from './client-ip.js';
import { FUNDING_METHODS, type FundingMethod } from './funding/types.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

export interface ProxyConfig {
  /** Unset (with no token) = the embedded sandbox aggregator. */
  aggregatorBaseUrl: string | null;
  aggregatorToken: string;
  port: number;
  /** `sqlite:<file>` or a `postgres://` URL. */
  databaseUrl: string;
  allowedOrigins: string[];
  /**
   * The proxy's own origins (where its pages are served, as the browser sees them): same-origin requests.
   * Never derived from a request's Host. Empty: only ALLOWED_ORIGINS (the standalone server fills in its
   * listen URL).
   */
  publicOrigins: string[];
  /** How long the proxy waits for the aggregator before treating an answer as lost. */
  upstreamTimeoutMs: number;
  quoteTtlMs: number;
  /** Least time between two status lookups of one pending payment. */
  statusRecheckMs: number;
  bodyLimitBytes: number;
  /** Requests per minute per client IP; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Proxies in front of this one whose forwarding header is believed: a hop count or addresses/CIDRs. 0: none. */
  trustProxy: TrustProxy;
  /** The header those proxies write. */
  trustProxyHeader: ForwardedHeader;
  /** Lookups of one customer per minute, from any client (lookups show names); 0 turns the limit off. */
  lookupsPerCustomerPerMinute: number;
  /** First status lookup of an unknown payment by the reconciler. */
  reconcileDelayMs: number;
  /** How often the in-proxy reconciler runs; 0 turns it off (run `bill-pay-reconcile` instead). */
  reconcileIntervalMs: number;
  /** Lookups answering "no such reference" before a payment that never reached the aggregator is failed. */
  reconcileMaxAttempts: number;
  /** Host authentication of bearer JWTs (the portal's access tokens); null: none. */
  auth: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string; maxTokenAgeSeconds?: number | null; clockToleranceSeconds?: number } | null;
  /** The Dreamer Electricity services this merchant has enabled (slug and display name). */
  dreamerServices: { slug: string; name: string }[];
  /** The embedded sandbox's control routes (`/_sandbox/*`) answer any client, not only loopback ones. */
  sandboxControl: boolean;
  /** The least severe level written to the log. */
  logLevel: LogLevel;
  /** NEA v2 (migrated offices): the most a customer may pay in one payment, advance included, in paisa. */
  neaV2MaxPaisa: number;
  /** NEA v2: the `service_slug` of the aggregator's generic service-charge API. */
  neaV2ServiceSlug: string;
  /** How the customer's money is secured before a commit (`FUNDING` and the gateways' settings). */
  funding: FundingConfig;
  /** Prometheus metrics at `GET /metrics` (needs prom-client). */
  metrics: boolean;
}

export interface FundingConfig {
  /** The methods offered, in the order given. */
  methods: FundingMethod[];
  /** Khalti KPG-2; `baseUrl` null: the embedded Khalti sandbox. Null when khalti is not offered. */
  khalti: { baseUrl: string | null; secretKey: string } | null;
  /** eSewa ePay v2; `formUrl` and `statusUrl` null: the embedded eSewa sandbox. Null when esewa is not offered. */
  esewa: { formUrl: string | null; statusUrl: string | null; productCode: string; secretKey: string } | null;
}

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const origin = z.string().refine((s) => {
  try {
    return new URL(s).origin === s;
  } catch {
    return false;
  }
}, 'each origin must be scheme://host[:port] with no path or trailing slash, e.g. https://shop.example.com');

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** Seconds, as a number of seconds (`900`) or a duration (`30m`, `24h`, `1d`). */
const duration = (name: string) =>
  z
    .string()
    .regex(/^\d+\s*[smhd]?$/i, `${name} must be seconds or a duration such as 30m, 24h or 1d`)
    .transform((s) => Number.parseInt(s, 10) * (DURATION_UNITS[s.trim().slice(-1).toLowerCase()] ?? 1));

/** TRUST_PROXY: a hop count (`1`) or a list of addresses and CIDR ranges (`10.0.0.0/8, ::1`). */
const trustProxy = z
  .string()
  .trim()
  .transform((s, ctx): TrustProxy => {
    if (/^\d{1,2}$/.test(s)) return Number(s);
    const entries = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const problem of entries.map(trustEntryProblem)) {
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; TRUST_PROXY is a hop count (e.g. 1) or addresses and CIDR ranges` });
    }
    return entries;
  });

const int = (name: string, min: number, max: number) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).min(min).max(max);

const flag = (name: string) => z.enum(['0', '1'], { error: `${name} must be 1 or 0` }).optional();
const always = () => true;

const schema = z
  .object({
    AGGREGATOR_BASE_URL: z.url({ error: 'AGGREGATOR_BASE_URL must be an http(s) URL' }).optional(),
    AGGREGATOR_TOKEN: z.string().min(1).optional(),
    PORT: int('PORT', 0, 65535).default(8080),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'DATABASE_URL must start with sqlite: or postgres://')
      .optional(),
    DATA_DIR: z.string().default('data'),
    ALLOWED_ORIGINS: csv.pipe(z.array(origin)).default([]),
    PUBLIC_ORIGIN: csv.pipe(z.array(origin)).default([]),
    UPSTREAM_TIMEOUT_MS: int('UPSTREAM_TIMEOUT_MS', 100, 120_000).default(15_000),
    QUOTE_TTL_MS: int('QUOTE_TTL_MS', 1000, 24 * 3600_000).default(10 * 60_000),
    STATUS_RECHECK_MS: int('STATUS_RECHECK_MS', 0, 3600_000).default(3000),
    BODY_LIMIT_BYTES: int('BODY_LIMIT_BYTES', 256, 1_048_576).default(16_384),
    RATE_LIMIT_PER_MINUTE: int('RATE_LIMIT_PER_MINUTE', 0, 1_000_000).default(120),
    TRUST_PROXY: trustProxy.default(0),
    TRUST_PROXY_HEADER: z
      .enum(['x-forwarded-for', 'forwarded'], { error: 'TRUST_PROXY_HEADER must be x-forwarded-for or forwarded' })
      .default('x-forwarded-for'),
    LOOKUPS_PER_CUSTOMER_PER_MINUTE: int('LOOKUPS_PER_CUSTOMER_PER_MINUTE', 0, 1_000_000).default(10),
    RECONCILE_DELAY_MS: int('RECONCILE_DELAY_MS', 0, 24 * 3600_000).default(5 * 60_000),
    RECONCILE_INTERVAL_MS: int('RECONCILE_INTERVAL_MS', 0, 24 * 3600_000).default(30_000),
    RECONCILE_MAX_ATTEMPTS: int('RECONCILE_MAX_ATTEMPTS', 1, 1000).default(12),
    AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
    AUTH_JWKS_URL: z.url({ error: 'AUTH_JWKS_URL must be an https URL of a JSON Web Key Set' }).optional(),
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    AUTH_MAX_TOKEN_AGE: duration('AUTH_MAX_TOKEN_AGE').default(24 * 3600),
    DREAMER_SERVICES: csv
      .pipe(
        z
          .array(
            z.string().regex(/^[a-z0-9-]{1,60}:[^,]{1,80}$/, 'each Dreamer service is slug:Display Name, e.g. khamari-khola-electricity:Khamari Khola Electricity'),
          )
          .min(1, 'DREAMER_SERVICES lists at least one service'),
      )
      .default(['khamari-khola-electricity:Khamari Khola Electricity']),
    NODE_ENV: z.string().optional(),
    SANDBOX: flag('SANDBOX'),
    SANDBOX_CONTROL: flag('SANDBOX_CONTROL'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    NEA_V2_MAX_AMOUNT: int('NEA_V2_MAX_AMOUNT', 1, 10_000_000).default(100_000),
    NEA_V2_SERVICE_SLUG: z.string().regex(/^[a-z0-9-]{1,60}$/, 'NEA_V2_SERVICE_SLUG is a slug such as nea-v2').default('nea-v2'),
    FUNDING: csv.pipe(
      z
        .array(z.enum(FUNDING_METHODS, { error: `FUNDING lists methods among ${FUNDING_METHODS.join(', ')}, comma-separated` }))
        .min(1, `FUNDING lists at least one method among ${FUNDING_METHODS.join(', ')}`),
    ).optional(),
    KHALTI_BASE_URL: z
      .url({ error: 'KHALTI_BASE_URL must be an http(s) URL' })
      .regex(/\/api\/v2\/*$/, 'KHALTI_BASE_URL is the KPG-2 API base ending in /api/v2, e.g. https://khalti.com/api/v2 (sandbox https://dev.khalti.com/api/v2)')
      .optional(),
    KHALTI_SECRET_KEY: z.string().min(1).optional(),
    ESEWA_FORM_URL: z.url({ error: 'ESEWA_FORM_URL must be an http(s) URL, e.g. https://epay.esewa.com.np/api/epay/main/v2/form' }).optional(),
    ESEWA_STATUS_URL: z.url({ error: 'ESEWA_STATUS_URL must be an http(s) URL, e.g. https://esewa.com.np/api/epay/transaction/status/' }).optional(),
    ESEWA_PRODUCT_CODE: z.string().min(1).optional(),
    ESEWA_SECRET_KEY: z.string().min(1).optional(),
    METRICS: flag('METRICS'),
  })
  // Cross-field rules run even when a field failed (`when`), so every problem is listed at once.
  .refine((env) => !(env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL), {
    message: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both',
    when: always,
  })
  .refine((env) => !env.AGGREGATOR_BASE_URL === !env.AGGREGATOR_TOKEN, {
    message:
      'set both AGGREGATOR_BASE_URL and AGGREGATOR_TOKEN to use a real aggregator, or neither to use the embedded sandbox',
    when: always,
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.AGGREGATOR_BASE_URL || env.SANDBOX === '1', {
    message:
      'NODE_ENV=production needs a real aggregator (AGGREGATOR_BASE_URL and AGGREGATOR_TOKEN); set SANDBOX=1 to run on the embedded sandbox on purpose',
    when: always,
  })
  .superRefine(
    (env, ctx) => {
      for (const message of fundingProblems(env)) ctx.addIssue({ code: 'custom', message });
    },
    { when: always },
  );

const KHALTI_SETTINGS = ['KHALTI_BASE_URL', 'KHALTI_SECRET_KEY'] as const;
const ESEWA_SETTINGS = ['ESEWA_FORM_URL', 'ESEWA_STATUS_URL', 'ESEWA_PRODUCT_CODE', 'ESEWA_SECRET_KEY'] as const;
type FundingEnv = Partial<Record<'FUNDING', FundingMethod[]> & Record<(typeof KHALTI_SETTINGS | typeof ESEWA_SETTINGS)[number] | 'AGGREGATOR_BASE_URL' | 'AGGREGATOR_TOKEN' | 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL', string>>;

/** A live aggregator (a token not starting with `TEST:`) moves real money: no gateway sandbox, no default. */
const isLive = (env: FundingEnv) => Boolean(env.AGGREGATOR_TOKEN && !env.AGGREGATOR_TOKEN.startsWith('TEST:'));

/** The funding rules across settings: what is offered, that each gateway is set up whole, and `none` only on purpose. */
function fundingProblems(env: FundingEnv): string[] {
  const problems: string[] = [];
  // With `when`, this runs even when FUNDING itself failed to parse (then it is not a list: its own issue says why).
  if (env.FUNDING !== undefined && !Array.isArray(env.FUNDING)) return problems;
  const methods = env.FUNDING ?? (isLive(env) ? [] : (['khalti', 'esewa'] as FundingMethod[]));
  if (!env.FUNDING && isLive(env)) {
    problems.push(
      'a live AGGREGATOR_TOKEN needs FUNDING: the aggregator pays billers from your credit, so say how the customer pays (khalti, esewa, host) with the gateway settings, or none for staff desks behind host authentication',
    );
  }
  for (const [method, names] of [['khalti', KHALTI_SETTINGS], ['esewa', ESEWA_SETTINGS]] as const) {
    const set = names.filter((n) => env[n]);
    if (set.length && !methods.includes(method)) problems.push(`${set.join(', ')} set but FUNDING does not offer ${method}`);
    else if (set.length && set.length < names.length) problems.push(`${method} needs all of ${names.join(', ')} (missing ${names.filter((n) => !env[n]).join(', ')})`);
    else if (!set.length && methods.includes(method) && isLive(env)) {
      problems.push(`FUNDING offers ${method} with a live AGGREGATOR_TOKEN: set ${names.join(', ')} (the embedded ${method} sandbox serves only test tokens)`);
    }
  }
  if (methods.includes('none') && methods.length > 1) problems.push('FUNDING=none cannot be offered beside other methods: a customer could pick it and pay nothing');
  if (methods.includes('none') && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    problems.push('FUNDING=none needs host authentication (AUTH_JWT_SECRET or AUTH_JWKS_URL): without it any visitor pays bills with your credit');
  }
  if (new Set(methods).size !== methods.length) problems.push('FUNDING lists a method twice');
  return problems;
}

/** The settings whose values are secrets, for the logger's redaction (`createLogger(secretsOf(config))`). */
export function secretsOf(config: ProxyConfig): string[] {
  return [config.aggregatorToken, config.funding.khalti?.secretKey ?? '', config.funding.esewa?.secretKey ?? ''].filter(Boolean);
}

/** The settings loadConfig reads (`.env.example` lists each with its default; a test checks). */
export const SETTING_NAMES = Object.keys(schema.shape);
/** Variables the proxy's programs read beside the schema (main.ts, the standalone sandbox). */
const OTHER_KNOWN = ['HOST', 'PORTAL_ACCESS_TTL_SECONDS', 'SANDBOX_PORT', 'SANDBOX_TOKENS'];
/** Every variable the proxy's programs read. */
export const KNOWN = [...SETTING_NAMES, ...OTHER_KNOWN];
/** A variable with one of these prefixes is meant for the proxy: if it is not a setting, it is a typo. */
const PREFIXES = [...new Set(Object.keys(schema.shape).filter((k) => k.includes('_') && k !== 'NODE_ENV').map((k) => k.slice(0, k.indexOf('_') + 1)))].concat('SANDBOX');

/** Names that look meant for the proxy but are not settings, each with the likely intended one. */
function typos(names: string[]): string[] {
  return names
    .filter((name) => !KNOWN.includes(name))
    .flatMap((name) => {
      const best = KNOWN.map((k) => ({ k, d: distance(name, k) })).sort((a, b) => a.d - b.d)[0]!;
      // Short names are one edit from many others (PATH, PORT): allow fewer edits there.
      const near = best.d <= Math.min(2, Math.floor(best.k.length / 4));
      if (near) return [`${name} is not a setting; did you mean ${best.k}?`];
      if (PREFIXES.some((p) => name.startsWith(p))) return [`${name} is not a setting (see the settings table in README.md)`];
      return [];
    });
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment into a configuration, or throws a ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ProxyConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = [
    ...(parsed.error?.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`) ?? []),
    ...typos(Object.keys(cleaned)),
  ];
  if (!parsed.success || problems.length) {
    throw new ConfigError(`Invalid proxy configuration:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    aggregatorBaseUrl: e.AGGREGATOR_BASE_URL?.replace(/\/+$/, '') ?? null,
    aggregatorToken: e.AGGREGATOR_TOKEN ?? DEFAULT_SANDBOX_TOKEN,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${resolve(e.DATA_DIR, 'ledger.sqlite')}`,
    allowedOrigins: e.ALLOWED_ORIGINS,
    publicOrigins: e.PUBLIC_ORIGIN,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    quoteTtlMs: e.QUOTE_TTL_MS,
    statusRecheckMs: e.STATUS_RECHECK_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    lookupsPerCustomerPerMinute: e.LOOKUPS_PER_CUSTOMER_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    trustProxyHeader: e.TRUST_PROXY_HEADER,
    reconcileDelayMs: e.RECONCILE_DELAY_MS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    reconcileMaxAttempts: e.RECONCILE_MAX_ATTEMPTS,
    auth:
      e.AUTH_JWT_SECRET || e.AUTH_JWKS_URL
        ? { secret: e.AUTH_JWT_SECRET, jwksUrl: e.AUTH_JWKS_URL, issuer: e.AUTH_ISSUER, audience: e.AUTH_AUDIENCE, maxTokenAgeSeconds: e.AUTH_MAX_TOKEN_AGE || null }
        : null,
    dreamerServices: e.DREAMER_SERVICES.map((entry) => {
      const at = entry.indexOf(':');
      return { slug: entry.slice(0, at), name: entry.slice(at + 1).trim() };
    }),
    sandboxControl: e.SANDBOX_CONTROL === '1',
    logLevel: e.LOG_LEVEL,
    neaV2MaxPaisa: e.NEA_V2_MAX_AMOUNT * 100,
    neaV2ServiceSlug: e.NEA_V2_SERVICE_SLUG,
    funding: fundingConfig(e),
    metrics: e.METRICS === '1',
  };
}

function fundingConfig(e: FundingEnv): FundingConfig {
  const methods = e.FUNDING ?? ['khalti', 'esewa'];
  return {
    methods,
    khalti: methods.includes('khalti')
      ? e.KHALTI_BASE_URL
        ? { baseUrl: e.KHALTI_BASE_URL.replace(/\/+$/, ''), secretKey: e.KHALTI_SECRET_KEY! }
        : { baseUrl: null, secretKey: DEFAULT_KHALTI_SANDBOX_KEY }
      : null,
    esewa: methods.includes('esewa')
      ? e.ESEWA_FORM_URL
        ? { formUrl: e.ESEWA_FORM_URL, statusUrl: e.ESEWA_STATUS_URL!, productCode: e.ESEWA_PRODUCT_CODE!, secretKey: e.ESEWA_SECRET_KEY! }
        : { formUrl: null, statusUrl: null, productCode: ESEWA_UAT_PRODUCT_CODE, secretKey: ESEWA_UAT_SECRET }
      : null,
  };
}
