import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, EVENT_NAMES } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { SecretBox } from '../crypto/secret-box.js';
import { ServiceBusyException } from '../common/service-busy.exception.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryWorker } from './delivery-worker.js';
import {
  DEFAULT_WEBHOOK_RATE_LIMIT,
  type WebhookCreateDto,
  type WebhookCreatedResponseDto,
  type WebhookDeliveryDetailDto,
  type WebhookDeliveryDto,
  type WebhookEventDto,
  type WebhookResponseDto,
  type WebhookTokenResponseDto,
  type WebhookUpdateDto,
} from './dto/webhook.dto.js';
import type { Webhook } from './entities/webhook.entity.js';
import type { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import type { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { hashWebhookToken, newSigningSecret, newWebhookToken, tokenHint } from './webhook-crypto.js';
import { WebhookRegistry, WILDCARD_EXCLUDED } from './webhook-registry.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** The operator's side of webhooks: create, change, rotate, revoke, and read the delivery log. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly registry: WebhookRegistry,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly worker: DeliveryWorker,
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
    return deliveries.map((d) => toDeliveryResponse(d, attempts));
  }

  /** One delivery with the exact body it sends and, per attempt, the headers sent (signature left out). */
  async delivery(webhookId: string, deliveryId: string): Promise<WebhookDeliveryDetailDto> {
    await this.find(webhookId);
    const delivery = await this.deliveries.findOne(webhookId, deliveryId);
    if (!delivery) throw new NotFoundException(`Delivery ${deliveryId} of webhook ${webhookId} not found`);
    return toDeliveryDetail(delivery, await this.deliveries.attemptsOf([delivery.id]));
  }

  /**
   * Queues the delivery's body again as a new delivery (its own webhook-id, signed afresh with the
   * current secret on every attempt, retried like any other), marked as a redelivery of the original
   * by `redeliveredBy`. The original must have ended (delivered, failed or cancelled) and the webhook
   * must be enabled with a target: otherwise a 409 says why.
   */
  async redeliver(webhookId: string, deliveryId: string, redeliveredBy: string): Promise<WebhookDelivery> {
    const webhook = await this.find(webhookId);
    const original = await this.deliveries.findOne(webhookId, deliveryId);
    if (!original) throw new NotFoundException(`Delivery ${deliveryId} of webhook ${webhookId} not found`);
    if (original.status === 'pending' || original.status === 'sending') {
      throw new ConflictException(`Delivery ${deliveryId} is still ${original.status}; wait for it to end`);
    }
    if (!webhook.enabled) {
      throw new ConflictException(
        `Webhook "${webhook.name}" is disabled${webhook.disabledReason ? ` (${webhook.disabledReason})` : ''}; enable it first`,
      );
    }
    if (!webhook.targetUrl) throw new ConflictException(`Webhook "${webhook.name}" has no target URL`);
    if (!this.worker.hasRoom(webhookId)) {
      throw new ServiceBusyException('The outbound queue of this webhook is full; try again shortly', 30);
    }
    const now = this.clock.now();
    const redelivery: WebhookDelivery = {
      id: randomUUID(),
      webhookId,
      event: original.event,
      body: original.body,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastStatusCode: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      redeliveryOf: original.id,
      redeliveredBy,
    };
    await this.deliveries.insertMany([redelivery]);
    this.worker.enqueued([redelivery]);
    this.logger.log(
      `Webhook ${webhookId} (${webhook.name}): delivery ${original.id} (${original.event}) redelivered as ${redelivery.id} by ${redeliveredBy}`,
    );
    return redelivery;
  }

  private async find(id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findById(id);
    if (!webhook) throw notFound(id);
    return webhook;
  }
}

const notFound = (id: string) => new NotFoundException(`Webhook ${id} not found`);
const unique = (values: string[]) => [...new Set(values)];

export function toDeliveryResponse(d: WebhookDelivery, attempts: WebhookDeliveryAttempt[]): WebhookDeliveryDto {
  return {
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
        requestHeaders: a.requestHeaders ?? null,
      })),
    redeliveryOf: d.redeliveryOf ?? null,
    redeliveredBy: d.redeliveredBy ?? null,
  };
}

function toDeliveryDetail(d: WebhookDelivery, attempts: WebhookDeliveryAttempt[]): WebhookDeliveryDetailDto {
  let payload: object;
  try {
    payload = JSON.parse(d.body) as object;
  } catch {
    payload = {};
  }
  return { ...toDeliveryResponse(d, attempts), body: d.body, payload };
}

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
