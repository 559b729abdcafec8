import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan, LessThanOrEqual } from 'typeorm';
import { Transactions } from '../database/transactions.js';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { type DeliveryStatus, WebhookDelivery } from './entities/webhook-delivery.entity.js';

/** All SQL for the outbound delivery queue and its attempt log. */
@Injectable()
export class DeliveriesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  private get deliveries() {
    return this.dataSource.getRepository(WebhookDelivery);
  }

  private get attempts() {
    return this.dataSource.getRepository(WebhookDeliveryAttempt);
  }

  async insertMany(rows: WebhookDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await this.deliveries.insert(rows as QueryDeepPartialEntity<WebhookDelivery>[]);
  }

  /** Attempts a stop or crash interrupted are due again. */
  async resetSending(now: Date): Promise<number> {
    const result = await this.deliveries.update(
      { status: 'sending' },
      { status: 'pending', nextAttemptAt: now, updatedAt: now },
    );
    return result.affected ?? 0;
  }

  /** Pending deliveries whose time has come, the most overdue first. */
  due(now: Date, limit: number): Promise<WebhookDelivery[]> {
    return this.deliveries.find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
  }

  /** Marks a pending delivery as being sent; false when another worker (or a cancel) got there first. */
  async claim(id: string, now: Date): Promise<boolean> {
    const result = await this.deliveries.update({ id, status: 'pending' }, { status: 'sending', updatedAt: now });
    return (result.affected ?? 0) > 0;
  }

  /** Stores an attempt and the delivery's new state together. */
  async recordAttempt(attempt: WebhookDeliveryAttempt, changes: Partial<WebhookDelivery>): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.insert(WebhookDeliveryAttempt, attempt as QueryDeepPartialEntity<WebhookDeliveryAttempt>);
      await manager.update(
        WebhookDelivery,
        { id: attempt.deliveryId },
        changes as QueryDeepPartialEntity<WebhookDelivery>,
      );
    });
  }

  async cancel(id: string, reason: string, now: Date): Promise<void> {
    await this.deliveries.update({ id }, { status: 'cancelled', lastError: reason, updatedAt: now });
  }

  /** Cancels a webhook's unsent deliveries (it was disabled); returns how many. */
  async cancelPending(webhookId: string, reason: string, now: Date): Promise<number> {
    const result = await this.deliveries.update(
      { webhookId, status: In(['pending']) },
      { status: 'cancelled', lastError: reason, updatedAt: now },
    );
    return result.affected ?? 0;
  }

  /** Unfinished deliveries per webhook (for the queue bound). */
  async pendingCounts(): Promise<Map<string, number>> {
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.webhook_id', 'webhookId')
      .addSelect('COUNT(*)', 'count')
      .where('d.status IN (:...statuses)', { statuses: ['pending', 'sending'] satisfies DeliveryStatus[] })
      .groupBy('d.webhook_id')
      .getRawMany<{ webhookId: string; count: string | number }>();
    return new Map(rows.map((r) => [r.webhookId, Number(r.count)]));
  }

  findOne(webhookId: string, id: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOneBy({ webhookId, id });
  }

  recent(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.deliveries.find({ where: { webhookId }, order: { createdAt: 'DESC' }, take: limit });
  }

  attemptsOf(deliveryIds: string[]): Promise<WebhookDeliveryAttempt[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.attempts.find({ where: { deliveryId: In(deliveryIds) }, order: { attempt: 'ASC' } });
  }

  /** Forgets finished deliveries (and their attempts) older than `before`. */
  async pruneFinished(before: Date): Promise<number> {
    const result = await this.deliveries.delete({
      status: In(['delivered', 'failed', 'cancelled']),
      updatedAt: LessThan(before),
    });
    return result.affected ?? 0;
  }
}
