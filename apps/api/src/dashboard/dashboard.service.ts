import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { UsageService } from '../usage/usage.service.js';
import { windowStarts } from '../usage/time-windows.js';
import { ActivityRecorder } from './activity-recorder.js';
import { ActivityRepository } from './activity.repository.js';
import type { ActivityEventDto, DashboardResponseDto, RunCountsDto } from './dto/dashboard.dto.js';

const LAST_ERRORS = 5;

/** The overview's numbers and its activity feed's history. */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: ActivityRepository,
    private readonly recorder: ActivityRecorder,
    private readonly usage: UsageService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async activityFeed(limit: number): Promise<ActivityEventDto[]> {
    // What has happened shows at once, though its events are written a little later.
    await this.recorder.flush();
    return (await this.activity.recent(limit)).map((row) => ({
      event: row.event,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
      timestamp: row.createdAt.toISOString(),
    }));
  }

  async dashboard(): Promise<DashboardResponseDto> {
    const { dayStart } = windowStarts(this.clock.now(), this.config.timezone);
    const runs = this.dataSource.createQueryBuilder().from('runs', 'r');
    const [byStatus, queued, pending, errors, summary] = await Promise.all([
      runs
        .clone()
        .select('r.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .where('r.created_at >= :dayStart', { dayStart })
        .groupBy('r.status')
        .getRawMany<{ status: string; count: string | number }>(),
      runs.clone().where("r.status = 'queued'").getCount(),
      this.dataSource.createQueryBuilder().from('approvals', 'a').where("a.status = 'pending'").getCount(),
      runs
        .clone()
        .select(['r.id AS "runId"', 'r.error AS "error"', 'r.finished_at AS "at"'])
        .where("r.status IN ('failed', 'refused') AND r.error IS NOT NULL")
        .orderBy('r.finished_at', 'DESC')
        .limit(LAST_ERRORS)
        .getRawMany<{ runId: string; error: string; at: string | Date | null }>(),
      this.usage.summary(),
    ]);
    const count = (...statuses: string[]) =>
      byStatus.filter((row) => statuses.includes(row.status)).reduce((n, row) => n + Number(row.count), 0);
    const runsToday: RunCountsDto = {
      completed: count('completed'),
      failed: count('failed', 'refused'),
      running: count('running', 'waiting'),
      queued: count('queued'),
      cancelled: count('cancelled'),
    };
    return {
      timezone: this.config.timezone,
      runsToday,
      queueDepth: queued,
      pendingApprovals: pending,
      spendTodayUsd: summary.today.costUsd,
      spendMonthUsd: summary.month.costUsd,
      lastErrors: errors.map((row) => ({
        runId: row.runId,
        error: row.error,
        at: row.at ? new Date(row.at).toISOString() : new Date(0).toISOString(),
      })),
    };
  }
}
