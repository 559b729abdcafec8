import { Cron } from 'croner';
import { isTimeZone } from '../common/zoned-time.js';
import type { JobTrigger } from './entities/scheduled-job.entity.js';

export const MIN_INTERVAL_SECONDS = 10;
/** A calendar trigger fires at most a week before an event. */
export const MAX_MINUTES_BEFORE = 10_080;

/** Why a trigger is unusable (naming the field), or null. Cron parsing and time zones are croner's. */
export function triggerProblem(trigger: JobTrigger, now: Date): string | null {
  switch (trigger.type) {
    case 'cron': {
      if (!isTimeZone(trigger.timezone)) return `trigger.timezone: "${trigger.timezone}" is not an IANA time zone`;
      try {
        const next = new Cron(trigger.cron, { timezone: trigger.timezone }).nextRun(now);
        return next ? null : `trigger.cron: "${trigger.cron}" never fires again`;
      } catch (error) {
        return `trigger.cron: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    case 'once':
      return new Date(trigger.at) > now ? null : 'trigger.at must be in the future';
    case 'interval':
      return trigger.everySeconds >= MIN_INTERVAL_SECONDS
        ? null
        : `trigger.everySeconds must be at least ${MIN_INTERVAL_SECONDS}`;
    case 'calendar':
      return Number.isInteger(trigger.minutesBefore) &&
        trigger.minutesBefore >= 0 &&
        trigger.minutesBefore <= MAX_MINUTES_BEFORE
        ? null
        : `trigger.minutesBefore must be a whole number from 0 to ${MAX_MINUTES_BEFORE}`;
  }
}

/**
 * The first firing strictly after `after`, or null when there is none. Calendar triggers depend on the
 * stored events and are computed by CalendarTriggers instead: here they have none.
 */
export function nextFiring(trigger: JobTrigger, after: Date): Date | null {
  switch (trigger.type) {
    case 'cron':
      return new Cron(trigger.cron, { timezone: trigger.timezone }).nextRun(after);
    case 'once': {
      const at = new Date(trigger.at);
      return at > after ? at : null;
    }
    case 'interval':
      return new Date(after.getTime() + trigger.everySeconds * 1000);
    case 'calendar':
      return null;
  }
}
