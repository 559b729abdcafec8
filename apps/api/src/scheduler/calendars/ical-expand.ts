import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import rrule from 'rrule';
import { dateKey, instantOf, isTimeZone, wallAt, wallFromMs, wallMs, type WallTime } from '../../common/zoned-time.js';

const { RRule } = rrule;

/** One occurrence of an event, as stored: a single event, or one instance of a recurring one. */
export interface EventInstance {
  /** Stable across syncs: the calendar, the event's UID and the instance's original start. */
  id: string;
  uid: string;
  summary: string;
  description: string | null;
  location: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  recurring: boolean;
}

export interface ExpandOptions {
  calendarId: string;
  /** Floating times and all-day dates are read in this IANA zone. */
  timezone: string;
  from: Date;
  to: Date;
  /** At most this many instances are kept (the earliest). */
  maxInstances: number;
}

const MAX_SUMMARY = 500;
const MAX_DESCRIPTION = 4000;
const DAY_MS = 86_400_000;

/** How a TZID is turned into instants: an IANA zone, or the feed's own VTIMEZONE definition. */
type Zone = { kind: 'iana'; name: string } | { kind: 'vtimezone'; tz: ICAL.Timezone };

/**
 * Parses an iCalendar feed and expands it into the event instances that overlap [from, to): RRULEs
 * (by rrule, in the event's wall-clock time, so a 09:00 meeting stays at 09:00 across daylight-saving
 * changes) and RDATEs, less EXDATEs, with RECURRENCE-ID overrides moving or changing single instances
 * and cancelled events or instances left out. TZIDs are read as IANA zones, else from the feed's
 * VTIMEZONEs; floating times in the calendar's zone. Throws when the text is not iCalendar.
 */
export function expandCalendar(text: string, options: ExpandOptions): EventInstance[] {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const calendars = root.name === 'vcalendar' ? [root] : root.getAllSubcomponents('vcalendar');
  if (calendars.length === 0) throw new Error('not an iCalendar feed (no VCALENDAR)');
  const zones = new Map<string, ICAL.Timezone>();
  const events: ICAL.Component[] = [];
  for (const calendar of calendars) {
    for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
      const tz = new ICAL.Timezone(vtimezone);
      if (tz.tzid) zones.set(tz.tzid, tz);
    }
    events.push(...calendar.getAllSubcomponents('vevent'));
  }
  const expander = new Expander(options, zones);
  const masters = new Map<string, ICAL.Component>();
  const overrides: ICAL.Component[] = [];
  for (const event of events) {
    if (event.hasProperty('recurrence-id')) overrides.push(event);
    else masters.set(uidOf(event), event);
  }
  const instances = new Map<string, EventInstance>();
  const overridden = new Map<string, Set<string>>();
  for (const event of overrides) {
    const uid = uidOf(event);
    const key = expander.key(event.getFirstProperty('recurrence-id')!, masters.get(uid) ?? event);
    if (!overridden.has(uid)) overridden.set(uid, new Set());
    overridden.get(uid)!.add(key);
    if (isCancelled(event)) continue;
    const instance = expander.single(event, key, true);
    if (instance) instances.set(instance.id, instance);
  }
  for (const [uid, event] of masters) {
    if (isCancelled(event)) continue;
    for (const instance of expander.occurrences(event, overridden.get(uid) ?? new Set())) {
      instances.set(instance.id, instance);
    }
  }
  return [...instances.values()]
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    .slice(0, options.maxInstances);
}

class Expander {
  private readonly from: number;
  private readonly to: number;

  constructor(
    private readonly options: ExpandOptions,
    private readonly zones: Map<string, ICAL.Timezone>,
  ) {
    this.from = options.from.getTime();
    this.to = options.to.getTime();
  }

  /** Every instance of a master event in the window, less EXDATEs and the overridden ones. */
  occurrences(event: ICAL.Component, overridden: Set<string>): EventInstance[] {
    const start = event.getFirstProperty('dtstart');
    if (!start) return [];
    const rules = event.getAllProperties('rrule');
    const rdates = event.getAllProperties('rdate');
    if (rules.length === 0 && rdates.length === 0) {
      const single = this.single(event, this.key(start, event), false);
      return single ? [single] : [];
    }
    const first = start.getFirstValue() as ICAL.Time;
    const zone = this.zoneOf(start);
    const allDay = first.isDate;
    const length = this.lengthOf(event, first, zone);
    const startWall = wallMs(wallOf(first));
    // Wall times differ from instants by at most a day, and an instance may begin before the window.
    const after = wallMs(this.toWall(this.from, zone)) - DAY_MS - length;
    const before = wallMs(this.toWall(this.to, zone)) + DAY_MS;
    const walls = new Set<number>();
    for (const property of rules) {
      const recur = property.getFirstValue() as ICAL.Recur;
      if (recur.freq === 'SECONDLY' || recur.freq === 'MINUTELY') continue; // not a calendar's kind of event
      const parsed = RRule.parseString(recur.toString());
      if (recur.until) parsed.until = new Date(this.untilWall(recur.until, zone, allDay));
      const rule = new RRule({ ...parsed, dtstart: new Date(startWall), tzid: null });
      const found = rule.between(new Date(after), new Date(before), true, (_date, i) => i < this.options.maxInstances);
      for (const date of found) walls.add(date.getTime());
    }
    if (rules.length === 0) walls.add(startWall); // RDATEs add to DTSTART
    for (const property of rdates) {
      for (const value of property.getValues() as (ICAL.Time | ICAL.Period)[]) {
        const time = value instanceof ICAL.Period ? value.start : value;
        walls.add(allDay ? wallMs(wallOf(time)) : wallMs(this.toWall(this.instant(time, property), zone)));
      }
    }
    const excluded = new Set<string>();
    for (const property of event.getAllProperties('exdate')) {
      for (const value of property.getValues() as ICAL.Time[]) excluded.add(this.keyOfTime(value, property, allDay));
    }
    const instances: EventInstance[] = [];
    for (const wall of [...walls].sort((a, b) => a - b)) {
      const startsAt = allDay ? this.instantIn(wallFromMs(wall)) : this.instantIn(wallFromMs(wall), zone);
      const key = allDay ? dateKey(wallFromMs(wall)) : new Date(startsAt).toISOString();
      if (excluded.has(key) || overridden.has(key)) continue;
      const endsAt = allDay
        ? this.instantIn(wallFromMs(wall + length))
        : this.instantIn(wallFromMs(wall + length), zone);
      if (endsAt <= this.from || startsAt >= this.to) continue;
      instances.push(this.instance(event, key, startsAt, Math.max(endsAt, startsAt), allDay, true));
      if (instances.length >= this.options.maxInstances) break;
    }
    return instances;
  }

  /** The event as one instance at its own DTSTART, when it overlaps the window. */
  single(event: ICAL.Component, key: string, recurring: boolean): EventInstance | null {
    const start = event.getFirstProperty('dtstart');
    if (!start) return null;
    const first = start.getFirstValue() as ICAL.Time;
    const zone = this.zoneOf(start);
    const startsAt = first.isDate ? this.instantIn(wallOf(first)) : this.instant(first, start);
    const length = this.lengthOf(event, first, zone);
    const endsAt = first.isDate
      ? this.instantIn(wallFromMs(wallMs(wallOf(first)) + length))
      : startsAt + Math.max(0, this.exactLength(event, startsAt) ?? length);
    if (endsAt <= this.from || startsAt >= this.to) {
      // A zero-length event exactly at the window's start still counts.
      if (!(endsAt === startsAt && startsAt === this.from)) return null;
    }
    return this.instance(event, key, startsAt, endsAt, first.isDate, recurring);
  }

  /** An instance's identity: its original start as an instant (or date, for all-day events). */
  key(property: ICAL.Property, master: ICAL.Component): string {
    const masterStart = master.getFirstPropertyValue('dtstart') as ICAL.Time | null;
    return this.keyOfTime(property.getFirstValue() as ICAL.Time, property, masterStart?.isDate ?? false);
  }

  private keyOfTime(time: ICAL.Time, property: ICAL.Property, allDay: boolean): string {
    if (allDay || time.isDate)
      return dateKey(allDay && !time.isDate ? this.toWall(this.instant(time, property)) : wallOf(time));
    return new Date(this.instant(time, property)).toISOString();
  }

  private instance(
    event: ICAL.Component,
    key: string,
    startsAt: number,
    endsAt: number,
    allDay: boolean,
    recurring: boolean,
  ): EventInstance {
    const uid = uidOf(event);
    return {
      id: createHash('sha256').update(`${this.options.calendarId}\n${uid}\n${key}`).digest('hex'),
      uid: uid.slice(0, 1000),
      summary: text(event, 'summary', MAX_SUMMARY) ?? '(no title)',
      description: text(event, 'description', MAX_DESCRIPTION),
      location: text(event, 'location', MAX_SUMMARY),
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
      allDay,
      recurring,
    };
  }

  /** The event's length in wall-clock milliseconds: DTEND − DTSTART, DURATION, or RFC 5545's default. */
  private lengthOf(event: ICAL.Component, start: ICAL.Time, zone: Zone): number {
    const end = event.getFirstProperty('dtend');
    if (end) {
      const value = end.getFirstValue() as ICAL.Time;
      if (start.isDate) return Math.max(0, wallMs(wallOf(value)) - wallMs(wallOf(start)));
      const startWall = wallMs(this.toWall(this.instant(start, event.getFirstProperty('dtstart')!), zone));
      return Math.max(0, wallMs(this.toWall(this.instant(value, end), zone)) - startWall);
    }
    const duration = event.getFirstPropertyValue('duration') as ICAL.Duration | null;
    if (duration) return Math.max(0, duration.toSeconds() * 1000);
    return start.isDate ? DAY_MS : 0;
  }

  /** For a single timed event: DTEND as an instant minus the start, when DTEND is given. */
  private exactLength(event: ICAL.Component, startsAt: number): number | null {
    const end = event.getFirstProperty('dtend');
    if (!end) return null;
    return this.instant(end.getFirstValue() as ICAL.Time, end) - startsAt;
  }

  /** UNTIL as a wall time in the event's zone (rrule compares wall times here). */
  private untilWall(until: ICAL.Time, zone: Zone, allDay: boolean): number {
    if (until.isDate) return wallMs({ ...wallOf(until), hour: 23, minute: 59, second: 59 });
    if (isUtc(until)) {
      const instant = wallMs(wallOf(until));
      return wallMs(allDay ? this.toWall(instant) : this.toWall(instant, zone));
    }
    return wallMs(wallOf(until));
  }

  private zoneOf(property: ICAL.Property): Zone {
    const value = property.getFirstValue();
    if (value instanceof ICAL.Time && isUtc(value)) return { kind: 'iana', name: 'UTC' };
    const tzid = property.getParameter('tzid');
    const name = typeof tzid === 'string' ? tzid : Array.isArray(tzid) ? tzid[0] : undefined;
    if (!name) return { kind: 'iana', name: this.options.timezone };
    if (isTimeZone(name)) return { kind: 'iana', name };
    const defined = this.zones.get(name);
    if (defined) return { kind: 'vtimezone', tz: defined };
    // e.g. "/mozilla.org/20070129_1/Europe/Berlin"
    const tail = name.split('/').slice(-2).join('/');
    if (isTimeZone(tail)) return { kind: 'iana', name: tail };
    return { kind: 'iana', name: this.options.timezone };
  }

  /** A date-time value as an instant: UTC as is, else in its TZID's zone (or the calendar's). */
  private instant(time: ICAL.Time, property: ICAL.Property): number {
    if (isUtc(time)) return wallMs(wallOf(time));
    if (time.isDate) return this.instantIn(wallOf(time));
    return this.instantIn(wallOf(time), this.zoneOf(property));
  }

  private instantIn(wall: WallTime, zone: Zone = { kind: 'iana', name: this.options.timezone }): number {
    if (zone.kind === 'iana') return instantOf(wall, zone.name);
    return ICAL.Time.fromData({ ...wall, isDate: false }, zone.tz).toUnixTime() * 1000;
  }

  private toWall(instant: number, zone: Zone = { kind: 'iana', name: this.options.timezone }): WallTime {
    if (zone.kind === 'iana') return wallAt(instant, zone.name);
    const time = ICAL.Time.fromJSDate(new Date(instant), true).convertToZone(zone.tz);
    return wallOf(time);
  }
}

function wallOf(time: ICAL.Time): WallTime {
  return {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.isDate ? 0 : time.hour,
    minute: time.isDate ? 0 : time.minute,
    second: time.isDate ? 0 : time.second,
  };
}

function isUtc(time: ICAL.Time): boolean {
  return !time.isDate && time.zone === ICAL.Timezone.utcTimezone;
}

function uidOf(event: ICAL.Component): string {
  const uid = event.getFirstPropertyValue('uid');
  if (typeof uid === 'string' && uid) return uid;
  // No UID: the start and summary make do, so the same event keeps its identity across syncs.
  return `no-uid:${String(event.getFirstPropertyValue('dtstart'))}:${String(event.getFirstPropertyValue('summary'))}`;
}

function isCancelled(event: ICAL.Component): boolean {
  return String(event.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

function text(event: ICAL.Component, name: string, max: number): string | null {
  const value = event.getFirstPropertyValue(name);
  if (value === null || value === undefined) return null;
  const trimmed = String(value).trim();
  return trimmed ? trimmed.slice(0, max) : null;
}
