import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { deliveryBody, queuedDelivery } from './webhook-outbox.js';
import { WebhookRegistry } from './webhook-registry.js';

const MAX_BUFFERED = 10_000;
const INSERT_CHUNK = 200;

/**
 * Turns bus events into queued deliveries. The bus handler only matches subscriptions in memory and
 * buffers rows; they are inserted in one batch on the next turn of the event loop, so neither a slow
 * receiver nor the database write holds up the pipeline that emitted the event.
 */
@Injectable()
export class OutboundDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutboundDispatcher.name);
  private subscription: Subscription | undefined;
  private buffer: WebhookDelivery[] = [];
  private flushing: Promise<void> | null = null;
  private flushScheduled = false;
  private dropped = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly registry: WebhookRegistry,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.subscription = this.bus.events$.subscribe((event) => this.dispatch(event));
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.flushing;
    await this.flush();
  }

  private dispatch(event: GatewayEvent): void {
    const targets = this.registry.subscribersOf(event.event);
    if (targets.length === 0) return;
    const body = deliveryBody(event.event, forWebhooks(event), event.timestamp);
    const now = this.clock.now();
    for (const webhook of targets) {
      if (this.buffer.length >= MAX_BUFFERED || !this.worker.hasRoom(webhook.id)) {
        if (this.dropped++ % 1000 === 0) {
          this.logger.warn(`Webhook queue full: dropped ${event.event} for webhook ${webhook.id}`);
        }
        continue;
      }
      this.buffer.push(queuedDelivery(webhook.id, event.event, body, now));
    }
    if (this.buffer.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.scheduleFlush();
      });
    }
  }

  private async scheduleFlush(): Promise<void> {
    await this.flushing;
    this.flushing = this.flush().finally(() => (this.flushing = null));
  }

  private async flush(): Promise<void> {
    const rows = this.buffer;
    this.buffer = [];
    if (rows.length === 0) return;
    try {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await this.deliveries.insertMany(rows.slice(i, i + INSERT_CHUNK));
      }
      this.worker.enqueued(rows);
    } catch (error) {
      this.logger.error({ err: error }, `Could not queue ${rows.length} webhook deliveries`);
    }
  }
}

/** The payload as webhooks get it: a channel's pairing QR code is for the console's admins only. */
function forWebhooks(event: GatewayEvent): GatewayEvent['payload'] {
  if (event.event !== 'channel:status') return event.payload;
  const { qr: _qr, ...rest } = event.payload;
  return rest as GatewayEvent['payload'];
}
