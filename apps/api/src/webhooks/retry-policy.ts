/** Outbound delivery retries: exponential backoff with jitter, honouring the receiver's Retry-After. */

export const RETRY_BASE_MS = 10_000;
export const RETRY_MAX_MS = 3_600_000;

export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'gone'; reason: string };

export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  retryAfterSeconds: number | null;
  location: string | null;
  permanent?: boolean;
}

/**
 * What to do after attempt number `attempt` (1-based): 2xx is delivered; 410 means the receiver is
 * gone for good; a network error, a timeout, 408, 429 and 5xx are retried until `maxAttempts`;
 * redirects are not followed and other answers (and requests that cannot be made) are not retried.
 */
export function judgeAttempt(
  result: AttemptResult,
  attempt: number,
  maxAttempts: number,
  random: () => number = Math.random,
): AttemptVerdict {
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone', reason: 'The receiver answered 410 Gone' };
  if (result.permanent) return { kind: 'failed', reason: result.error ?? 'The request cannot be made' };
  if (status !== null && status >= 300 && status < 400) {
    return { kind: 'failed', reason: `Redirect (${status}) to ${result.location ?? 'nowhere'} not followed` };
  }
  const retryable = status === null || status === 408 || status === 429 || status >= 500;
  const reason = status === null ? (result.error ?? 'Network error') : `The receiver answered ${status}`;
  if (!retryable) return { kind: 'failed', reason };
  if (attempt >= maxAttempts) return { kind: 'failed', reason: `${reason}; gave up after ${attempt} attempts` };
  const retryAfterMs = Math.min((result.retryAfterSeconds ?? 0) * 1000, RETRY_MAX_MS);
  return { kind: 'retry', delayMs: Math.max(backoffMs(attempt, random), retryAfterMs), reason };
}

/** 10 s, 20 s, 40 s, … up to an hour, each ±25 % at random so receivers are not hit in lockstep. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
  return Math.round(base * (0.75 + random() * 0.5));
}
