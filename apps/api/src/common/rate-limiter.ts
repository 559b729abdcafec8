/**
 * Fixed-window counters per key, bounded in memory: when `maxKeys` is reached the oldest windows are
 * dropped first. Used for the /api request limit and for failed-login limits.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /**
   * Counts one hit for `key`; returns the seconds to wait when the key is over its limit (`limit`, for
   * keys with a limit of their own, else the limiter's).
   */
  hit(
    key: string,
    now = Date.now(),
    limit = this.limit,
  ): { allowed: boolean; retryAfterSeconds: number; remaining: number } {
    const window = this.current(key, now) ?? this.open(key, now);
    window.count++;
    return this.verdict(window, now, limit);
  }

  /** Seconds until `key` may be counted again without exceeding its limit; 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const window = this.current(key, now);
    return window && window.count >= this.limit ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : 0;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private verdict(window: { count: number; resetAt: number }, now: number, limit: number) {
    const allowed = window.count <= limit;
    return {
      allowed,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
      remaining: Math.max(0, limit - window.count),
    };
  }

  private current(key: string, now: number) {
    const window = this.windows.get(key);
    if (window && window.resetAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private open(key: string, now: number) {
    if (this.windows.size >= this.maxKeys) {
      // Maps iterate in insertion order, so the first keys are the oldest windows.
      for (const oldest of this.windows.keys()) {
        this.windows.delete(oldest);
        if (this.windows.size < this.maxKeys * 0.9) break;
      }
    }
    const window = { count: 0, resetAt: now + this.windowMs };
    this.windows.set(key, window);
    return window;
  }
}
