import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RunsService } from '../agents/runs.service.js';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import { CalendarContext } from './calendars/calendar-context.js';
import type { CalendarEvent } from './calendars/entities/calendar-event.entity.js';
import type { JobRun, JobRunCause } from './entities/job-run.entity.js';
import type { ScheduledJob } from './entities/scheduled-job.entity.js';
import { OutputDelivery } from './output-delivery.js';
import { SchedulerRepository } from './scheduler.repository.js';

/**
 * Fires a job: records the firing, runs its prompt through the pipeline, records the outcome and
 * duration, routes the result, and announces `scheduler:job:complete`.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  private readonly shutdown = new AbortController();

  constructor(
    private readonly repository: SchedulerRepository,
    private readonly runs: RunsService,
    private readonly delivery: OutputDelivery,
    private readonly bus: EventBus,
    private readonly calendarContext: CalendarContext,
    private readonly clock: Clock,
  ) {}

  stop(): void {
    this.shutdown.abort();
  }

  /**
   * Starts the firing; resolves once it is recorded, with the firing's id (its run goes on). `event` is
   * the calendar event a calendar trigger fired for.
   */
  async fire(job: ScheduledJob, cause: JobRunCause, scheduledFor: Date | null, event?: CalendarEvent): Promise<JobRun> {
    const firing: JobRun = {
      id: randomUUID(),
      jobId: job.id,
      runId: null,
      cause,
      status: 'running',
      scheduledFor,
      startedAt: this.clock.now(),
      finishedAt: null,
      durationMs: null,
      output: null,
      error: null,
      delivery: 'none',
      deliveryError: null,
    };
    await this.repository.insertRun(firing);
    try {
      const run = await this.runs.submit({
        message: await this.calendarContext.prompt(job, event),
        origin: { kind: 'scheduler', ref: job.id },
        groupId: job.groupId ?? undefined,
        maxIterations: job.action.maxIterations,
        // Event text comes from an outside feed: the run's context holds untrusted content.
        ...(event || job.action.calendarContext ? { untrusted: 'calendar event text' } : {}),
      });
      firing.runId = run.id;
      await this.repository.updateRun(firing.id, { runId: run.id });
    } catch (error) {
      await this.finish(job, firing, null, error instanceof Error ? error.message : String(error));
      return firing;
    }
    void this.follow(job, firing);
    return firing;
  }

  /** Records a firing that was missed while the gateway was down and is skipped by the job's policy. */
  async skip(job: ScheduledJob, scheduledFor: Date): Promise<void> {
    const now = this.clock.now();
    await this.repository.insertRun({
      id: randomUUID(),
      jobId: job.id,
      runId: null,
      cause: 'missed',
      status: 'skipped',
      scheduledFor,
      startedAt: now,
      finishedAt: now,
      durationMs: 0,
      output: null,
      error: `Missed while the gateway was down (due ${scheduledFor.toISOString()}); skipped by the job's policy`,
      delivery: 'none',
      deliveryError: null,
    });
  }

  /** Picks up firings whose run was under way at the last stop; their runs resume by themselves. */
  async resumeUnfinished(jobs: Map<string, ScheduledJob>): Promise<void> {
    for (const firing of await this.repository.unfinishedRuns()) {
      const job = jobs.get(firing.jobId);
      if (!job) continue;
      if (firing.runId) void this.follow(job, firing);
      else await this.finish(job, firing, null, 'The gateway stopped before the run was submitted');
    }
  }

  private async follow(job: ScheduledJob, firing: JobRun): Promise<void> {
    try {
      const run = await this.runs.waitForEnd(firing.runId!, this.shutdown.signal);
      if (this.shutdown.signal.aborted) return; // followed again at the next start
      if (!run) return await this.finish(job, firing, null, 'The run is gone');
      const ok = run.status === 'completed';
      await this.finish(job, firing, ok ? run.reply : null, ok ? null : (run.error ?? run.reply ?? run.status));
    } catch (error) {
      if (this.shutdown.signal.aborted) return; // followed again at the next start
      this.logger.error({ err: error, jobId: job.id }, 'Scheduled job could not be recorded');
    }
  }

  private async finish(job: ScheduledJob, firing: JobRun, output: string | null, error: string | null): Promise<void> {
    const finishedAt = this.clock.now();
    const durationMs = finishedAt.getTime() - firing.startedAt.getTime();
    const status = error === null ? 'success' : 'error';
    const outcome = await this.delivery.deliver(job.output, {
      jobId: job.id,
      jobName: job.name,
      runId: firing.runId,
      status,
      output,
      error,
      durationMs,
      firedAt: firing.startedAt.toISOString(),
    });
    await this.repository.updateRun(firing.id, {
      status,
      output,
      error,
      finishedAt,
      durationMs,
      ...outcome,
    });
    if (firing.runId) {
      this.bus.emit('scheduler:job:complete', { jobId: job.id, runId: firing.runId, status, durationMs });
    }
  }
}
