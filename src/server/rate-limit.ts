/** Fixed one-minute windows per key (client IP, or a customer looked up). In memory, per instance. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts a hit; returns the seconds to wait when over the limit, else 0. A limit of 0 is no limit. */
  hit(key: string): number {
    if (this.perMinute <= 0) return 0;
    const t = this.now();
    let w = this.#windows.get(key);
    if (!w || t - w.start >= 60_000) {
      if (this.#windows.size > 100_000) this.#windows.clear();
      w = { start: t, count: 0 };
      this.#windows.set(key, w);
    }
    return ++w.count > this.perMinute ? Math.ceil((w.start + 60_000 - t) / 1000) : 0;
  }
}
