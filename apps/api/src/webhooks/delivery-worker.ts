import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import type { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { InboundService } from './inbound.service.js';
import { judgeAttempt } from './retry-policy.js';
import { signWebhook } from './webhook-crypto.js';
import { WebhookRegistry } from './webhook-registry.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksRepository } from './webhooks.repository.js';

const POLL_MS = 500;
const CONCURRENCY = 8;
const PER_WEBHOOK_CONCURRENCY = 2;
const MAX_QUEUED_PER_WEBHOOK = 10_000;
const HOUSEKEEPING_MS = 10 * 60_000;
const RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * Sends queued deliveries: at most 8 at a time (2 per webhook, so one slow receiver cannot hold up
 * the others), each attempt signed afresh, logged, and judged by the retry policy. Due deliveries are
 * polled twice a second and picked up at once when new ones are queued. Attempts interrupted by a stop
 * are due again at the next start. Finished deliveries are kept for 7 days.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly inFlightPerWebhook = new Map<string, number>();
  private queued = new Map<string, number>();
  private readonly stopping = new AbortController();
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private poller: NodeJS.Timeout | undefined;
  private housekeeper: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly registry: WebhookRegistry,
    private readonly sender: WebhookSender,
    private readonly inbound: InboundService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const interrupted = await this.deliveries.resetSending(this.clock.now());
    if (interrupted > 0) this.logger.log(`${interrupted} interrupted webhook delivery attempt(s) will be retried`);
    this.queued = await this.deliveries.pendingCounts();
    this.started = true;
    this.poller = setInterval(() => this.kick(), POLL_MS);
    this.poller.unref();
    this.housekeeper = setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS);
    this.housekeeper.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.poller);
    clearInterval(this.housekeeper);
    this.stopping.abort();
    await this.pumping;
    await Promise.allSettled(this.inFlight.values());
  }

  /** Whether the webhook's queue has room for another delivery (the queue is bounded per webhook). */
  hasRoom(webhookId: string): boolean {
    return (this.queued.get(webhookId) ?? 0) < MAX_QUEUED_PER_WEBHOOK;
  }

  /** Called once new deliveries are stored: counts them and starts sending. */
  enqueued(rows: WebhookDelivery[]): void {
    for (const row of rows) this.queued.set(row.webhookId, (this.queued.get(row.webhookId) ?? 0) + 1);
    this.kick();
  }

  kick(): void {
    if (!this.started || this.stopping.signal.aborted) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => this.logger.error({ err: error }, 'Webhook delivery worker failed'))
      .finally(() => {
        this.pumping = null;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    const free = CONCURRENCY - this.inFlight.size;
    if (free <= 0) return;
    const due = await this.deliveries.due(this.clock.now(), free * 4);
    let started = 0;
    for (const delivery of due) {
      if (started >= free || this.stopping.signal.aborted) break;
      if (this.inFlight.has(delivery.id)) continue;
      if ((this.inFlightPerWebhook.get(delivery.webhookId) ?? 0) >= PER_WEBHOOK_CONCURRENCY) continue;
      if (!(await this.deliveries.claim(delivery.id, this.clock.now()))) continue;
      started++;
      this.track(delivery, +1);
      const work = this.attempt(delivery)
        .catch((error: unknown) =>
          this.logger.error({ err: error, deliveryId: delivery.id }, 'Delivery attempt failed'),
        )
        .finally(() => {
          this.track(delivery, -1);
          this.kick();
        });
      this.inFlight.set(delivery.id, work);
    }
  }

  private track(delivery: WebhookDelivery, change: 1 | -1): void {
    const count = (this.inFlightPerWebhook.get(delivery.webhookId) ?? 0) + change;
    if (count > 0) this.inFlightPerWebhook.set(delivery.webhookId, count);
    else this.inFlightPerWebhook.delete(delivery.webhookId);
    if (change < 0) this.inFlight.delete(delivery.id);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const webhook = this.registry.get(delivery.webhookId);
    const now = this.clock.now();
    if (!webhook?.enabled || !webhook.targetUrl) {
      await this.deliveries.cancel(delivery.id, 'The webhook was disabled or has no target URL', now);
      this.settled(delivery.webhookId);
      return;
    }
    const attempt = delivery.attempts + 1;
    const timestamp = Math.floor(now.getTime() / 1000);
    const headers = {
      'webhook-id': delivery.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(this.registry.secretOf(webhook), delivery.id, timestamp, delivery.body),
    };
    const result = await this.sender.send(
      webhook.targetUrl,
      headers,
      delivery.body,
      this.config.webhookDeliveryTimeoutMs,
      this.stopping.signal,
    );
    // Stopping: the attempt is left as `sending` and retried at the next start.
    if (this.stopping.signal.aborted) return;
    const verdict = judgeAttempt(result, attempt, this.config.webhookDeliveryMaxAttempts);
    const after = this.clock.now();
    const base = { attempts: attempt, lastStatusCode: result.statusCode, updatedAt: after };
    const log = {
      id: randomUUID(),
      deliveryId: delivery.id,
      webhookId: delivery.webhookId,
      attempt,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      responseExcerpt: result.responseExcerpt,
      error: result.error ?? (verdict.kind === 'failed' || verdict.kind === 'gone' ? verdict.reason : null),
      createdAt: now,
      requestHeaders: result.requestHeaders,
    };
    switch (verdict.kind) {
      case 'delivered':
        await this.deliveries.recordAttempt(log, { ...base, status: 'delivered', lastError: null });
        this.settled(delivery.webhookId);
        return;
      case 'retry':
        await this.deliveries.recordAttempt(log, {
          ...base,
          status: 'pending',
          lastError: verdict.reason,
          nextAttemptAt: new Date(after.getTime() + verdict.delayMs),
        });
        return;
      case 'failed':
        await this.deliveries.recordAttempt(log, { ...base, status: 'failed', lastError: verdict.reason });
        this.settled(delivery.webhookId);
        this.logger.warn(`Webhook delivery ${delivery.id} (${delivery.event}) failed: ${verdict.reason}`);
        return;
      case 'gone':
        await this.deliveries.recordAttempt(log, { ...base, status: 'failed', lastError: verdict.reason });
        await this.disable(delivery.webhookId, `The receiver answered 410 Gone at ${after.toISOString()}`, after);
        return;
    }
  }

  /** The receiver said it is gone: the webhook is disabled and its queue dropped. */
  private async disable(webhookId: string, reason: string, now: Date): Promise<void> {
    const webhook = this.registry.get(webhookId);
    if (!webhook) return;
    const changes = { enabled: false, disabledReason: reason, updatedAt: now };
    await this.webhooks.update(webhookId, changes);
    this.registry.set({ ...webhook, ...changes });
    await this.deliveries.cancelPending(webhookId, reason, now);
    this.queued.delete(webhookId);
    this.logger.warn(`Webhook ${webhookId} (${webhook.name}) disabled: ${reason}`);
  }

  private settled(webhookId: string): void {
    const count = (this.queued.get(webhookId) ?? 1) - 1;
    if (count > 0) this.queued.set(webhookId, count);
    else this.queued.delete(webhookId);
  }

  private async housekeeping(): Promise<void> {
    try {
      await this.deliveries.pruneFinished(new Date(this.clock.now().getTime() - RETENTION_MS));
      await this.inbound.pruneKeys();
      this.queued = await this.deliveries.pendingCounts();
    } catch (error) {
      this.logger.error({ err: error }, 'Webhook housekeeping failed');
    }
  }
}
