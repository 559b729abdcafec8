import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { CalendarTriggers } from './calendar-triggers.js';
import { CalendarsRepository } from './calendars.repository.js';
import type { CalendarEvent } from './entities/calendar-event.entity.js';
import type { Calendar } from './entities/calendar.entity.js';
import { unsealFeedUrl } from './feed-password.js';
import type { expandCalendar } from './ical-expand.js';
import { IcalFetcher } from './ical-fetcher.js';

/** Events are kept from this long ago … */
export const WINDOW_BACK_MS = 7 * 86_400_000;
/** … to this far ahead of each sync. */
export const WINDOW_AHEAD_MS = 60 * 86_400_000;
/** A calendar keeps at most this many event instances (the earliest in the window). */
export const MAX_EVENTS = 5000;

/** The iCalendar parser (ical.js, rrule) loads with the first sync: a gateway without calendars never holds it. */
let expander: Promise<typeof expandCalendar> | null = null;
const loadExpander = () => (expander ??= import('./ical-expand.js').then((module) => module.expandCalendar));

/**
 * Syncs a calendar: fetches its feed, expands it, replaces its events in one transaction and records
 * the outcome; a failed fetch or parse is recorded on the calendar (its events are kept), never
 * thrown. Then the jobs it triggers move to their next firing.
 */
@Injectable()
export class CalendarSync {
  private readonly logger = new Logger(CalendarSync.name);
  private readonly running = new Map<string, Promise<Calendar>>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly repository: CalendarsRepository,
    private readonly fetcher: IcalFetcher,
    private readonly triggers: CalendarTriggers,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
  ) {}

  stop(): void {
    this.shutdown.abort();
  }

  /** Syncs now; a sync of the same calendar under way is joined rather than repeated. */
  sync(calendar: Calendar): Promise<Calendar> {
    let running = this.running.get(calendar.id);
    if (!running) {
      running = this.run(calendar).finally(() => this.running.delete(calendar.id));
      this.running.set(calendar.id, running);
    }
    return running;
  }

  private async run(calendar: Calendar): Promise<Calendar> {
    const now = this.clock.now();
    let patch: Partial<Calendar>;
    try {
      const text = await this.fetcher.fetch(unsealFeedUrl(calendar, this.secrets), this.shutdown.signal);
      if (!/^\s*BEGIN:VCALENDAR/i.test(text.replace(/^\uFEFF/, '').slice(0, 1000))) {
        throw new Error('The feed is not iCalendar data (it does not begin with BEGIN:VCALENDAR)');
      }
      const expand = await loadExpander();
      let events: CalendarEvent[];
      try {
        events = expand(text, {
          calendarId: calendar.id,
          timezone: calendar.timezone,
          from: new Date(now.getTime() - WINDOW_BACK_MS),
          to: new Date(now.getTime() + WINDOW_AHEAD_MS),
          maxInstances: MAX_EVENTS,
        }).map((instance) => ({ ...instance, calendarId: calendar.id }));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`The feed could not be parsed: ${reason}`, { cause: error });
      }
      patch = { lastSyncAt: now, lastSyncStatus: 'ok', lastSyncError: null, eventCount: events.length, updatedAt: now };
      await this.repository.replaceEvents(calendar.id, events, patch);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.shutdown.signal.aborted) return calendar;
      this.logger.warn(`Calendar ${calendar.name}: sync failed: ${message}`);
      patch = { lastSyncAt: now, lastSyncStatus: 'error', lastSyncError: message.slice(0, 2000), updatedAt: now };
      await this.repository.update(calendar.id, patch);
    }
    await this.triggers.recompute(calendar.id);
    return { ...calendar, ...patch };
  }
}
