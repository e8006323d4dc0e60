/**
 * Structured logging with redaction. The aggregator token and the merchant's credit figures are secrets
 * of the merchant: they are removed by key and by value before anything is written.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/**
 * A logger whose every line also carries `fields` (a request's id): the proxy hands one to the code that
 * works for a request (requestFrame makes it; `Payments.withLog`, `Aggregator.withLog` carry it down), so a
 * line logged however deep in the request has the request's id. Passed along, not found by
 * AsyncLocalStorage: with a store in use, Node 20's promise hooks run for every promise of the process, and
 * cost a lookup about a sixth of its instructions (README, "Figures").
 */
export function withFields(log: Logger, fields: Record<string, unknown>): Logger {
  return (level, event, more) => log(level, event, more ? { ...fields, ...more } : fields);
}

export type LogSink = (line: string) => void;

/**
 * `new Date(ms).toISOString()`, formatted once per second: V8 formats a date through snprintf (about 7,000
 * instructions a call, three per lookup); within one second only the milliseconds change. One cache per
 * caller (the log's clock, the quotes' expiry): callers that alternate between two seconds each keep theirs.
 */
export function isoClock(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (ms) => {
    // Outside years 1970-9999 (and for NaN, which throws) the plain formatter decides.
    if (!(ms >= 0 && ms < MAX_PLAIN_ISO_MS)) return new Date(ms).toISOString();
    const whole = Math.floor(ms);
    const s = Math.floor(whole / 1000);
    if (s !== second) {
      second = s;
      prefix = new Date(s * 1000).toISOString().slice(0, 20); // 2026-12-02T15:46:12.
    }
    const milli = whole - s * 1000;
    return `${prefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
}

/** 10000-01-01T00:00:00.000Z: from there on toISOString writes six-digit years. */
const MAX_PLAIN_ISO_MS = 253402300800000;
export type Logger = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

const SECRET_KEYS = /^(token|authorization|credits_available|credits_consumed|password|access_token|refresh_token)$/i;

// Two lines per request: plain loops, and strings copied only when a secret is in them.
export function redact(value: unknown, secrets: string[], depth = 0): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const secret of secrets) if (secret && out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  if (value instanceof Error) return redact({ name: value.name, message: value.message }, secrets, depth + 1);
  // No prototype: a field named __proto__ (a logged body's, say) stays a field.
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, secrets, depth + 1);
  return out;
}

/** A logger that writes lines at `minLevel` or above (default `info`); `withFields` adds a request's fields. */
export function createLogger(
  secrets: string[],
  sink: LogSink = (line) => process.stderr.write(`${line}\n`),
  minLevel: LogLevel = 'info',
): Logger {
  const least = LOG_LEVELS.indexOf(minLevel);
  const wanted = secrets.filter(Boolean);
  const iso = isoClock();
  return (level, event, fields = {}) => {
    if (LOG_LEVELS.indexOf(level) < least) return;
    const line = { time: iso(Date.now()), level, event, ...fields };
    sink(JSON.stringify(clean(line, wanted) ? line : redact(line, secrets)));
  };
}

/**
 * Whether a line needs no redaction: flat (every value a string, number, boolean or nothing), no secret
 * key, no secret in a string. Most lines are (a request's two): they are written as they are, without
 * redact's copy; any other line goes through redact.
 */
function clean(line: Record<string, unknown>, secrets: string[]): boolean {
  for (const key in line) {
    const value = line[key];
    if (typeof value === 'string') {
      for (const secret of secrets) if (value.includes(secret)) return false;
    } else if (value !== null && typeof value === 'object') return false;
    if (SECRET_KEYS.test(key)) return false;
  }
  return true;
}
