import { localDate, readableDate, startOfLocalDay, windowStarts } from './time-windows.js';

describe('budget windows in a time zone', () => {
  it('starts the day and month at local midnight', () => {
    const now = new Date('2026-07-15T01:30:00Z'); // 03:30 in Berlin (UTC+2)
    const { dayStart, monthStart, nextDayStart } = windowStarts(now, 'Europe/Berlin');
    expect(dayStart.toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(monthStart.toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(nextDayStart.toISOString()).toBe('2026-07-15T22:00:00.000Z');
  });

  it('starts the next month at local midnight, across a year end, and names days as people read them', () => {
    const december = new Date('2026-12-31T23:30:00Z'); // already 1 January 2027 in Berlin
    expect(windowStarts(december, 'UTC').nextMonthStart.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(windowStarts(december, 'Europe/Berlin').nextMonthStart.toISOString()).toBe('2027-01-31T23:00:00.000Z');
    expect(readableDate(new Date('2026-12-05T00:00:00Z'), 'UTC')).toBe('Sat 5 Dec 2026');
    expect(readableDate(new Date('2026-12-04T23:30:00Z'), 'Europe/Berlin')).toBe('Sat 5 Dec 2026');
  });

  it('puts the same instant on different days in different zones', () => {
    const instant = new Date('2026-01-01T03:00:00Z');
    expect(localDate(instant, 'UTC')).toBe('2026-01-01');
    expect(localDate(instant, 'America/New_York')).toBe('2025-12-31');
    expect(windowStarts(instant, 'America/New_York').monthStart.toISOString()).toBe('2025-12-01T05:00:00.000Z');
  });

  it('handles daylight-saving changes', () => {
    // Berlin switches to summer time on 2026-03-29: that day starts at 23:00Z the day before (UTC+1).
    expect(startOfLocalDay(2026, 3, 29, 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay(2026, 3, 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});
