import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Webhook } from './entities/webhook.entity.js';

/** All SQL for the webhooks themselves. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get webhooks() {
    return this.dataSource.getRepository(Webhook);
  }

  all(): Promise<Webhook[]> {
    return this.webhooks.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<Webhook | null> {
    return this.webhooks.findOneBy({ id });
  }

  async insert(webhook: Webhook): Promise<void> {
    await this.webhooks.insert(webhook as QueryDeepPartialEntity<Webhook>);
  }

  async update(id: string, changes: Partial<Webhook>): Promise<void> {
    await this.webhooks.update({ id }, changes as QueryDeepPartialEntity<Webhook>);
  }

  /** Deletes the webhook with its deliveries, attempts and idempotency keys (cascade). */
  async remove(id: string): Promise<boolean> {
    const result = await this.webhooks.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
