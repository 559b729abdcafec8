import { expandCalendar } from './ical-expand.js';

/** A weekly Monday 09:00 Berlin meeting across the spring change, with an EXDATE and a moved instance. */
const FEED = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Loop Gateway//test//EN',
  'BEGIN:VEVENT',
  'UID:standup@example.com',
  'DTSTAMP:20260301T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260316T090000',
  'DTEND;TZID=Europe/Berlin:20260316T093000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260413T070000Z',
  'EXDATE;TZID=Europe/Berlin:20260323T090000',
  'SUMMARY:Standup',
  'LOCATION:Room 1',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:standup@example.com',
  'DTSTAMP:20260301T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20260406T090000',
  'DTSTART;TZID=Europe/Berlin:20260407T140000',
  'DTEND;TZID=Europe/Berlin:20260407T143000',
  'SUMMARY:Standup (moved)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:holiday@example.com',
  'DTSTAMP:20260301T000000Z',
  'DTSTART;VALUE=DATE:20260403',
  'SUMMARY:Good Friday',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:daily@example.com',
  'DTSTAMP:20260301T000000Z',
  'DTSTART:20260317T120000Z',
  'DURATION:PT1H',
  'RRULE:FREQ=DAILY;COUNT=3',
  'STATUS:CONFIRMED',
  'SUMMARY:Lunch',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:daily@example.com',
  'RECURRENCE-ID:20260318T120000Z',
  'DTSTART:20260318T120000Z',
  'STATUS:CANCELLED',
  'SUMMARY:Lunch',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

const options = {
  calendarId: 'c1',
  timezone: 'Europe/Berlin',
  from: new Date('2026-03-10T00:00:00Z'),
  to: new Date('2026-05-01T00:00:00Z'),
  maxInstances: 1000,
};

describe('expanding an iCalendar feed', () => {
  it('expands recurrences in local time, skips EXDATEs and cancelled instances, and moves overridden ones', () => {
    const events = expandCalendar(FEED, options);
    expect(events.map((e) => [e.summary, e.startsAt.toISOString(), e.endsAt.toISOString(), e.allDay])).toEqual([
      ['Standup', '2026-03-16T08:00:00.000Z', '2026-03-16T08:30:00.000Z', false], // 09:00 CET
      ['Lunch', '2026-03-17T12:00:00.000Z', '2026-03-17T13:00:00.000Z', false],
      ['Lunch', '2026-03-19T12:00:00.000Z', '2026-03-19T13:00:00.000Z', false],
      ['Standup', '2026-03-30T07:00:00.000Z', '2026-03-30T07:30:00.000Z', false], // 09:00 CEST
      ['Good Friday', '2026-04-02T22:00:00.000Z', '2026-04-03T22:00:00.000Z', true],
      ['Standup (moved)', '2026-04-07T12:00:00.000Z', '2026-04-07T12:30:00.000Z', false],
      ['Standup', '2026-04-13T07:00:00.000Z', '2026-04-13T07:30:00.000Z', false], // UNTIL is inclusive
    ]);
    const standup = events.filter((e) => e.uid === 'standup@example.com');
    expect(standup.every((e) => e.recurring)).toBe(true);
    expect(standup[0]!.location).toBe('Room 1');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // Identities are stable across syncs.
    expect(expandCalendar(FEED, options).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('keeps only what overlaps the window, and at most maxInstances', () => {
    const window = { ...options, from: new Date('2026-03-29T00:00:00Z'), to: new Date('2026-04-05T00:00:00Z') };
    expect(expandCalendar(FEED, window).map((e) => e.summary)).toEqual(['Standup', 'Good Friday']);
    expect(expandCalendar(FEED, { ...options, maxInstances: 2 })).toHaveLength(2);
  });

  it('reads TZIDs from the feed’s VTIMEZONE when they are not IANA names', () => {
    const feed = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VTIMEZONE',
      'TZID:W. Europe Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16010101T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010101T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:outlook-1',
      'DTSTART;TZID=W. Europe Standard Time:20260327T100000',
      'DTEND;TZID=W. Europe Standard Time:20260327T110000',
      'RRULE:FREQ=DAILY;COUNT=4',
      'EXDATE;TZID=W. Europe Standard Time:20260328T100000',
      'SUMMARY:Review',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(expandCalendar(feed, { ...options, timezone: 'UTC' }).map((e) => e.startsAt.toISOString())).toEqual([
      '2026-03-27T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
    ]);
  });

  it('rejects text that is not iCalendar', () => {
    expect(() => expandCalendar('<html>Not found</html>', options)).toThrow();
  });
});
