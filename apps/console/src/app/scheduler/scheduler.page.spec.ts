import { TestBed } from '@angular/core/testing';
import type { JobDto, JobRunDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { agentGroup, job, jobRun } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { SchedulerPage } from './scheduler.page';

const ID = job().id;
const CRON = 'a9a9a9a9-1111-4222-8333-444455556666';

describe('SchedulerPage', () => {
  let gateway: FakeGateway;
  /** What the fake gateway has stored. */
  let jobs: JobDto[];
  let runs: JobRunDto[];
  let ws: FakeWebSocket;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    jobs = [
      job(),
      job({
        id: CRON,
        name: 'Morning briefing',
        enabled: false,
        trigger: { type: 'cron', cron: '0 7 * * 1-5', timezone: 'Europe/Berlin' },
        output: { type: 'webhook', url: 'https://hooks.example.com/briefing' },
        lastRunAt: '2026-01-01T06:00:00.000Z',
      }),
    ];
    runs = [
      jobRun({
        id: 'd2d2d2d2-0000-4000-8000-000000000002',
        status: 'error',
        output: null,
        error: 'Budget of Default is used up',
        delivery: 'failed',
        deliveryError: 'The outbound webhook for this URL is disabled',
      }),
      jobRun({ delivery: 'queued' }),
    ];
    gateway.http
      .on('GET /api/scheduler/jobs', () => ({ status: 200, body: jobs }))
      .on('GET /api/scheduler/stats', () => ({
        status: 200,
        body: {
          jobs: jobs.length,
          enabled: jobs.filter((j) => j.enabled).length,
          runsLastDay: runs.length,
          failuresLastDay: runs.filter((r) => r.status === 'error').length,
          nextRunAt: '2026-01-01T12:15:00.000Z',
        },
      }))
      .on(`GET /api/scheduler/jobs/${ID}/runs`, () => ({ status: 200, body: runs }))
      .on('GET /api/agent-groups', { status: 200, body: [agentGroup()] })
      .on('GET /api/scheduler/calendars', { status: 200, body: [] });
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(SchedulerPage);
    const root = fixture.nativeElement as HTMLElement;
    const row = (name: string) => root.querySelector(`[data-testid=job][data-job="${name}"]`);
    const history = (name: string) => root.querySelector(`[data-testid=job-history-row][data-job="${name}"]`);
    const text = (el: Element | null | undefined, testId: string) =>
      el?.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const click = (el: Element | null | undefined, testId: string) =>
      el!.querySelector<HTMLElement>(`[data-testid=${testId}]`)!.click();
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await until(() => {
      expect(row('Morning briefing')).not.toBeNull();
      expect(text(root, 'stats-jobs')).toBe('2');
    });
    return { root, row, history, text, click, until };
  }

  it('shows the counts and each job with its trigger in words, next and last run, output and switch', async () => {
    const { root, row, text } = await render();

    expect(text(root, 'stats-enabled')).toBe('1');
    expect(text(root, 'stats-runs')).toBe('2');
    expect(text(root, 'stats-failures')).toBe('1');
    expect(text(root, 'stats-next')).toMatch(/^Jan 1, 2026/);
    expect([...root.querySelectorAll('[data-testid=job-name]')].map((c) => c.textContent?.trim())).toEqual([
      'Inbox digest',
      'Morning briefing',
    ]);
    expect(text(row('Inbox digest'), 'job-trigger')).toBe('Every 15 min');
    expect(text(row('Inbox digest'), 'job-next')).toMatch(/^Jan 1, 2026/);
    expect(text(row('Inbox digest'), 'job-last')).toBe('—');
    expect(text(row('Inbox digest'), 'job-output')).toBe('None');
    expect(text(row('Morning briefing'), 'job-trigger')).toBe(
      'At 07:00, Monday through Friday (Europe/Berlin) · cron 0 7 * * 1-5',
    );
    expect(text(row('Morning briefing'), 'job-next')).toBe('—'); // disabled
    expect(text(row('Morning briefing'), 'job-output')).toBe('Webhook https://hooks.example.com/briefing');
    expect(row('Morning briefing')?.querySelector('[role=switch]')?.getAttribute('aria-checked')).toBe('false');
  });

  it('shows a job’s firings: cause, status, output, error and delivery, with links to the runs', async () => {
    const { row, history, text, click, until } = await render();

    click(row('Inbox digest'), 'job-history');
    await until(() => expect(history('Inbox digest')?.querySelectorAll('[data-testid=job-run]')).toHaveLength(2));
    const [failed, ok] = [...history('Inbox digest')!.querySelectorAll('[data-testid=job-run]')];
    expect(text(failed, 'job-run-cause')).toBe('Scheduled');
    expect(text(failed, 'run-status')).toBe('Error');
    expect(text(failed, 'job-run-error')).toBe('Budget of Default is used up');
    expect(text(failed, 'job-run-delivery')).toBe('Failed');
    expect(text(failed, 'job-run-delivery-error')).toBe('The outbound webhook for this URL is disabled');
    expect(text(ok, 'run-status')).toBe('Success');
    expect(text(ok, 'job-run-delivery')).toBe('Queued');
    expect(ok?.querySelector('[data-testid=job-run-delivery-log]')?.getAttribute('href')).toBe('/webhooks');
    expect(text(ok, 'job-run-output')).toBe('Three new mails, none urgent.');
    expect(ok?.querySelector('[data-testid=job-run-link]')?.getAttribute('href')).toBe(`/runs/${jobRun().runId}`);

    click(row('Inbox digest'), 'job-history');
    await until(() => expect(history('Inbox digest')).toBeNull());
  });

  it('follows a queued delivery until it is delivered or failed, and stops reading once it settled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      runs = [jobRun({ delivery: 'queued', deliveryId: 'f0f0f0f0-0000-4000-8000-000000000001' })];
      const { row, history, text, click, until } = await render();
      click(row('Inbox digest'), 'job-history');
      await until(() => expect(text(history('Inbox digest'), 'job-run-delivery')).toBe('Queued'));
      const reads = () => gateway.http.requests.filter((r) => r.path === `/api/scheduler/jobs/${ID}/runs`).length;
      const before = reads();

      // The receiver refused the first attempt: still queued, with the reason.
      runs = [{ ...runs[0]!, deliveryError: 'Attempt 1 failed (The receiver answered 500); retrying' }];
      await vi.advanceTimersByTimeAsync(3000);
      await until(() =>
        expect(text(history('Inbox digest'), 'job-run-delivery-error')).toBe(
          'Attempt 1 failed (The receiver answered 500); retrying',
        ),
      );
      runs = [{ ...runs[0]!, delivery: 'delivered', deliveryError: null }];
      await vi.advanceTimersByTimeAsync(3000);
      await until(() => expect(text(history('Inbox digest'), 'job-run-delivery')).toBe('Delivered'));
      expect(text(history('Inbox digest'), 'job-run-delivery-error')).toBeUndefined();
      const settled = reads();
      expect(settled - before).toBe(2);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(reads()).toBe(settled); // nothing left to follow
    } finally {
      vi.useRealTimers();
    }
  });

  it('states its one time zone rule: every time in the browser’s zone, named', async () => {
    const { root, row, text } = await render();
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(text(root, 'scheduler-time-zone')).toBe(
      `All times on this page are in your browser’s time zone, ${zone}. A cron schedule runs in the zone named with it.`,
    );
    const named = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })
      .formatToParts(new Date('2026-01-01T12:15:00.000Z'))
      .find((part) => part.type === 'timeZoneName')!.value;
    expect(text(root, 'stats-next')).toContain(named);
    expect(text(row('Inbox digest'), 'job-next')).toContain(named);
    expect(text(row('Morning briefing'), 'job-last')).toContain(named);
  });

  it('"Run now" fires the job and shows the firing, which completes live on scheduler:job:complete', async () => {
    const fired = jobRun({
      id: 'd2d2d2d2-0000-4000-8000-000000000009',
      cause: 'manual',
      status: 'running',
      scheduledFor: null,
      finishedAt: null,
      durationMs: null,
      output: null,
    });
    gateway.http.on(`POST /api/scheduler/jobs/${ID}/run`, () => {
      runs.unshift(fired);
      return { status: 202, body: fired };
    });
    const { root, row, history, text, click, until } = await render();

    click(row('Inbox digest'), 'job-run-now');
    const newest = () => history('Inbox digest')?.querySelector('[data-testid=job-run]');
    await until(() => expect(newest()?.getAttribute('data-status')).toBe('running'));
    expect(gateway.http.last(`POST /api/scheduler/jobs/${ID}/run`)).toBeDefined();
    expect(text(newest(), 'job-run-cause')).toBe('Run now');

    runs[0] = { ...fired, status: 'success', durationMs: 1200, output: 'Nothing new.' };
    jobs[0] = { ...jobs[0]!, lastRunAt: '2026-01-01T12:01:00.000Z' };
    ws.receive({
      type: 'event',
      event: 'scheduler:job:complete',
      payload: { jobId: ID, runId: fired.runId!, status: 'success', durationMs: 1200 },
      timestamp: new Date().toISOString(),
    });
    await until(() => expect(newest()?.getAttribute('data-status')).toBe('success'));
    expect(text(newest(), 'job-run-output')).toBe('Nothing new.');
    expect(text(row('Inbox digest'), 'job-last')).toMatch(/^Jan 1, 2026/);
    expect(text(root, 'stats-runs')).toBe('3');
  });

  it('the switch enables a job; a refusal puts it back and says why', async () => {
    gateway.http.on(`POST /api/scheduler/jobs/${CRON}/toggle`, () => {
      jobs[1] = { ...jobs[1]!, enabled: true, nextRunAt: '2026-01-02T06:00:00.000Z' };
      return { status: 200, body: jobs[1] };
    });
    gateway.http.on(`POST /api/scheduler/jobs/${ID}/toggle`, {
      status: 404,
      body: { statusCode: 404, message: `Job ${ID} not found` },
    });
    const { root, row, text, until } = await render();
    const toggle = (name: string) => row(name)!.querySelector<HTMLButtonElement>('[role=switch]')!;

    toggle('Morning briefing').click();
    await until(() => expect(text(row('Morning briefing'), 'job-next')).toMatch(/^Jan 2, 2026/));
    expect(gateway.http.last(`POST /api/scheduler/jobs/${CRON}/toggle`)).toBeDefined();
    expect(toggle('Morning briefing').getAttribute('aria-checked')).toBe('true');
    await until(() => expect(text(root, 'stats-enabled')).toBe('2'));

    toggle('Inbox digest').click();
    await until(() => expect(text(root, 'scheduler-action-error')).toBe(`Job ${ID} not found`));
    expect(toggle('Inbox digest').getAttribute('aria-checked')).toBe('true');
  });

  it('deletes a job after a confirmation', async () => {
    gateway.http.on(`DELETE /api/scheduler/jobs/${CRON}`, () => {
      jobs = jobs.filter((j) => j.id !== CRON);
      return { status: 204 };
    });
    const { root, row, click, until, text } = await render();

    click(row('Morning briefing'), 'job-delete');
    TestBed.tick();
    document.querySelector<HTMLButtonElement>('[data-testid=confirm]')!.click();
    await until(() => expect(row('Morning briefing')).toBeNull());
    await until(() => expect(text(root, 'stats-jobs')).toBe('1'));
  });
});
