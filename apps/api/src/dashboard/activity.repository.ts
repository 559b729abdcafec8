import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqliteTable } from '../database/sqlite-table.js';
import { Transactions } from '../database/transactions.js';
import { ActivityEvent } from './entities/activity-event.entity.js';

/** All SQL for the kept activity events. */
@Injectable()
export class ActivityRepository {
  private table?: SqliteTable<ActivityEvent> | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  private get events() {
    return this.dataSource.getRepository(ActivityEvent);
  }

  /** Several events in one statement (PostgreSQL) or one transaction of prepared inserts (SQLite). */
  async insertMany(events: ActivityEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.table === undefined) this.table = SqliteTable.of(this.dataSource, ActivityEvent);
    const table = this.table;
    if (table) return this.transactions.write(() => events.forEach((event) => table.insert(event)));
    await this.events.insert(events);
  }

  /** Newest first. */
  recent(limit: number): Promise<ActivityEvent[]> {
    return this.events.find({ order: { createdAt: 'DESC' }, take: limit });
  }

  /** Deletes all but the newest `keep` events. */
  async prune(keep: number): Promise<void> {
    const [oldestKept] = await this.events.find({ order: { createdAt: 'DESC' }, skip: keep - 1, take: 1 });
    if (!oldestKept) return;
    await this.events
      .createQueryBuilder()
      .delete()
      .where('created_at < :before', { before: oldestKept.createdAt })
      .execute();
  }
}
