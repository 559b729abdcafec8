import { isUUID } from 'class-validator';
import { timeOrderedId } from './time-ordered-id.js';

describe('timeOrderedId', () => {
  it('is a UUID of version 7 with the RFC 9562 variant, holding the time it was made', () => {
    const at = Date.UTC(2026, 11, 4, 23, 59, 30, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUUID(id)).toBe(true);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by the time it was made, and differs within the same millisecond', () => {
    const at = Date.UTC(2026, 0, 1);
    const ids = [at + 1000, at, at + 1, at + 86_400_000].map((time) => timeOrderedId(time));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
    const same = new Set(Array.from({ length: 1000 }, () => timeOrderedId(at)));
    expect(same.size).toBe(1000);
  });
});
