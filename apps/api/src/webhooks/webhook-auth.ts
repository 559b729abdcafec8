import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { TooManyRequestsException } from '../common/too-many-requests.exception.js';
import { AppConfig } from '../config/app-config.js';
import type { Webhook } from './entities/webhook.entity.js';
import { hashWebhookToken, sameHash } from './webhook-crypto.js';
import { WebhookRegistry } from './webhook-registry.js';
import { WebhooksRepository } from './webhooks.repository.js';

const MINUTE_MS = 60_000;
const LAST_USED_EVERY_MS = 60_000;

/**
 * Inbound token checks: the token's SHA-256 is looked up in memory (no query, no write for a bad
 * token), unknown and revoked tokens get the same 401, and each IP has a budget of failed attempts
 * per minute so tokens cannot be guessed. A known token then counts against its webhook's own rate
 * limit. Nothing here touches the model.
 */
@Injectable()
export class WebhookAuth {
  private readonly logger = new Logger(WebhookAuth.name);
  private readonly failures: RateLimiter;
  private readonly limits = new Map<string, { perMinute: number; limiter: RateLimiter }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    config: AppConfig,
    private readonly registry: WebhookRegistry,
    private readonly webhooks: WebhooksRepository,
    private readonly clock: Clock,
  ) {
    this.failures = new RateLimiter(config.webhookTokenFailuresPerMinute, MINUTE_MS);
  }

  authenticate(token: string | undefined, ip: string): Webhook {
    const now = this.clock.now().getTime();
    const wait = this.failures.retryAfter(ip, now);
    if (wait > 0) {
      throw new TooManyRequestsException(
        `Too many invalid webhook tokens from this address; retry after ${wait} s`,
        wait,
      );
    }
    if (!token) {
      throw new UnauthorizedException(
        'Missing webhook token: put it in the path, an X-Webhook-Token header or Authorization: Bearer',
      );
    }
    const hash = hashWebhookToken(token);
    const webhook = this.registry.byTokenHash(hash);
    if (!webhook || !sameHash(webhook.tokenHash, hash) || !webhook.enabled) {
      this.failures.hit(ip, now);
      throw new UnauthorizedException('Invalid or revoked webhook token');
    }
    const verdict = this.limiterFor(webhook).hit(webhook.id, now);
    if (!verdict.allowed) {
      throw new TooManyRequestsException(
        `Rate limit of ${webhook.rateLimitPerMinute} requests per minute for this webhook exceeded; retry after ${verdict.retryAfterSeconds} s`,
        verdict.retryAfterSeconds,
      );
    }
    this.touch(webhook, now);
    return webhook;
  }

  private limiterFor(webhook: Webhook): RateLimiter {
    const current = this.limits.get(webhook.id);
    if (current?.perMinute === webhook.rateLimitPerMinute) return current.limiter;
    if (this.limits.size >= 10_000) this.limits.clear();
    const limiter = new RateLimiter(webhook.rateLimitPerMinute, MINUTE_MS, 1);
    this.limits.set(webhook.id, { perMinute: webhook.rateLimitPerMinute, limiter });
    return limiter;
  }

  /** Records when the webhook was last used, at most once a minute so the hot path stays write-free. */
  private touch(webhook: Webhook, now: number): void {
    if (now - (this.lastUsedWritten.get(webhook.id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(webhook.id, now);
    const lastUsedAt = new Date(now);
    webhook.lastUsedAt = lastUsedAt;
    this.webhooks
      .update(webhook.id, { lastUsedAt })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not record webhook use'));
  }
}
