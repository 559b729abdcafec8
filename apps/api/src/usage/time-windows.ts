/** Calendar arithmetic in the configured time zone (budget windows, usage days). */
import { dateKey, instantOf, wallAt, type WallTime } from '../common/zoned-time.js';

/** The wall-clock time of an instant in `timeZone`. */
export function zonedParts(date: Date, timeZone: string): WallTime {
  return wallAt(date.getTime(), timeZone);
}

/** The instant the given local calendar day starts in `timeZone` (handles DST shifts). */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  return new Date(instantOf({ year, month, day, hour: 0, minute: 0, second: 0 }, timeZone));
}

/** Where today's and this month's budget windows began, in `timeZone`. */
export function windowStarts(
  now: Date,
  timeZone: string,
): { dayStart: Date; monthStart: Date; nextDayStart: Date; nextMonthStart: Date } {
  const p = zonedParts(now, timeZone);
  const tomorrow = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const nextMonth = new Date(Date.UTC(p.year, p.month, 1));
  return {
    nextMonthStart: startOfLocalDay(nextMonth.getUTCFullYear(), nextMonth.getUTCMonth() + 1, 1, timeZone),
    dayStart: startOfLocalDay(p.year, p.month, p.day, timeZone),
    monthStart: startOfLocalDay(p.year, p.month, 1, timeZone),
    nextDayStart: startOfLocalDay(
      tomorrow.getUTCFullYear(),
      tomorrow.getUTCMonth() + 1,
      tomorrow.getUTCDate(),
      timeZone,
    ),
  };
}

/** `YYYY-MM-DD` of an instant in `timeZone`. */
export function localDate(date: Date, timeZone: string): string {
  return dateKey(zonedParts(date, timeZone));
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A day as people read it: `Sat 5 Dec 2026`, of an instant in `timeZone`. */
export function readableDate(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
}
