import { describe, expect, it } from '@jest/globals';
import { cacheSavingsOf, costOf, DEFAULT_PRICES } from './prices.js';

describe('cache pricing', () => {
  const tokens = {
    inputTokens: 1_000_000,
    outputTokens: 0,
    cacheCreationTokens: 1_000_000,
    cacheReadTokens: 10_000_000,
  };

  it('prices cache writes at 1.25x and reads at 0.1x the input price by default', () => {
    for (const price of Object.values(DEFAULT_PRICES)) {
      expect(price.cacheWrite).toBeCloseTo(price.input * 1.25, 6);
      expect(price.cacheRead).toBeCloseTo(price.input * 0.1, 6);
    }
    // Sonnet: 1M input at $3, 1M written at $3.75, 10M read at $0.30.
    expect(costOf('claude-sonnet-4-6', tokens, DEFAULT_PRICES)).toBe(3 + 3.75 + 3);
  });

  it('says what caching saved against sending the same tokens uncached', () => {
    // 11M cached tokens would have cost $33 as input; they cost $6.75.
    expect(cacheSavingsOf('claude-sonnet-4-6', tokens, DEFAULT_PRICES)).toBe(33 - 6.75);
    // Writing without reading yet costs more than not caching.
    expect(
      cacheSavingsOf('claude-sonnet-4-6', { cacheCreationTokens: 1_000_000, cacheReadTokens: 0 }, DEFAULT_PRICES),
    ).toBe(-0.75);
    expect(cacheSavingsOf('unknown-model', tokens, DEFAULT_PRICES)).toBeNull();
  });
});
