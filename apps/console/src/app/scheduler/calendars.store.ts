import { Injectable, inject, signal } from '@angular/core';
import {
  type CalendarCreateDto,
  type CalendarDto,
  type CalendarEventDto,
  createCalendar,
  deleteCalendar,
  listCalendarEvents,
  listCalendars,
  syncCalendar,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';
import { browserTimeZone } from './job-form';

/** How many upcoming events an open calendar shows. */
const EVENTS_LIMIT = 50;

const byName = (a: CalendarDto, b: CalendarDto) => a.name.localeCompare(b.name);

/**
 * The scheduler page's calendars: the iCal feeds with their last sync, and the upcoming events of the
 * calendars whose events are open. Provided by the page (the job dialog picks calendars from it).
 */
@Injectable()
export class CalendarsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly CalendarDto[]>([]);
  private readonly eventsById = signal<ReadonlyMap<string, readonly CalendarEventDto[]>>(new Map());
  private readonly problem = signal<string | null>(null);
  private readonly syncingIds = signal<ReadonlySet<string>>(new Set());
  private readonly edits = new LocalEdits();

  /** By name. */
  readonly calendars = this.list.asReadonly();
  /** Upcoming events of each calendar whose events are open. */
  readonly events = this.eventsById.asReadonly();
  readonly error = this.problem.asReadonly();
  /** Calendars with a sync on its way. */
  readonly syncing = this.syncingIds.asReadonly();

  async load(): Promise<void> {
    const { data, error } = await this.edits.latest(() => listCalendars({ client: this.api }));
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The calendars could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set([...data].sort(byName));
    await Promise.all([...this.eventsById().keys()].map((id) => this.loadEvents(id)));
  }

  name(id: string): string | undefined {
    return this.list().find((calendar) => calendar.id === id)?.name;
  }

  /** Adds (and the gateway syncs) a calendar; the calendar, or the gateway's reason. */
  async add(body: CalendarCreateDto): Promise<{ calendar?: CalendarDto; error?: string }> {
    const { data, error } = await createCalendar({ client: this.api, body });
    if (!data) return { error: apiErrorMessage(error, 'The calendar could not be added.') };
    this.put(data);
    return { calendar: data };
  }

  /** Syncs now; null when the sync ran (its outcome is on the calendar), else the gateway's reason. */
  async sync(calendar: CalendarDto): Promise<string | null> {
    this.syncingIds.update((ids) => new Set(ids).add(calendar.id));
    const { data, error } = await syncCalendar({ client: this.api, path: { id: calendar.id } });
    this.syncingIds.update((ids) => {
      const next = new Set(ids);
      next.delete(calendar.id);
      return next;
    });
    if (!data) return apiErrorMessage(error, `${calendar.name} could not be synced.`);
    this.put(data);
    if (this.eventsById().has(calendar.id)) await this.loadEvents(calendar.id);
    return null;
  }

  /** Opens a calendar's upcoming events (fetching them), or closes them. */
  async toggleEvents(calendar: CalendarDto): Promise<void> {
    if (this.eventsById().has(calendar.id)) this.setEvents(calendar.id, null);
    else await this.loadEvents(calendar.id);
  }

  /** null when deleted, else the gateway's reason (a job still using it is a 409). */
  async remove(calendar: CalendarDto): Promise<string | null> {
    const { error, response } = await deleteCalendar({ client: this.api, path: { id: calendar.id } });
    if (!response?.ok) return apiErrorMessage(error, `${calendar.name} could not be deleted.`);
    this.edits.note();
    this.list.update((all) => all.filter((c) => c.id !== calendar.id));
    this.setEvents(calendar.id, null);
    return null;
  }

  private put(calendar: CalendarDto): void {
    this.edits.note();
    this.list.update((all) => [...all.filter((c) => c.id !== calendar.id), calendar].sort(byName));
  }

  private async loadEvents(id: string): Promise<void> {
    const { data } = await listCalendarEvents({ client: this.api, path: { id }, query: { limit: EVENTS_LIMIT } });
    if (data) this.setEvents(id, data);
  }

  private setEvents(id: string, events: readonly CalendarEventDto[] | null): void {
    this.eventsById.update((all) => {
      const next = new Map(all);
      if (events) next.set(id, events);
      else next.delete(id);
      return next;
    });
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 30 Mar" of a wall time "2026-03-30T09:00". */
function day(local: string): string {
  const [year, month, date] = local.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[new Date(Date.UTC(year, month - 1, date)).getUTCDay()]} ${date} ${MONTHS[month - 1]}`;
}

/** "2026-03-30T09:00": an instant as the wall time of a zone. */
function wallTime(iso: string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

/**
 * When an event is: "Mon 30 Mar, 09:00–10:00" in the browser's time zone (the Scheduler page's one
 * rule), "Fri 3 Apr, all day" (a date, the same in every zone), or with both dates when it spans days.
 */
export function describeEventTime(event: CalendarEventDto, zone = browserTimeZone()): string {
  if (event.allDay) {
    const startDay = event.localStart.slice(0, 10);
    const lastDay = new Date(Date.parse(`${event.localEnd.slice(0, 10)}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    return lastDay <= startDay ? `${day(startDay)}, all day` : `${day(startDay)} – ${day(lastDay)}, all day`;
  }
  const [start, end] = [wallTime(event.startsAt, zone), wallTime(event.endsAt, zone)];
  const startDay = start.slice(0, 10);
  const [startTime, endTime] = [start.slice(11, 16), end.slice(11, 16)];
  if (end.slice(0, 10) === startDay) return `${day(startDay)}, ${startTime}–${endTime}`;
  return `${day(startDay)}, ${startTime} – ${day(end)}, ${endTime}`;
}
