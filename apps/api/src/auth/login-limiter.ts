import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { RateLimiter } from '../common/rate-limiter.js';

const WINDOW_MS = 15 * 60_000;

/**
 * Brute-force limits on login, counted on failures only. The main key is IP + username, so an
 * attacker elsewhere can exhaust only their own attempts and never lock the real admin out; a looser
 * per-IP limit stops one address from spraying many usernames.
 */
@Injectable()
export class LoginLimiter {
  private readonly perIpAndUser: RateLimiter;
  private readonly perIp: RateLimiter;

  constructor(config: AppConfig) {
    this.perIpAndUser = new RateLimiter(config.loginMaxFailures, WINDOW_MS);
    this.perIp = new RateLimiter(config.loginMaxFailures * 4, WINDOW_MS);
  }

  /** Seconds to wait before this IP may try this username again, or 0. */
  retryAfter(ip: string, username: string): number {
    return Math.max(this.perIpAndUser.retryAfter(pairKey(ip, username)), this.perIp.retryAfter(ip));
  }

  recordFailure(ip: string, username: string): void {
    this.perIpAndUser.hit(pairKey(ip, username));
    this.perIp.hit(ip);
  }

  recordSuccess(ip: string, username: string): void {
    this.perIpAndUser.reset(pairKey(ip, username));
  }
}

const pairKey = (ip: string, username: string) => `${ip}|${username.toLowerCase()}`;
