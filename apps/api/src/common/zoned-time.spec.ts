import { instantOf, localKey, wallAt } from './zoned-time.js';

const wall = (iso: string) => {
  const [date, time] = iso.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { year, month, day, hour, minute, second: 0 };
};
const utc = (ms: number) => new Date(ms).toISOString();

describe('wall-clock times in a zone', () => {
  it('reads Berlin wall times on both sides of the daylight-saving changes', () => {
    expect(utc(instantOf(wall('2026-03-28T09:00'), 'Europe/Berlin'))).toBe('2026-03-28T08:00:00.000Z');
    expect(utc(instantOf(wall('2026-03-29T09:00'), 'Europe/Berlin'))).toBe('2026-03-29T07:00:00.000Z');
    expect(utc(instantOf(wall('2026-10-25T09:00'), 'Europe/Berlin'))).toBe('2026-10-25T08:00:00.000Z');
  });

  it('moves a skipped time past the gap and takes the first of a repeated one', () => {
    expect(utc(instantOf(wall('2026-03-29T02:30'), 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(utc(instantOf(wall('2026-10-25T02:30'), 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z'); // CEST
  });

  it('shows an instant as wall time in a zone', () => {
    expect(localKey(wallAt(Date.parse('2026-03-29T07:00:00Z'), 'Europe/Berlin'))).toBe('2026-03-29T09:00');
    expect(localKey(wallAt(Date.parse('2026-03-29T07:00:00Z'), 'America/New_York'))).toBe('2026-03-29T03:00');
  });
});
