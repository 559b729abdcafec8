import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { RateLimiter } from './rate-limiter.js';
import { TooManyRequestsException } from './too-many-requests.exception.js';

/** RATE_LIMIT_PER_MINUTE requests per client IP on /api; over it, 429 with Retry-After. */
@Injectable()
export class ApiRateLimitMiddleware implements NestMiddleware {
  private readonly limiter: RateLimiter;

  constructor(config: AppConfig) {
    this.limiter = new RateLimiter(config.rateLimitPerMinute, 60_000);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const verdict = this.limiter.hit(req.ip ?? 'unknown');
    res.setHeader('RateLimit-Remaining', String(verdict.remaining));
    if (verdict.allowed) return next();
    next(
      new TooManyRequestsException(
        `Rate limit of requests per minute exceeded; retry after ${verdict.retryAfterSeconds} s`,
        verdict.retryAfterSeconds,
      ),
    );
  }
}
