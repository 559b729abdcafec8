import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Clock } from './clock.js';
import { RateLimiter } from './rate-limiter.js';
import { TooManyRequestsException } from './too-many-requests.exception.js';

/**
 * The /api request limit, per caller: per session or API key once the caller is known (so every
 * workflow behind one n8n address has its own budget), per client IP for anonymous requests.
 * RATE_LIMIT_PER_MINUTE applies unless a key carries its own limit. Over it: 429 with Retry-After.
 */
@Injectable()
export class ApiRateLimits {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.limiter = new RateLimiter(config.rateLimitPerMinute, 60_000);
  }

  /** Counts a request; throws the 429 when `caller` is over its limit, else returns what is left. */
  hit(caller: string, perMinute = this.config.rateLimitPerMinute): number {
    const verdict = this.limiter.hit(caller, this.clock.now().getTime(), perMinute);
    if (verdict.allowed) return verdict.remaining;
    throw new TooManyRequestsException(
      `Rate limit of ${perMinute} requests per minute exceeded; retry after ${verdict.retryAfterSeconds} s`,
      verdict.retryAfterSeconds,
    );
  }
}
