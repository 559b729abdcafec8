import type { DailyUsageDto } from '@loop-gateway/api-client';
import { describe, expect, it } from 'vitest';
import { dailyChartData, dayLabel } from './usage-chart-data';

const day = (date: string, overrides: Partial<DailyUsageDto> = {}): DailyUsageDto => ({
  date,
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationTokens: 0,
  cacheReadTokens: 0,
  costUsd: 0,
  cacheSavedUsd: 0,
  ...overrides,
});

describe('dailyChartData', () => {
  it('maps each day to a label, input and output token bars and a cost point, oldest first', () => {
    const data = dailyChartData([
      day('2026-10-31', { inputTokens: 1200, outputTokens: 300, costUsd: 0.0081 }),
      day('2026-11-01'),
      day('2026-11-02', { inputTokens: 50_000, outputTokens: 2_000, costUsd: 0.180049 }),
    ]);
    expect(data).toEqual({
      labels: ['Oct 31', 'Nov 1', 'Nov 2'],
      dates: ['2026-10-31', '2026-11-01', '2026-11-02'],
      inputTokens: [1200, 0, 50_000],
      outputTokens: [300, 0, 2_000],
      costUsd: [0.0081, 0, 0.18],
    });
  });

  it('keeps only the last N days, in date order whatever order they came in', () => {
    const daily = Array.from({ length: 40 }, (_, i) =>
      day(new Date(Date.UTC(2025, 11, 1 + i)).toISOString().slice(0, 10), { inputTokens: i + 1 }),
    ).reverse();
    const data = dailyChartData(daily, 30);
    expect(data.labels).toHaveLength(30);
    expect(data.dates.at(0)).toBe('2025-12-11');
    expect(data.dates.at(-1)).toBe('2026-01-09');
    expect(data.labels.at(-1)).toBe('Jan 9');
    expect(data.inputTokens.at(-1)).toBe(40);
  });

  it('is empty without data', () => {
    expect(dailyChartData([])).toEqual({ labels: [], dates: [], inputTokens: [], outputTokens: [], costUsd: [] });
  });
});

describe('dayLabel', () => {
  it('reads the date as a calendar day, not shifted by the browser time zone', () => {
    expect(dayLabel('2026-01-01')).toBe('Jan 1');
    expect(dayLabel('2026-12-31')).toBe('Dec 31');
    expect(dayLabel('not a date')).toBe('not a date');
  });
});
