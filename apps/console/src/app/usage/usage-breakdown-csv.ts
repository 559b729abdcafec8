import type { UsageBreakdownResponseDto } from '@loop-gateway/api-client';

const COLUMNS = [
  'calls',
  'inputTokens',
  'outputTokens',
  'cacheCreationTokens',
  'cacheReadTokens',
  'costUsd',
  'cacheSavedUsd',
] as const;

/** One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused. */
function field(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The breakdown as CSV (RFC 4180, CRLF), one row per origin, group, channel or agent role. */
export function breakdownCsv(breakdown: UsageBreakdownResponseDto): string {
  const header = [breakdown.by, 'key', ...COLUMNS].join(',');
  const lines = breakdown.rows.map((row) => [row.label, row.key, ...COLUMNS.map((c) => row[c])].map(field).join(','));
  return [header, ...lines].join('\r\n') + '\r\n';
}

/** usage-by-origin-2026-11-01-to-2026-11-30.csv */
export function breakdownFileName(breakdown: UsageBreakdownResponseDto): string {
  return `usage-by-${breakdown.by}-${breakdown.from}-to-${breakdown.to}.csv`;
}
