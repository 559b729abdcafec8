import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiRateLimits } from './api-rate-limits.js';

/**
 * Anonymous /api requests count against the client IP here. A request with a bearer token is counted
 * by SessionAuthGuard once it knows the caller (its session or API key, or the IP for a bad token).
 */
@Injectable()
export class ApiRateLimitMiddleware implements NestMiddleware {
  constructor(private readonly limits: ApiRateLimits) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (hasBearer(req)) return next();
    try {
      res.setHeader('RateLimit-Remaining', String(this.limits.hit(ipCaller(req))));
      next();
    } catch (error) {
      next(error);
    }
  }
}

export function hasBearer(req: Request): boolean {
  return /^bearer\s+\S/i.test(req.headers.authorization ?? '');
}

export function ipCaller(req: Request): string {
  return `ip:${req.ip ?? 'unknown'}`;
}
