import type { DailyUsageDto } from '@loop-gateway/api-client';

/** The daily chart's series: stacked input/output token bars and a cost line, oldest day first. */
export interface DailyChartData {
  labels: string[];
  /** The days as the gateway names them (YYYY-MM-DD), for tooltips and tests. */
  dates: string[];
  inputTokens: number[];
  outputTokens: number[];
  costUsd: number[];
}

const LABEL = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "2026-11-03" → "Nov 3", read as a calendar date (the gateway's TIMEZONE already applied). */
export function dayLabel(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return date;
  return LABEL.format(new Date(Date.UTC(year, month - 1, day)));
}

/** GET /api/usage/daily (one entry per day, oldest first) → the chart's series; keeps the last `days`. */
export function dailyChartData(daily: readonly DailyUsageDto[], days = 30): DailyChartData {
  const shown = [...daily].sort((a, b) => a.date.localeCompare(b.date)).slice(-days);
  return {
    labels: shown.map((day) => dayLabel(day.date)),
    dates: shown.map((day) => day.date),
    inputTokens: shown.map((day) => day.inputTokens),
    outputTokens: shown.map((day) => day.outputTokens),
    // Rounded to a hundredth of a cent so the axis and tooltips stay readable.
    costUsd: shown.map((day) => Math.round(day.costUsd * 10_000) / 10_000),
  };
}
