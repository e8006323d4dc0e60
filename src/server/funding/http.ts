/**
 * Calls to a checkout gateway, with the aggregator client's rules (aggregator.ts): a timeout that also
 * covers fetch implementations ignoring the abort signal, redirects never followed (they would re-send the
 * secret key to a host nobody configured), every ending returned as a value, and the secret keys removed
 * from answers before anything reads them.
 */
import type { UpstreamResult } from '../aggregator.js';
import type { Logger } from '../log.js';

export interface GatewayClientOptions {
  /** For log lines: `khalti`, `esewa`. */
  gateway: string;
  timeoutMs: number;
  log: Logger;
  fetch?: typeof fetch;
  /** Removed from every answer (and never logged: the logger is given them as secrets too). */
  secrets: string[];
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function gatewayClient(options: GatewayClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const scrub = (text: string) =>
    options.secrets
      .filter(Boolean)
      .flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])
      .reduce((out, secret) => out.split(secret).join('[redacted]'), text);

  return async function call(url: string, init: RequestInit): Promise<UpstreamResult> {
    const path = new URL(url).pathname;
    const fields = { gateway: options.gateway, path };
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve('timeout');
      }, options.timeoutMs);
    });
    const started = performance.now();
    try {
      const exchange = (async () => {
        const response = await doFetch(url, { ...init, redirect: 'manual', signal: controller.signal });
        return { status: response.status, text: await response.text() };
      })();
      const outcome = await Promise.race([exchange, timedOut]);
      if (outcome === 'timeout') {
        exchange.catch(() => undefined);
        options.log('warn', 'funding.timeout', { ...fields, ms: options.timeoutMs });
        return { kind: 'timeout' };
      }
      if (outcome.status >= 300 && outcome.status < 400) {
        options.log('error', 'funding.redirect', { ...fields, status: outcome.status });
        return { kind: 'answer', status: outcome.status, body: undefined };
      }
      let body: unknown;
      try {
        body = JSON.parse(scrub(outcome.text));
      } catch {
        body = undefined;
      }
      options.log('info', 'funding.answer', { ...fields, status: outcome.status, json: body !== undefined, ms: Math.round(performance.now() - started) });
      return { kind: 'answer', status: outcome.status, body };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
      options.log('warn', 'funding.network', { ...fields, code });
      return NEVER_SENT.has(code) ? { kind: 'unreachable' } : { kind: 'network' };
    } finally {
      clearTimeout(timer);
    }
  };
}

export type GatewayCall = ReturnType<typeof gatewayClient>;
