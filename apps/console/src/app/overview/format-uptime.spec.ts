import { describe, expect, it } from 'vitest';
import { formatUptime } from './format-uptime';

describe('formatUptime', () => {
  it('shows the two largest units', () => {
    expect(formatUptime(0)).toBe('0 s');
    expect(formatUptime(42.7)).toBe('42 s');
    expect(formatUptime(303)).toBe('5 min 3 s');
    expect(formatUptime(7500)).toBe('2 h 5 min');
    expect(formatUptime(7200)).toBe('2 h');
    expect(formatUptime(3 * 86_400 + 4 * 3600 + 59)).toBe('3 d 4 h');
  });
});
