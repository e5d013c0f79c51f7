/**
 * Fixed-window request counter per key (an account, a node client or an IP), in memory: one
 * process (both apps' guards). Old windows are dropped as they pass, so memory stays bounded
 * by active keys.
 */
export class RateLimiter {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly perWindow: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts a request; false when the key is over its limit in this window. */
  take(key: string, now = Date.now()): boolean {
    const w = Math.floor(now / this.windowMs);
    if (w !== this.window) {
      this.window = w;
      this.counts = new Map();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= this.perWindow;
  }
}
