import { describe, expect, it } from 'vitest';
import { retryCountdown } from './retry-countdown';

describe('retryCountdown', () => {
  const now = Date.parse('2026-12-04T10:00:00.000Z');
  it('counts whole seconds up to the next attempt, rounded up', () => {
    expect(retryCountdown('2026-12-04T10:00:12.000Z', now)).toBe('Retrying in 12 s');
    expect(retryCountdown('2026-12-04T10:00:00.200Z', now)).toBe('Retrying in 1 s');
    expect(retryCountdown('2026-12-04T10:01:59.000Z', now)).toBe('Retrying in 119 s');
  });
  it('switches to minutes for long waits', () => {
    expect(retryCountdown('2026-12-04T10:02:30.000Z', now)).toBe('Retrying in 3 min');
  });
  it('says "now" once the time has come, and copes without a time', () => {
    expect(retryCountdown('2026-12-04T09:59:58.000Z', now)).toBe('Retrying now');
    expect(retryCountdown('2026-12-04T10:00:00.000Z', now)).toBe('Retrying now');
    expect(retryCountdown(null, now)).toBe('Retrying');
    expect(retryCountdown('not a date', now)).toBe('Retrying now');
  });
});
