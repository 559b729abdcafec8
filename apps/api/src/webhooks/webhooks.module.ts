import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryWorker } from './delivery-worker.js';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookIdempotencyKey } from './entities/webhook-idempotency-key.entity.js';
import { Webhook } from './entities/webhook.entity.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { InboundController } from './inbound.controller.js';
import { InboundService } from './inbound.service.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';
import { WebhookAuth } from './webhook-auth.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookRegistry } from './webhook-registry.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookTokenGuard } from './webhook-token.guard.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks: the operator's admin API, inbound invocations and loop tasks under /webhook
 * (token-authenticated, rate-limited per webhook, idempotent on request), and signed outbound event
 * deliveries from a durable queue.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Webhook, WebhookDelivery, WebhookDeliveryAttempt, WebhookIdempotencyKey]),
    AgentsModule,
    TasksModule,
  ],
  controllers: [WebhooksController, InboundController],
  providers: [
    WebhooksService,
    WebhooksRepository,
    DeliveriesRepository,
    IdempotencyRepository,
    WebhookRegistry,
    WebhookAuth,
    WebhookTokenGuard,
    InboundService,
    OutboundDispatcher,
    DeliveryWorker,
    WebhookSender,
    WebhookOutbox,
  ],
  exports: [WebhookOutbox],
})
export class WebhooksModule {}
