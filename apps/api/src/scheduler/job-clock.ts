import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Periodic } from '../common/periodic.js';
import { CalendarTriggers, type CalendarTrigger } from './calendars/calendar-triggers.js';
import type { CalendarEvent } from './calendars/entities/calendar-event.entity.js';
import type { ScheduledJob } from './entities/scheduled-job.entity.js';
import { JobRunner } from './job-runner.js';
import { SchedulerRepository } from './scheduler.repository.js';
import { nextFiring } from './triggers.js';

const TICK_MS = 1000;
/** A firing this late was missed (the gateway was down or stalled), and the job's policy decides. */
export const MISSED_AFTER_MS = 60_000;

/**
 * Fires due jobs every second. Each firing is claimed in the database before it runs, so it runs once
 * however busy the process was; firings missed while the gateway was down follow the job's policy.
 */
@Injectable()
export class JobClock implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobClock.name);
  private readonly periodic = new Periodic(
    () => this.fireDue(),
    (error) => this.logger.error({ err: error }, 'Scheduler tick failed'),
  );

  constructor(
    private readonly repository: SchedulerRepository,
    private readonly runner: JobRunner,
    private readonly calendarTriggers: CalendarTriggers,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jobs = new Map((await this.repository.list()).map((job) => [job.id, job]));
    await this.runner.resumeUnfinished(jobs);
    this.periodic.start(TICK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.periodic.stop();
  }

  /** Fires what is due now (also called by tests that move the clock). */
  tick(): Promise<void> {
    return this.periodic.run();
  }

  private async fireDue(): Promise<void> {
    const now = this.clock.now();
    for (const job of await this.repository.due(now)) {
      const due = job.nextRunAt!;
      const missed = now.getTime() - due.getTime() > MISSED_AFTER_MS;
      if (job.trigger.type === 'calendar') {
        await this.fireCalendar(job, job.trigger, due, now, missed);
        continue;
      }
      // After a miss the job goes on from now: the firings in between are not replayed one by one.
      const next = nextFiring(job.trigger, missed ? now : due);
      if (!(await this.repository.claim(job.id, due, next, now))) continue;
      await this.fireClaimed(job, due, missed);
    }
  }

  /**
   * A calendar trigger's firing is for the event instances starting then. Each is recorded as fired
   * before the job runs for it, so no instance fires twice; a missed one (the gateway was down) follows
   * the job's policy, and the job goes on to the next instance.
   */
  private async fireCalendar(
    job: ScheduledJob,
    trigger: CalendarTrigger,
    due: Date,
    now: Date,
    missed: boolean,
  ): Promise<void> {
    const events = await this.calendarTriggers.dueEvents(job.id, trigger, due);
    const next = await this.calendarTriggers.next(job.id, trigger, due, true);
    if (!(await this.repository.claim(job.id, due, next, now))) return;
    for (const event of events) {
      if (!(await this.calendarTriggers.markFired(job.id, event))) continue;
      await this.fireClaimed(job, due, missed, event);
    }
  }

  private async fireClaimed(job: ScheduledJob, due: Date, missed: boolean, event?: CalendarEvent): Promise<void> {
    if (!missed) {
      await this.runner.fire(job, 'schedule', due, event);
    } else if (job.missedPolicy === 'run_once') {
      this.logger.log(`Job ${job.name}: running once for the firing missed at ${due.toISOString()}`);
      await this.runner.fire(job, 'missed', due, event);
    } else {
      this.logger.log(`Job ${job.name}: skipping the firing missed at ${due.toISOString()}`);
      await this.runner.skip(job, due);
    }
  }
}
