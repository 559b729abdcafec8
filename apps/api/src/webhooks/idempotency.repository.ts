import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { Transactions } from '../database/transactions.js';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { WebhookIdempotencyKey } from './entities/webhook-idempotency-key.entity.js';

/** All SQL for inbound idempotency keys. */
@Injectable()
export class IdempotencyRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  private get keys() {
    return this.dataSource.getRepository(WebhookIdempotencyKey);
  }

  find(webhookId: string, key: string): Promise<WebhookIdempotencyKey | null> {
    return this.keys.findOneBy({ webhookId, key });
  }

  /** Stores the key, replacing an expired record of the same key. */
  async save(record: WebhookIdempotencyKey): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.delete(WebhookIdempotencyKey, { webhookId: record.webhookId, key: record.key });
      await manager.insert(WebhookIdempotencyKey, record as QueryDeepPartialEntity<WebhookIdempotencyKey>);
    });
  }

  async pruneOlderThan(before: Date): Promise<number> {
    const result = await this.keys.delete({ createdAt: LessThan(before) });
    return result.affected ?? 0;
  }
}
