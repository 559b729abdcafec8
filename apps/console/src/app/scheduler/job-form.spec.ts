import { describe, expect, it } from 'vitest';
import { job } from '../../testing/fixtures';
import {
  browserTimeZone,
  describeOutput,
  describeNextRun,
  formatInstant,
  describeTrigger,
  jobFormValue,
  jobRequestBody,
  toLocalInput,
} from './job-form';

describe('job form', () => {
  it('describes triggers and outputs in words', () => {
    expect(describeTrigger({ type: 'cron', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toBe(
      'At 09:00, Monday through Friday (Europe/Berlin) · cron 0 9 * * 1-5',
    );
    expect(describeTrigger({ type: 'cron', cron: '*/5 * * * *', timezone: 'UTC' })).toBe(
      'Every 5 minutes (UTC) · cron */5 * * * *',
    );
    expect(describeTrigger({ type: 'interval', everySeconds: 30 })).toBe('Every 30 s');
    expect(describeTrigger({ type: 'interval', everySeconds: 5400 })).toBe('Every 1 h 30 min');
    const at = new Date(2026, 0, 2, 9, 30).toISOString();
    expect(describeTrigger({ type: 'once', at })).toMatch(/^Once at Jan 2, 2026, 9:30\sAM \S+/);
    expect(describeOutput({ type: 'none' })).toBe('None');
    const channelId = 'c1c1c1c1-1111-4222-8333-444455556666';
    expect(describeOutput({ type: 'channel', channelId }, (id) => (id === channelId ? 'Support bot' : undefined))).toBe(
      'Channel Support bot',
    );
    expect(describeOutput({ type: 'channel', channelId }, () => undefined)).toBe('Channel c1c1c1c1');
    expect(describeOutput({ type: 'webhook', url: 'https://n8n.internal/webhook/report' })).toBe(
      'Webhook https://n8n.internal/webhook/report',
    );
  });

  it('shows the next run in the browser time zone, named, whatever the cron job’s own zone', () => {
    // 07:00 UTC on 29 March 2026 is 09:00 in Berlin, the first morning of summer time.
    const job = { nextRunAt: '2026-03-29T07:00:00.000Z' };
    expect(describeNextRun(job, 'Europe/Berlin')).toMatch(/^Mar 29, 2026, 9:00\sAM GMT\+2$/);
    expect(describeNextRun(job, 'UTC')).toMatch(/^Mar 29, 2026, 7:00\sAM UTC$/);
    expect(describeNextRun(job, 'America/New_York')).toMatch(/^Mar 29, 2026, 3:00\sAM EDT$/);
    expect(describeNextRun({ nextRunAt: null })).toBe('—');
    expect(formatInstant('2026-01-02T09:30:00.000Z', 'Asia/Tokyo')).toMatch(/^Jan 2, 2026, 6:30\sPM GMT\+9$/);
  });

  it("starts a new job as a daily cron in the browser's time zone", () => {
    expect(jobFormValue(undefined, browserTimeZone())).toMatchObject({
      triggerType: 'cron',
      cron: '0 9 * * *',
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      outputType: 'none',
      missedPolicy: 'skip',
    });
  });

  it('sends only the fields of the chosen trigger and output, a once time as an instant', () => {
    const value = { ...jobFormValue(job(), 'UTC'), triggerType: 'once' as const, at: '2026-03-01T08:15' };
    expect(jobRequestBody(value, false)).toEqual({
      name: 'Inbox digest',
      trigger: { type: 'once', at: new Date(2026, 2, 1, 8, 15).toISOString() },
      action: { type: 'agent', prompt: 'Summarise the inbox.', maxIterations: 10 },
      output: { type: 'none' },
      missedPolicy: 'skip',
      enabled: false,
    });
    const webhook = {
      ...value,
      triggerType: 'cron' as const,
      outputType: 'webhook' as const,
      url: ' https://x.test/h ',
    };
    expect(jobRequestBody({ ...webhook, groupId: 'g1' })).toMatchObject({
      trigger: { type: 'cron', cron: '0 9 * * *', timezone: 'UTC' },
      output: { type: 'webhook', url: 'https://x.test/h' },
      groupId: 'g1',
      enabled: true,
    });
    // What the datetime-local input shows for a stored instant, and back.
    const local = toLocalInput('2026-03-01T08:15:00.000Z');
    expect(new Date(local).toISOString()).toBe('2026-03-01T08:15:00.000Z');
  });
});
