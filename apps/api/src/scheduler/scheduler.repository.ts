import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type FindOperator, In, IsNull, LessThanOrEqual, MoreThanOrEqual, Not } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { JobRun } from './entities/job-run.entity.js';
import { ScheduledJob } from './entities/scheduled-job.entity.js';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity.js';

/** All SQL for scheduled jobs and their firings. */
@Injectable()
export class SchedulerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get jobs() {
    return this.dataSource.getRepository(ScheduledJob);
  }

  private get runs() {
    return this.dataSource.getRepository(JobRun);
  }

  list(): Promise<ScheduledJob[]> {
    return this.jobs.find({ order: { createdAt: 'ASC' } });
  }

  find(id: string): Promise<ScheduledJob | null> {
    return this.jobs.findOneBy({ id });
  }

  async insert(job: ScheduledJob): Promise<void> {
    await this.jobs.insert(job as QueryDeepPartialEntity<ScheduledJob>);
  }

  async update(id: string, patch: Partial<ScheduledJob>): Promise<void> {
    await this.jobs.update({ id }, patch as QueryDeepPartialEntity<ScheduledJob>);
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.jobs.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Enabled jobs whose next firing is due. */
  due(now: Date): Promise<ScheduledJob[]> {
    return this.jobs.find({
      where: { enabled: true, nextRunAt: LessThanOrEqual(now) },
      order: { nextRunAt: 'ASC' },
    });
  }

  /**
   * Moves a job from the firing it is due for to its next one, if no one else did: the one who
   * claims a firing runs it, so each firing runs once.
   */
  async claim(id: string, due: Date, next: Date | null, now: Date): Promise<boolean> {
    const result = await this.jobs.update(
      { id, enabled: true, nextRunAt: due },
      { nextRunAt: next, lastRunAt: now, updatedAt: now },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Sets a job's next firing if it is still `expected` (a claim in between wins). */
  async moveNextRun(id: string, expected: Date | FindOperator<Date>, next: Date | null, now: Date): Promise<boolean> {
    const result = await this.jobs.update({ id, nextRunAt: expected }, { nextRunAt: next, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }

  /** The soonest next firing of any enabled job. */
  async soonest(): Promise<Date | null> {
    const job = await this.jobs.findOne({
      where: { enabled: true, nextRunAt: Not(IsNull()) },
      order: { nextRunAt: 'ASC' },
    });
    return job?.nextRunAt ?? null;
  }

  async insertRun(run: JobRun): Promise<void> {
    await this.runs.insert(run);
  }

  findRun(id: string): Promise<JobRun | null> {
    return this.runs.findOneBy({ id });
  }

  async updateRun(id: string, patch: Partial<JobRun>): Promise<void> {
    await this.runs.update({ id }, patch);
  }

  /** The job's latest firings, each queued webhook result with the state its delivery is in now. */
  async runsOf(jobId: string, limit: number): Promise<JobRun[]> {
    return this.withDeliveryState(
      await this.runs.find({ where: { jobId }, order: { startedAt: 'DESC' }, take: limit }),
    );
  }

  /**
   * A firing stays `queued` in its row; what happened to the webhook delivery since is read from the
   * delivery (delivered; failed or cancelled; still pending, with the last attempt's error).
   */
  private async withDeliveryState(runs: JobRun[]): Promise<JobRun[]> {
    const ids = runs.filter((run) => run.delivery === 'queued' && run.deliveryId).map((run) => run.deliveryId!);
    if (ids.length === 0) return runs;
    const deliveries = await this.dataSource.getRepository(WebhookDelivery).find({
      where: { id: In(ids) },
      select: { id: true, status: true, attempts: true, lastError: true },
    });
    const byId = new Map(deliveries.map((delivery) => [delivery.id, delivery]));
    return runs.map((run) => {
      const delivery = run.deliveryId ? byId.get(run.deliveryId) : undefined;
      if (run.delivery !== 'queued' || !delivery) return run;
      switch (delivery.status) {
        case 'delivered':
          return { ...run, delivery: 'delivered', deliveryError: null };
        case 'failed':
        case 'cancelled':
          return {
            ...run,
            delivery: 'failed',
            deliveryError: delivery.lastError ?? `The delivery was ${delivery.status}`,
          };
        default:
          return delivery.attempts > 0 && delivery.lastError
            ? { ...run, deliveryError: `Attempt ${delivery.attempts} failed (${delivery.lastError}); retrying` }
            : run;
      }
    });
  }

  /** Firings that were under way when the gateway stopped. */
  unfinishedRuns(): Promise<JobRun[]> {
    return this.runs.find({ where: { status: 'running' } });
  }

  async runCountsSince(since: Date): Promise<{ total: number; failed: number }> {
    const [total, failed] = await Promise.all([
      this.runs.countBy({ startedAt: MoreThanOrEqual(since) }),
      this.runs.countBy({ startedAt: MoreThanOrEqual(since), status: 'error' }),
    ]);
    return { total, failed };
  }
}
