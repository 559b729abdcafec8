import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { Clock } from '../../common/clock.js';
import type { ScheduledJob } from '../entities/scheduled-job.entity.js';
import { SchedulerRepository } from '../scheduler.repository.js';
import { CalendarsRepository } from './calendars.repository.js';
import type { CalendarEvent } from './entities/calendar-event.entity.js';

export interface CalendarTrigger {
  type: 'calendar';
  calendarId: string;
  minutesBefore: number;
}

/**
 * Calendar triggers: a job fires `minutesBefore` each event instance starts, once per instance. Its
 * nextRunAt is the next start (of an instance it has not fired for) less those minutes, recomputed
 * after every sync; the instances it fired for are recorded, so restarts and re-syncs never repeat one.
 */
@Injectable()
export class CalendarTriggers {
  constructor(
    private readonly calendars: CalendarsRepository,
    private readonly jobs: SchedulerRepository,
    private readonly clock: Clock,
  ) {}

  /** The first firing at or after `from` (strictly after, if asked) for an instance not yet fired. */
  async next(jobId: string, trigger: CalendarTrigger, from: Date, strictlyAfter = false): Promise<Date | null> {
    const lead = trigger.minutesBefore * 60_000;
    const event = await this.calendars.firstUnfiredFrom(
      trigger.calendarId,
      jobId,
      new Date(from.getTime() + lead),
      strictlyAfter,
    );
    return event ? new Date(event.startsAt.getTime() - lead) : null;
  }

  /** The instances a firing due then is for (not yet fired; several events may start together). */
  async dueEvents(jobId: string, trigger: CalendarTrigger, due: Date): Promise<CalendarEvent[]> {
    const events = await this.calendars.eventsStartingAt(
      trigger.calendarId,
      new Date(due.getTime() + trigger.minutesBefore * 60_000),
    );
    const fresh: CalendarEvent[] = [];
    for (const event of events) if (!(await this.calendars.hasFired(jobId, event.id))) fresh.push(event);
    return fresh;
  }

  /** Records the firing for the instance; false when the job already fired for it. */
  markFired(jobId: string, event: CalendarEvent): Promise<boolean> {
    return this.calendars.markFired({ jobId, eventId: event.id, startsAt: event.startsAt, firedAt: this.clock.now() });
  }

  /**
   * After a sync: moves each enabled job triggered by the calendar to its next firing. A firing that is
   * due but not yet handled (the gateway was busy or down) stays due, so the missed policy decides it.
   */
  async recompute(calendarId: string): Promise<void> {
    const now = this.clock.now();
    for (const job of await this.jobs.list()) {
      if (!job.enabled || job.trigger.type !== 'calendar' || job.trigger.calendarId !== calendarId) continue;
      const floor = job.nextRunAt && job.nextRunAt <= now ? job.nextRunAt : now;
      const next = await this.next(job.id, job.trigger, floor);
      if (next?.getTime() === job.nextRunAt?.getTime()) continue;
      await this.jobs.moveNextRun(job.id, job.nextRunAt ?? IsNull(), next, now);
    }
  }

  /** Jobs whose trigger or prompt context uses the calendar. */
  async jobsUsing(calendarId: string): Promise<ScheduledJob[]> {
    return (await this.jobs.list()).filter(
      (job) =>
        (job.trigger.type === 'calendar' && job.trigger.calendarId === calendarId) ||
        job.action.calendarContext?.calendarId === calendarId,
    );
  }
}
