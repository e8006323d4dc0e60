import type { Store } from './store/store.js';

/**
 * Fixed one-minute windows per key (a client IP, or a customer looked up), counted in the store, so
 * every proxy instance on one PostgreSQL ledger shares the same limits.
 */
export class RateLimiter {
  constructor(
    private readonly store: Store,
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Whether there is a limit to count (a limit of 0 is none): without one, callers need not wait for `hit`. */
  get active(): boolean {
    return this.perMinute > 0;
  }

  /** Counts a hit; returns the seconds to wait when over the limit, else 0. A limit of 0 is no limit. */
  async hit(key: string): Promise<number> {
    if (this.perMinute <= 0) return 0;
    const t = this.now();
    const windowStart = t - (t % 60_000);
    const hits = await this.store.rateHit(key, windowStart);
    return hits > this.perMinute ? Math.ceil((windowStart + 60_000 - t) / 1000) : 0;
  }
}
