import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, EVENT_NAMES } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { SecretBox } from '../crypto/secret-box.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import {
  DEFAULT_WEBHOOK_RATE_LIMIT,
  type WebhookCreateDto,
  type WebhookCreatedResponseDto,
  type WebhookDeliveryDto,
  type WebhookEventDto,
  type WebhookResponseDto,
  type WebhookTokenResponseDto,
  type WebhookUpdateDto,
} from './dto/webhook.dto.js';
import type { Webhook } from './entities/webhook.entity.js';
import { hashWebhookToken, newSigningSecret, newWebhookToken, tokenHint } from './webhook-crypto.js';
import { WebhookRegistry, WILDCARD_EXCLUDED } from './webhook-registry.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** The operator's side of webhooks: create, change, rotate, revoke, and read the delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly registry: WebhookRegistry,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  events(): WebhookEventDto[] {
    return EVENT_NAMES.map((name) => ({
      name,
      description: EVENT_CATALOG[name],
      inWildcard: !WILDCARD_EXCLUDED.includes(name),
    }));
  }

  async list(): Promise<WebhookResponseDto[]> {
    return (await this.webhooks.all()).map(toWebhookResponse);
  }

  async get(id: string): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.find(id));
  }

  async create(body: WebhookCreateDto): Promise<WebhookCreatedResponseDto> {
    const now = this.clock.now();
    const token = newWebhookToken();
    const secret = newSigningSecret();
    const webhook: Webhook = {
      id: randomUUID(),
      name: body.name.trim(),
      platform: body.platform ?? 'generic',
      events: unique(body.events ?? []),
      targetUrl: body.targetUrl ?? null,
      tokenHash: hashWebhookToken(token),
      tokenHint: tokenHint(token),
      secretSealed: this.box.encrypt(secret),
      enabled: body.enabled ?? true,
      disabledReason: null,
      rateLimitPerMinute: body.rateLimitPerMinute ?? DEFAULT_WEBHOOK_RATE_LIMIT,
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
    };
    await this.webhooks.insert(webhook);
    this.registry.set(webhook);
    return { ...toWebhookResponse(webhook), token, secret };
  }

  async update(id: string, body: WebhookUpdateDto): Promise<WebhookResponseDto> {
    const current = await this.find(id);
    const changes: Partial<Webhook> = { updatedAt: this.clock.now() };
    if (body.name !== undefined) changes.name = body.name.trim();
    if (body.platform !== undefined) changes.platform = body.platform;
    if (body.events !== undefined) changes.events = unique(body.events);
    if (body.targetUrl !== undefined) changes.targetUrl = body.targetUrl;
    if (body.rateLimitPerMinute !== undefined) changes.rateLimitPerMinute = body.rateLimitPerMinute;
    if (body.enabled !== undefined) {
      changes.enabled = body.enabled;
      changes.disabledReason = null;
    }
    const updated: Webhook = { ...current, ...changes };
    await this.webhooks.update(id, changes);
    this.registry.set(updated);
    if (current.enabled && !updated.enabled) {
      await this.deliveries.cancelPending(id, 'The webhook was disabled', changes.updatedAt!);
    }
    return toWebhookResponse(updated);
  }

  /** A new token; the old one is refused from now on. */
  async rotateToken(id: string): Promise<WebhookTokenResponseDto> {
    const current = await this.find(id);
    const token = newWebhookToken();
    const changes = { tokenHash: hashWebhookToken(token), tokenHint: tokenHint(token), updatedAt: this.clock.now() };
    await this.webhooks.update(id, changes);
    const updated = { ...current, ...changes };
    this.registry.set(updated);
    return { ...toWebhookResponse(updated), token };
  }

  async remove(id: string): Promise<void> {
    if (!(await this.webhooks.remove(id))) throw notFound(id);
    this.registry.delete(id);
  }

  async logs(id: string, limit: number): Promise<WebhookDeliveryDto[]> {
    await this.find(id);
    const deliveries = await this.deliveries.recent(id, limit);
    const attempts = await this.deliveries.attemptsOf(deliveries.map((d) => d.id));
    return deliveries.map((d) => ({
      id: d.id,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
      log: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({
          attempt: a.attempt,
          statusCode: a.statusCode,
          durationMs: a.durationMs,
          responseExcerpt: a.responseExcerpt,
          error: a.error,
          createdAt: a.createdAt.toISOString(),
        })),
    }));
  }

  private async find(id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findById(id);
    if (!webhook) throw notFound(id);
    return webhook;
  }
}

const notFound = (id: string) => new NotFoundException(`Webhook ${id} not found`);
const unique = (values: string[]) => [...new Set(values)];

export function toWebhookResponse(webhook: Webhook): WebhookResponseDto {
  return {
    id: webhook.id,
    name: webhook.name,
    platform: webhook.platform,
    events: webhook.events,
    targetUrl: webhook.targetUrl,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    rateLimitPerMinute: webhook.rateLimitPerMinute,
    tokenHint: webhook.tokenHint,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
    lastUsedAt: webhook.lastUsedAt?.toISOString() ?? null,
  };
}
