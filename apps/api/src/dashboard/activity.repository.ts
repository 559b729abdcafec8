import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActivityEvent } from './entities/activity-event.entity.js';

/** All SQL for the kept activity events. */
@Injectable()
export class ActivityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get events() {
    return this.dataSource.getRepository(ActivityEvent);
  }

  async insert(event: ActivityEvent): Promise<void> {
    await this.events.insert(event);
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
