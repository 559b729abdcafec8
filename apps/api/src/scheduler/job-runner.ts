import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Run } from '../agents/entities/run.entity.js';
import { RunContinuations } from '../agents/run-continuation.js';
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
 * Fires a job: records the firing, runs its prompt through the pipeline, and when the run ends (its
 * `job-output` continuation, also after a restart) records the outcome and duration, routes the
 * result, and announces `scheduler:job:complete`.
 */
@Injectable()
export class JobRunner implements OnModuleInit {
  constructor(
    private readonly repository: SchedulerRepository,
    private readonly runs: RunsService,
    private readonly delivery: OutputDelivery,
    private readonly bus: EventBus,
    private readonly calendarContext: CalendarContext,
    private readonly clock: Clock,
    private readonly continuations: RunContinuations,
  ) {}

  onModuleInit(): void {
    this.continuations.register({
      kind: 'job-output',
      durable: true,
      handle: async (run, { jobId, firingId }) => {
        await this.ended(jobId, firingId, run);
        return 'done';
      },
    });
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
      deliveryId: null,
    };
    await this.repository.insertRun(firing);
    try {
      const run = await this.runs.submit({
        message: await this.calendarContext.prompt(job, event),
        origin: { kind: 'scheduler', ref: job.id },
        groupId: job.groupId ?? undefined,
        maxIterations: job.action.maxIterations,
        continuation: { kind: 'job-output', jobId: job.id, firingId: firing.id },
        // Event text comes from an outside feed: the run's context holds untrusted content.
        ...(event || job.action.calendarContext ? { untrusted: 'calendar event text' } : {}),
      });
      firing.runId = run.id;
      await this.repository.updateRun(firing.id, { runId: run.id });
    } catch (error) {
      await this.finish(job, firing, null, error instanceof Error ? error.message : String(error));
      return firing;
    }
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
      deliveryId: null,
    });
  }

  /**
   * Closes firings a stop interrupted before their run was submitted. Those with a run are finished
   * by the run's continuation when it ends (it resumes by itself).
   */
  async resumeUnfinished(jobs: Map<string, ScheduledJob>): Promise<void> {
    for (const firing of await this.repository.unfinishedRuns()) {
      const job = jobs.get(firing.jobId);
      if (job && !firing.runId)
        await this.finish(job, firing, null, 'The gateway stopped before the run was submitted');
    }
  }

  /** The firing's run has ended: records and routes its outcome, unless that is done already. */
  private async ended(jobId: string, firingId: string, run: Run): Promise<void> {
    const [job, firing] = await Promise.all([this.repository.find(jobId), this.repository.findRun(firingId)]);
    if (!job || firing?.status !== 'running') return; // deleted, or recorded before a crash
    firing.runId = run.id;
    if (run.status === 'completed') return this.finish(job, firing, run.reply, null);
    const error = run.status === 'cancelled' ? `The run was cancelled (${run.error})` : run.error;
    await this.finish(job, firing, null, error ?? run.reply ?? run.status);
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
      runId: firing.runId,
    });
    if (firing.runId) {
      this.bus.emit('scheduler:job:complete', { jobId: job.id, runId: firing.runId, status, durationMs });
    }
  }
}
