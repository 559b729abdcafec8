import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { JobCalendarContext, ScheduledJob } from '../entities/scheduled-job.entity.js';
import { CalendarsRepository } from './calendars.repository.js';
import type { CalendarEvent } from './entities/calendar-event.entity.js';
import type { Calendar } from './entities/calendar.entity.js';
import { untrustedBlock } from '../../common/untrusted.js';
import { dateKey, instantOf, wallAt, wallFromMs, wallMs } from '../../common/zoned-time.js';

const DAY_MS = 86_400_000;
/** At most this many events go into a prompt. */
const MAX_CONTEXT_EVENTS = 100;

/**
 * The prompt a job's firing sends: the job's prompt, after the event that triggered it (calendar
 * triggers) and the calendar's agenda (`action.calendarContext`). Event text comes from an outside
 * feed, so it reaches the model marked as untrusted data.
 */
@Injectable()
export class CalendarContext {
  constructor(
    private readonly calendars: CalendarsRepository,
    private readonly clock: Clock,
  ) {}

  async prompt(job: ScheduledJob, event?: CalendarEvent): Promise<string> {
    const parts: string[] = [];
    if (event) parts.push(await this.upcoming(job, event));
    if (job.action.calendarContext) parts.push(await this.agenda(job.action.calendarContext));
    return [...parts, job.action.prompt].join('\n\n');
  }

  /** The event a calendar trigger fired for. */
  private async upcoming(job: ScheduledJob, event: CalendarEvent): Promise<string> {
    const calendar = await this.calendars.find(event.calendarId);
    const zone = calendar?.timezone ?? 'UTC';
    const minutes = job.trigger.type === 'calendar' ? job.trigger.minutesBefore : 0;
    const when = minutes === 0 ? 'starts now' : `starts in ${minutes} minute${minutes === 1 ? '' : 's'}`;
    const lines = [
      `Event: ${event.summary}`,
      `When: ${longDate(event.startsAt, zone)}, ${span(event, zone, false)} (${zone})`,
      ...(event.location ? [`Where: ${event.location}`] : []),
      ...(event.description ? [`Description: ${event.description}`] : []),
    ];
    return `An event in the calendar "${calendar?.name ?? event.calendarId}" ${when}:\n${untrustedBlock(lines.join('\n'))}`;
  }

  /** The calendar's events from the start of today (in its zone) for the given days. */
  private async agenda(context: JobCalendarContext): Promise<string> {
    const calendar = await this.calendars.find(context.calendarId);
    if (!calendar) return `(The calendar ${context.calendarId} no longer exists, so its events are not included.)`;
    const zone = calendar.timezone;
    const today = wallAt(this.clock.now().getTime(), zone);
    const midnight = wallMs({ ...today, hour: 0, minute: 0, second: 0 });
    const from = new Date(instantOf(wallFromMs(midnight), zone));
    const to = new Date(instantOf(wallFromMs(midnight + context.days * DAY_MS), zone));
    const events = await this.calendars.eventsBetween(calendar.id, from, to, MAX_CONTEXT_EVENTS);
    const heading =
      context.days === 1
        ? `Today's events in the calendar "${calendar.name}" (${longDate(from, zone)}, times in ${zone})`
        : `Events in the calendar "${calendar.name}" for ${context.days} days from today (${longDate(from, zone)}, times in ${zone})`;
    const stale = syncNote(calendar);
    if (events.length === 0) return `${heading}: none.${stale}`;
    const lines = events.map((event) => {
      const where = event.location ? ` (${event.location})` : '';
      return `- ${span(event, zone, context.days > 1)} ${event.summary}${where}`;
    });
    return `${heading}:${stale}\n${untrustedBlock(lines.join('\n'))}`;
  }
}

function syncNote(calendar: Calendar): string {
  if (calendar.lastSyncStatus !== 'error') return '';
  return ` (The last sync failed: ${calendar.lastSyncError}; these may be out of date.)`;
}

const longFormats = new Map<string, Intl.DateTimeFormat>();
const shortFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, zone: string, options: Intl.DateTimeFormatOptions) {
  let format = map.get(zone);
  if (!format) map.set(zone, (format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: zone })));
  return format;
}

/** "Monday 30 March 2026" */
export function longDate(at: Date, zone: string): string {
  return cached(longFormats, zone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}

/** "Mon 30 Mar" */
function shortDate(at: Date, zone: string): string {
  return cached(shortFormats, zone, { weekday: 'short', day: 'numeric', month: 'short' }).format(at);
}

/** "09:00" */
function time(at: Date, zone: string): string {
  return cached(timeFormats, zone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** When an event is, in the zone: "09:00–09:30", "all day", or with dates when it spans days. */
function span(event: CalendarEvent, zone: string, withDate: boolean): string {
  const prefix = withDate ? `${shortDate(event.startsAt, zone)} ` : '';
  const startDay = dateKey(wallAt(event.startsAt.getTime(), zone));
  const lastDay = dateKey(wallAt(event.endsAt.getTime() - (event.allDay ? 1 : 0), zone));
  if (event.allDay) {
    return startDay === lastDay
      ? `${prefix}all day`
      : `${shortDate(event.startsAt, zone)} – ${shortDate(new Date(event.endsAt.getTime() - 1), zone)}, all day`;
  }
  if (startDay === lastDay) return `${prefix}${time(event.startsAt, zone)}–${time(event.endsAt, zone)}`;
  return `${shortDate(event.startsAt, zone)} ${time(event.startsAt, zone)} – ${shortDate(event.endsAt, zone)} ${time(event.endsAt, zone)}`;
}
