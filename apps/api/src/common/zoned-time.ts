/** Wall-clock time in some zone, without the zone: what a calendar shows. Month is 1-based. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `zone` at an instant (an IANA zone, through the platform's time zone data). */
export function wallAt(instant: number, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']!,
    minute: parts['minute']!,
    second: parts['second']!,
  };
}

/** A wall time as milliseconds on a UTC time line: arithmetic on wall times without zone rules. */
export function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

export function wallFromMs(ms: number): WallTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** How far `zone` is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  return wallMs(wallAt(instant, zone)) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall time in `zone` stands for. A time the clocks skip (02:30 on the spring night)
 * is read with the offset before the change, so it lands an hour later, as RFC 5545 asks; a time the
 * clocks repeat is the first of the two.
 */
export function instantOf(wall: WallTime, zone: string): number {
  const local = wallMs(wall);
  const before = offsetAt(local - 86_400_000, zone);
  const after = offsetAt(local + 86_400_000, zone);
  // Try the earlier offset first (the larger one in autumn), then the later one.
  for (const offset of before >= after ? [before, after] : [after, before]) {
    const candidate = local - offset;
    if (wallMs(wallAt(candidate, zone)) === local) return candidate;
  }
  return local - before; // in the gap
}

/** `YYYY-MM-DD` of a wall time. */
export function dateKey(wall: WallTime): string {
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** `YYYY-MM-DDTHH:mm` of a wall time. */
export function localKey(wall: WallTime): string {
  return `${dateKey(wall)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
