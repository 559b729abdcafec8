import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows up to the limit per window, then asks the caller to wait until the window ends', () => {
    const limiter = new RateLimiter(3, 60_000);
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.hit('ip', t0).allowed)).toEqual([true, true, true]);
    const over = limiter.hit('ip', t0 + 15_000);
    expect(over.allowed).toBe(false);
    expect(over.retryAfterSeconds).toBe(45);
    expect(limiter.hit('other-ip', t0).allowed).toBe(true);
    expect(limiter.hit('ip', t0 + 60_000).allowed).toBe(true);
  });

  it('reports the wait without counting, and forgets a key on reset', () => {
    const limiter = new RateLimiter(2, 10_000);
    limiter.hit('k', 0);
    expect(limiter.retryAfter('k', 0)).toBe(0);
    limiter.hit('k', 0);
    expect(limiter.retryAfter('k', 2_500)).toBe(8);
    limiter.reset('k');
    expect(limiter.retryAfter('k', 2_500)).toBe(0);
  });

  it('stays bounded in memory by dropping the oldest windows', () => {
    const limiter = new RateLimiter(1, 60_000, 100);
    for (let i = 0; i < 1_000; i++) limiter.hit(`key-${i}`, 0);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
    // The newest keys are still counted.
    expect(limiter.hit('key-999', 0).allowed).toBe(false);
  });
});
