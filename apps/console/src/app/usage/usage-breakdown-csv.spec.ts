import type { UsageBreakdownResponseDto } from '@loop-gateway/api-client';
import { describe, expect, it } from 'vitest';
import { breakdownCsv, breakdownFileName } from './usage-breakdown-csv';

const totals = {
  calls: 2,
  inputTokens: 2000,
  outputTokens: 200,
  cacheCreationTokens: 0,
  cacheReadTokens: 500,
  costUsd: 0.0093,
  cacheSavedUsd: 0.00135,
};

describe('breakdownCsv', () => {
  it('writes a header and one row per entry, quoting what needs it and defusing formulas', () => {
    const breakdown: UsageBreakdownResponseDto = {
      by: 'channel',
      from: '2026-11-01',
      to: '2026-11-30',
      timezone: 'UTC',
      rows: [
        { key: 'c1', label: 'Support, EU (Telegram)', ...totals },
        { key: 'c2', label: '=HYPERLINK("x")', ...totals, calls: 1 },
      ],
    };
    expect(breakdownCsv(breakdown)).toBe(
      'channel,key,calls,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,costUsd,cacheSavedUsd\r\n' +
        '"Support, EU (Telegram)",c1,2,2000,200,0,500,0.0093,0.00135\r\n' +
        `"'=HYPERLINK(""x"")",c2,1,2000,200,0,500,0.0093,0.00135\r\n`,
    );
    expect(breakdownFileName(breakdown)).toBe('usage-by-channel-2026-11-01-to-2026-11-30.csv');
  });
});
