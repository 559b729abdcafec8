import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import type { JobCreateDto, JobDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { calendar, job } from '../../testing/fixtures';
import { JobDialog, type JobDialogData } from './job-dialog';

describe('JobDialog', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  function open(data: JobDialogData) {
    const ref = TestBed.inject(MatDialog).open<JobDialog, JobDialogData, JobDto>(JobDialog, { data });
    let closedWith: JobDto | undefined | null = null;
    ref.afterClosed().subscribe((value) => (closedWith = value));
    TestBed.tick();
    const root = document.querySelector<HTMLElement>('lg-job-dialog')!;
    const field = (testId: string) => root.querySelector<HTMLInputElement>(`[data-testid=${testId}]`);
    const fill = (testId: string, value: string) => {
      const input = field(testId)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      TestBed.tick();
    };
    const choose = (testId: string) => {
      root.querySelector<HTMLInputElement>(`[data-testid=${testId}] input`)!.click();
      TestBed.tick();
    };
    const save = async () => {
      const before = gateway.http.requests.length;
      root.querySelector<HTMLButtonElement>('[data-testid=job-save]')!.click();
      TestBed.tick();
      await vi.waitFor(() => expect(gateway.http.requests.length).toBeGreaterThan(before));
      await vi.waitFor(() => {
        TestBed.tick();
        expect(root.querySelector('[data-testid=job-save] mat-progress-spinner')).toBeNull();
      });
    };
    const formError = () => document.querySelector('[data-testid=form-error]')?.textContent?.trim();
    return { root, field, fill, choose, save, formError, closed: () => closedWith };
  }

  it("creates a cron job in the browser's time zone, showing the gateway's message about a field", async () => {
    let attempts = 0;
    gateway.http.on('POST /api/scheduler/jobs', (request) =>
      attempts++ === 0
        ? {
            status: 400,
            body: { statusCode: 400, message: 'trigger.cron: "0 25 * * *" is not a valid cron expression' },
          }
        : { status: 201, body: job({ ...(request.body as JobCreateDto), id: 'f0f0f0f0-1111-4222-8333-444455556666' }) },
    );
    const { field, fill, save, formError, closed } = open({ groups: [] });
    expect(field('job-timezone')!.value).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);

    fill('job-name', 'Morning briefing');
    fill('job-cron', '0 25 * * *');
    fill('job-timezone', 'Europe/Berlin');
    fill('job-prompt', 'What is on my calendar today?');
    await save();
    expect(formError()).toBe('trigger.cron: "0 25 * * *" is not a valid cron expression');
    expect(closed()).toBeNull();

    fill('job-cron', '0 7 * * 1-5');
    await save();
    expect(gateway.http.last('POST /api/scheduler/jobs')?.body).toEqual({
      name: 'Morning briefing',
      trigger: { type: 'cron', cron: '0 7 * * 1-5', timezone: 'Europe/Berlin' },
      action: { type: 'agent', prompt: 'What is on my calendar today?', maxIterations: 10 },
      output: { type: 'none' },
      missedPolicy: 'skip',
      enabled: true,
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ name: 'Morning briefing' }));
  });

  it('creates an interval job with a webhook output and run-once for missed firings; checks the fields first', async () => {
    gateway.http.on('POST /api/scheduler/jobs', (request) => ({
      status: 201,
      body: job(request.body as JobCreateDto),
    }));
    const { root, fill, choose, save, closed } = open({ groups: [] });
    fill('job-name', 'Heartbeat');
    fill('job-prompt', 'Say hello.');
    choose('job-trigger-interval');
    fill('job-every', '5');
    choose('job-output-webhook');
    root.querySelector<HTMLButtonElement>('[data-testid=job-save]')!.click();
    TestBed.tick();
    const errors = [...root.querySelectorAll('mat-error')].map((e) => e.textContent?.trim());
    expect(errors).toEqual(['A whole number from 10 to 31536000 (a year)', 'An http:// or https:// address']);
    expect(gateway.http.requests).toHaveLength(0);

    fill('job-every', '60');
    fill('job-url', 'https://hooks.example.com/heartbeat');
    root.querySelectorAll<HTMLInputElement>('[data-testid=job-missed] input')[1]!.click();
    TestBed.tick();
    await save();
    expect(gateway.http.last('POST /api/scheduler/jobs')?.body).toEqual({
      name: 'Heartbeat',
      trigger: { type: 'interval', everySeconds: 60 },
      action: { type: 'agent', prompt: 'Say hello.', maxIterations: 10 },
      output: { type: 'webhook', url: 'https://hooks.example.com/heartbeat' },
      missedPolicy: 'run_once',
      enabled: true,
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ name: 'Heartbeat' }));
  });

  it('sends the result to a channel chosen by name, saying who gets it', async () => {
    gateway.http.on('POST /api/scheduler/jobs', (request) => ({
      status: 201,
      body: job(request.body as JobCreateDto),
    }));
    const channels = [
      {
        id: 'c1c1c1c1-1111-4222-8333-444455556666',
        name: 'Support bot',
        type: 'telegram' as const,
        allowedSenders: ['1', '2'],
      },
      {
        id: 'c2c2c2c2-1111-4222-8333-444455556666',
        name: 'Team chat',
        type: 'mattermost' as const,
        allowedSenders: [],
      },
    ];
    const { root, fill, choose, save, closed } = open({ groups: [], channels });
    expect(root.textContent).not.toContain('comes with channels');
    fill('job-name', 'Briefing');
    fill('job-prompt', 'Brief the team.');
    choose('job-output-channel');
    const hint = () => root.querySelector('[data-testid=job-channel-hint]')?.textContent?.trim();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=job-channel]')?.textContent).toContain('Support bot (telegram)');
    });
    expect(hint()).toBe('Goes to its 2 allowed senders, each in their own chat.');
    root.querySelector<HTMLElement>('[data-testid=job-channel] .mat-mdc-select-trigger')!.click();
    TestBed.tick();
    [...document.querySelectorAll<HTMLElement>('mat-option')]
      .find((o) => o.textContent?.includes('Team chat'))!
      .click();
    TestBed.tick();
    expect(hint()).toMatch(/^This channel has no allowed senders: nobody would get the result/);
    await save();
    expect(gateway.http.last('POST /api/scheduler/jobs')?.body).toMatchObject({
      output: { type: 'channel', channelId: channels[1]!.id },
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ name: 'Briefing' }));
  });

  it('offers no channel output while there is no channel, and says where to add one', () => {
    const { root } = open({ groups: [], channels: [] });
    expect(root.querySelector('[data-testid=job-output-channel] input')?.hasAttribute('disabled')).toBe(true);
    expect(root.textContent).toContain('To send the result to a chat, add a channel on the Channels page first.');
  });

  it('edits a job with PUT, keeping it disabled', async () => {
    const disabled = job({ enabled: false });
    gateway.http.on(`PUT /api/scheduler/jobs/${disabled.id}`, (request) => ({
      status: 200,
      body: job(request.body as JobCreateDto),
    }));
    const { field, fill, save, closed } = open({ job: disabled, groups: [] });
    expect(field('job-every')!.value).toBe('900');
    fill('job-every', '1800');
    await save();
    expect(gateway.http.last(`PUT /api/scheduler/jobs/${disabled.id}`)?.body).toMatchObject({
      trigger: { type: 'interval', everySeconds: 1800 },
      enabled: false,
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ trigger: { everySeconds: 1800 } }));
  });

  it('creates a job fired minutes before each event of a calendar, on the first calendar unless another is chosen', async () => {
    gateway.http.on('POST /api/scheduler/jobs', (request) => ({
      status: 201,
      body: job(request.body as JobCreateDto),
    }));
    const calendars = [calendar(), calendar({ id: 'b2b2b2b2-5555-4666-8777-888899990000', name: 'Holidays' })];
    const { root, fill, choose, save, closed } = open({ groups: [], calendars });
    fill('job-name', 'Meeting prep');
    fill('job-prompt', 'Prepare me for it.');
    choose('job-trigger-calendar');
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=job-calendar]')?.textContent?.trim()).toBe('Team');
    });
    fill('job-minutes-before', '-5');
    root.querySelector<HTMLButtonElement>('[data-testid=job-save]')!.click();
    TestBed.tick();
    expect([...root.querySelectorAll('mat-error')].map((e) => e.textContent?.trim())).toEqual([
      'A whole number from 0 to 10080 (a week)',
    ]);
    fill('job-minutes-before', '10');
    await save();
    expect(gateway.http.last('POST /api/scheduler/jobs')?.body).toMatchObject({
      trigger: { type: 'calendar', calendarId: calendar().id, minutesBefore: 10 },
      action: { type: 'agent', prompt: 'Prepare me for it.', maxIterations: 10 },
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ name: 'Meeting prep' }));
  });

  it('keeps a job’s calendar context when editing it', async () => {
    const briefing = job({
      trigger: { type: 'cron', cron: '0 7 * * *', timezone: 'Europe/Berlin' },
      action: {
        type: 'agent',
        prompt: 'Brief me.',
        maxIterations: 10,
        calendarContext: { calendarId: calendar().id, days: 1 },
      },
    });
    gateway.http.on(`PUT /api/scheduler/jobs/${briefing.id}`, (request) => ({
      status: 200,
      body: job(request.body as JobCreateDto),
    }));
    const { root, field, fill, save } = open({ job: briefing, groups: [], calendars: [calendar()] });
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=job-context-calendar]')?.textContent?.trim()).toBe('Team');
    });
    expect(field('job-context-days')!.value).toBe('1');
    fill('job-context-days', '3');
    await save();
    expect(gateway.http.last(`PUT /api/scheduler/jobs/${briefing.id}`)?.body).toMatchObject({
      action: { prompt: 'Brief me.', calendarContext: { calendarId: calendar().id, days: 3 } },
    });
  });

  it('offers no calendar trigger or context without calendars', () => {
    const { root } = open({ groups: [] });
    expect(root.querySelector('[data-testid=job-trigger-calendar] input')?.hasAttribute('disabled')).toBe(true);
    expect(root.querySelector('[data-testid=job-context-calendar]')).toBeNull();
    expect(root.textContent).toContain('Add a calendar below the jobs to fire a job before its events.');
  });
});
