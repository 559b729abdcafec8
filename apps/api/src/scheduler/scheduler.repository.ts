import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type FindOperator, IsNull, LessThanOrEqual, MoreThanOrEqual, Not } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { JobRun } from './entities/job-run.entity.js';
import { ScheduledJob } from './entities/scheduled-job.entity.js';

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

  runsOf(jobId: string, limit: number): Promise<JobRun[]> {
    return this.runs.find({ where: { jobId }, order: { startedAt: 'DESC' }, take: limit });
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
