/**
 * What the embedded checkout-gateway sandboxes (Khalti KPG-2, eSewa ePay v2) share: armed faults, bounded
 * memory, and server-rendered pages that need no script and no inline style, so a strict CSP stays clean.
 */
import type { Context } from 'hono';
import { wait } from './sandbox.js';

export type GatewayFaultKind = 'http500' | 'hang' | 'refuse';
export const GATEWAY_FAULT_KINDS: GatewayFaultKind[] = ['http500', 'hang', 'refuse'];

export interface GatewayLimits {
  /** Payments kept, oldest evicted first beyond it, but never one younger than `retentionMs`. Default 10,000. */
  payments: number;
  /** Default 24 h: longer than the proxy's reconciler takes to give up on a payment. */
  retentionMs: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = { payments: 10_000, retentionMs: 24 * 3600_000 };

export interface GatewaySandboxOptions {
  now?: () => number;
  /** How long a `hang` fault holds its answer (unless the client goes away first). Default 120 s. */
  hangMs?: number;
  /** Let any client use the control routes (`/_sandbox/*`). Default: only loopback clients. */
  openControl?: boolean;
  limits?: Partial<GatewayLimits>;
}

/** Faults armed ahead through the control route, taken one per request of their step. */
export function createFaults<Step extends string>(steps: readonly Step[]) {
  const armed: { step: Step; kind: GatewayFaultKind; times: number }[] = [];
  return {
    armed,
    steps,
    arm(body: Record<string, unknown> | null): { step: Step; kind: GatewayFaultKind; times: number } | string {
      const step = body?.step as Step;
      const kind = body?.kind as GatewayFaultKind;
      if (!steps.includes(step) || !GATEWAY_FAULT_KINDS.includes(kind)) {
        return `step must be one of ${steps.join(', ')}; kind one of ${GATEWAY_FAULT_KINDS.join(', ')}`;
      }
      const times = Number.isInteger(body?.times) && (body!.times as number) > 0 ? (body!.times as number) : 1;
      const fault = { step, kind, times };
      armed.push(fault);
      return fault;
    },
    take(step: Step): GatewayFaultKind | undefined {
      const index = armed.findIndex((a) => a.step === step);
      if (index < 0) return undefined;
      const fault = armed[index]!;
      if (--fault.times <= 0) armed.splice(index, 1);
      return fault.kind;
    },
    clear() {
      armed.length = 0;
    },
  };
}

/**
 * Applies a lost-answer fault around `work`: the work is done first (the worst case: the money moved but
 * the answer is lost), then the answer hangs or becomes a 500. `refuse` is the caller's to interpret.
 */
export async function withGatewayFault(c: Context, fault: GatewayFaultKind | undefined, hangMs: number, work: () => Response): Promise<Response> {
  if (fault !== 'http500' && fault !== 'hang') return work();
  const response = work();
  if (fault === 'hang') {
    await wait(c, hangMs);
    return response;
  }
  return c.html('<h1>Server Error (500)</h1>', 500);
}

/**
 * Adds an entry to a creation-ordered map, then evicts the oldest beyond the cap, never one younger than
 * the retention window (so the cap is soft: a lookup within the window always finds its payment).
 */
export function keepBounded<T extends { createdAt: number }>(
  map: Map<string, T>,
  key: string,
  value: T,
  limits: GatewayLimits,
  now: number,
  onEvict: (evicted: T) => void = () => undefined,
) {
  map.set(key, value);
  const oldest = now - limits.retentionMs;
  for (const [k, v] of map) {
    if (map.size <= limits.payments || v.createdAt > oldest) break;
    map.delete(k);
    onEvict(v);
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * A gateway page: no script, no style attribute, forms that post to the sandbox itself. The CSP allows
 * form posts to this origin and to `formTargets` (Chromium applies `form-action` to the redirect that
 * follows a post too, so the merchant's return origins must be listed).
 */
export function gatewayPage(c: Context, title: string, body: string, formTargets: string[] = [], status: 200 | 400 | 404 = 200): Response {
  const origins = [...new Set(formTargets.flatMap((url) => {
    try {
      return [new URL(url).origin];
    } catch {
      return [];
    }
  }))];
  const csp = `default-src 'none'; form-action 'self' ${origins.join(' ')}; base-uri 'none'; frame-ancestors 'none'`.replace(/ {2,}/g, ' ');
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
  return c.html(html, status, { 'content-security-policy': csp, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
}

/** An instant as Nepal's gateways write it: ISO 8601 in Nepal time (UTC+05:45), e.g. `2023-05-25T16:26:16.471+05:45`. */
export function nepalTime(ms: number): string {
  return `${new Date(ms + (5 * 60 + 45) * 60_000).toISOString().slice(0, -1)}+05:45`;
}

/**
 * A gateway id: `length` characters, derived from a counter (no randomness, reproducible) and unique per
 * counter: the counter itself, in base 57, ends the id; mixed characters before it make ids look unrelated.
 */
export function gatewayId(prefix: string, counter: number, length = 22): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let tail = '';
  for (let rest = counter; tail.length < 4 || rest > 0; rest = Math.floor(rest / alphabet.length)) tail = alphabet[rest % alphabet.length] + tail;
  let out = prefix;
  for (let i = 0; out.length < length - tail.length; i++) out += alphabet[(counter * 7919 + i * 104_729 + ((counter >> i % 16) & 0xff)) % alphabet.length];
  return out + tail;
}

/** A form body or a JSON body, as an object of strings and values; null when it is neither. */
export async function readAnyBody(c: Context): Promise<Record<string, unknown> | null> {
  const type = c.req.header('content-type') ?? '';
  try {
    if (type.includes('application/json')) {
      const body: unknown = await c.req.json();
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    }
    if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
      const form = await c.req.parseBody();
      return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string'));
    }
    const text = await c.req.text();
    if (!text) return {};
    const body: unknown = JSON.parse(text);
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Appends query parameters to a URL that may already have some. */
export function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return target.toString();
}

/** Where the sandbox is mounted: the request's URL with `routePath` (the route's own path) removed. */
export function mountBase(c: Context, routePath: string): string {
  const url = new URL(c.req.url);
  const path = url.pathname.endsWith(routePath) ? url.pathname.slice(0, -routePath.length) : '';
  return `${url.origin}${path}`;
}
