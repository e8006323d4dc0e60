/**
 * Prometheus metrics (`METRICS=1`, served at the proxy's root as `GET /metrics`, beside /healthz): requests by
 * route and status with their latency, payments by ledger state, the reconciler's backlog, and the aggregator's
 * latency and outcomes by step. Labels are route patterns, steps and states, never a value from a request,
 * so the output holds no customer data, token or address, and its size is bounded.
 */
import { createRequire } from 'node:module';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { UpstreamOutcome } from './aggregator.js';
import { missingPeer } from './peer.js';
import type { LedgerState } from './providers/upstream.js';
import type { Store } from './store/store.js';

type PromClient = typeof import('prom-client');

const STATES: LedgerState[] = ['pending', 'unknown', 'success', 'failed'];

/** prom-client is an optional peer (CommonJS, so required synchronously: createProxy is synchronous). */
function promClient(): PromClient {
  try {
    return createRequire(import.meta.url)('prom-client') as PromClient;
  } catch (error) {
    return missingPeer('prom-client', 'METRICS=1')(error);
  }
}

/** The aggregator step of an upstream path: `/api/servicegroup/<step>/<service>/`, the service charges and the status lookup. */
export function upstreamStep(path: string): string {
  const grouped = /^\/api\/servicegroup\/([a-z-]+)\//.exec(path);
  if (grouped) return grouped[1]!;
  if (path.startsWith('/api/account/service-charges')) return 'servicecharge';
  if (path.startsWith('/api/service/status')) return 'status';
  return 'other';
}

export function createMetrics(store: Store, now: () => number) {
  const client = promClient();
  // One registry per proxy: several proxies in one process (tests, the portal demo) keep their own figures.
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requestTimes = new client.Histogram({
    name: 'bill_pay_http_request_duration_seconds',
    help: 'Requests answered by the proxy (its _count: how many), by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const upstreamCalls = new client.Histogram({
    name: 'bill_pay_upstream_duration_seconds',
    help: 'Calls to the aggregator by step and outcome (ok, or the error: timeout, unreachable, network, redirect, malformed, http_4xx, http_5xx)',
    labelNames: ['step', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const payments = new client.Gauge({
    name: 'bill_pay_payments',
    help: 'Payments in the ledger by state',
    labelNames: ['state'],
    registers: [registry],
  });
  const backlog = new client.Gauge({
    name: 'bill_pay_reconcile_backlog',
    help: 'Open payments (pending, unknown) whose status lookup is due now',
    registers: [registry],
  });

  return {
    /** Times every request answered past the probes; the route is the pattern that matched, or `unmatched`. */
    requests: (async (c: Context, next) => {
      const started = performance.now();
      await next();
      const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
      requestTimes.observe(
        { route: route?.path ?? 'unmatched', method: route?.method ?? 'other', status: String(c.res.status) },
        (performance.now() - started) / 1000,
      );
    }) satisfies MiddlewareHandler,
    /** For the aggregator's `observe` option. */
    upstream(path: string, seconds: number, outcome: UpstreamOutcome) {
      upstreamCalls.observe({ step: upstreamStep(path), outcome }, seconds);
    },
    /** `GET /metrics`: reads the ledger's figures (two indexed counts), then renders everything. */
    async handler(c: Context) {
      const counts = await store.counts(now());
      for (const state of STATES) payments.set({ state }, counts.byState[state] ?? 0);
      backlog.set(counts.due);
      return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    },
  };
}
