import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventName } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookRegistry } from './webhook-registry.js';
import { WebhooksService } from './webhooks.service.js';

/** The body every outbound delivery carries: the event, its payload, when, and who sent it. */
export function deliveryBody(event: EventName, payload: unknown, timestamp: string): string {
  return JSON.stringify({ event, payload, timestamp, source: 'loop-gateway' });
}

/** A delivery row due now: the worker signs and sends it, retrying by the retry policy. */
export function queuedDelivery(webhookId: string, event: EventName, body: string, now: Date): WebhookDelivery {
  return {
    id: randomUUID(),
    webhookId,
    event,
    body,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastStatusCode: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
}

export type OutboxResult = { webhookId: string; deliveryId: string } | { error: string };

/**
 * Sends one event to a URL the way every outbound event goes: through the durable delivery queue,
 * signed with the secret of the outbound webhook that targets the URL, retried, and logged with that
 * webhook's deliveries. A URL no webhook targets yet gets one registered for it (subscribed to no
 * events, so it receives only what is sent here); whoever must check signatures registers the
 * webhook first and keeps the secret it shows once.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    private readonly registry: WebhookRegistry,
    private readonly webhooks: WebhooksService,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly clock: Clock,
  ) {}

  async send(url: string, event: EventName, payload: unknown, registerAs: string): Promise<OutboxResult> {
    const target = this.registry.byTargetUrl(url);
    if (target && !target.enabled) {
      return {
        error: `The outbound webhook "${target.name}" for this URL is disabled${target.disabledReason ? `: ${target.disabledReason}` : ''}`,
      };
    }
    const webhookId =
      target?.id ??
      (await this.webhooks.create({ name: registerAs.slice(0, 100), platform: 'generic', events: [], targetUrl: url }))
        .id;
    if (!this.worker.hasRoom(webhookId)) return { error: 'The outbound webhook queue for this URL is full' };
    const now = this.clock.now();
    const delivery = queuedDelivery(webhookId, event, deliveryBody(event, payload, now.toISOString()), now);
    await this.deliveries.insertMany([delivery]);
    this.worker.enqueued([delivery]);
    return { webhookId, deliveryId: delivery.id };
  }
}
