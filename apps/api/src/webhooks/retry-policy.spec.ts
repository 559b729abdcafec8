import { backoffMs, judgeAttempt } from './retry-policy.js';
import { parseRetryAfter } from './webhook-sender.js';

const result = (statusCode: number | null, extra: object = {}) => ({
  statusCode,
  error: statusCode === null ? 'ECONNREFUSED' : null,
  retryAfterSeconds: null,
  location: null,
  ...extra,
});

describe('outbound retry policy', () => {
  it('backs off exponentially with ±25 % jitter, capped at an hour', () => {
    expect(backoffMs(1, () => 0.5)).toBe(10_000);
    expect(backoffMs(2, () => 0.5)).toBe(20_000);
    expect(backoffMs(4, () => 0)).toBe(60_000);
    expect(backoffMs(4, () => 1)).toBe(100_000);
    expect(backoffMs(30, () => 0.5)).toBe(3_600_000);
  });

  it('retries network errors, 408, 429 and 5xx; gives up after the last attempt', () => {
    for (const status of [null, 408, 429, 500, 503]) {
      expect(judgeAttempt(result(status), 1, 5, () => 0.5)).toMatchObject({ kind: 'retry', delayMs: 10_000 });
    }
    expect(judgeAttempt(result(500), 5, 5)).toEqual({
      kind: 'failed',
      reason: 'The receiver answered 500; gave up after 5 attempts',
    });
  });

  it('waits at least as long as Retry-After asks (up to an hour)', () => {
    expect(judgeAttempt(result(429, { retryAfterSeconds: 120 }), 1, 5, () => 0.5)).toMatchObject({
      kind: 'retry',
      delayMs: 120_000,
    });
    expect(judgeAttempt(result(503, { retryAfterSeconds: 999_999 }), 1, 5, () => 0.5)).toMatchObject({
      delayMs: 3_600_000,
    });
  });

  it('delivers on 2xx, stops on 410, does not follow redirects or retry other 4xx', () => {
    expect(judgeAttempt(result(204), 1, 5)).toEqual({ kind: 'delivered' });
    expect(judgeAttempt(result(410), 1, 5)).toMatchObject({ kind: 'gone' });
    expect(judgeAttempt(result(302, { location: 'http://elsewhere/' }), 1, 5)).toEqual({
      kind: 'failed',
      reason: 'Redirect (302) to http://elsewhere/ not followed',
    });
    expect(judgeAttempt(result(400), 1, 5)).toEqual({ kind: 'failed', reason: 'The receiver answered 400' });
  });

  it('does not retry a request that cannot be made', () => {
    expect(judgeAttempt(result(null, { error: 'credentials in the URL', permanent: true }), 1, 5)).toEqual({
      kind: 'failed',
      reason: 'credentials in the URL',
    });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('30', 0)).toBe(30);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 0)).toBe(60);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });
});
