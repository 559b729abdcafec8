/** Calendar arithmetic in the configured time zone (budget windows, usage days). */

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function zonedParts(date: Date, timeZone: string): ZonedParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, Number(part.value)]));
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The instant the given local calendar day starts in `timeZone` (handles DST shifts). */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day);
  const offset = (at: number) => {
    const p = zonedParts(new Date(at), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
  };
  let instant = asUtc - offset(asUtc);
  const corrected = asUtc - offset(instant);
  if (corrected !== instant) instant = corrected;
  return new Date(instant);
}

/** Where today's and this month's budget windows began, in `timeZone`. */
export function windowStarts(now: Date, timeZone: string): { dayStart: Date; monthStart: Date; nextDayStart: Date } {
  const p = zonedParts(now, timeZone);
  const tomorrow = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return {
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
  const p = zonedParts(date, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
