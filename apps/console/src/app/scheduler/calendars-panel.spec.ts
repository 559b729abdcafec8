import { TestBed } from '@angular/core/testing';
import type { CalendarCreateDto, CalendarDto, CalendarEventDto, JobDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { calendar, calendarEvent, job } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { describeEventTime } from './calendars.store';
import { SchedulerPage } from './scheduler.page';

const TEAM = calendar().id;
const BROKEN = 'b2b2b2b2-5555-4666-8777-888899990000';

describe('SchedulerPage calendars', () => {
  let gateway: FakeGateway;
  let calendars: CalendarDto[];
  let events: CalendarEventDto[];
  let jobs: JobDto[];

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    calendars = [
      calendar(),
      calendar({
        id: BROKEN,
        name: 'Holidays',
        url: 'https://user@cal.example.com/holidays.ics',
        hasPassword: true,
        lastSyncStatus: 'error',
        lastSyncError: 'The feed answered 500 Internal Server Error',
        eventCount: 0,
      }),
    ];
    events = [
      calendarEvent({
        startsAt: '2026-03-20T09:30:00.000Z',
        endsAt: '2026-03-20T10:30:00.000Z',
        localStart: '2026-03-20T10:30',
        localEnd: '2026-03-20T11:30',
        summary: 'Dentist',
        location: null,
      }),
      calendarEvent(),
      calendarEvent({
        id: 'e'.repeat(64),
        summary: 'Good Friday',
        localStart: '2026-04-03T00:00',
        localEnd: '2026-04-04T00:00',
        allDay: true,
        location: null,
      }),
    ];
    jobs = [
      job({
        name: 'Meeting prep',
        trigger: { type: 'calendar', calendarId: TEAM, minutesBefore: 15 },
        nextRunAt: '2026-03-20T09:15:00.000Z',
      }),
    ];
    gateway.http
      .on('GET /api/scheduler/jobs', () => ({ status: 200, body: jobs }))
      .on('GET /api/scheduler/stats', {
        status: 200,
        body: { jobs: 1, enabled: 1, runsLastDay: 0, failuresLastDay: 0, nextRunAt: null },
      })
      .on('GET /api/agent-groups', { status: 200, body: [] })
      .on('GET /api/scheduler/calendars', () => ({ status: 200, body: calendars }))
      .on(`GET /api/scheduler/calendars/${TEAM}/events`, () => ({ status: 200, body: events }));
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(SchedulerPage);
    const root = fixture.nativeElement as HTMLElement;
    const row = (name: string) => root.querySelector(`[data-testid=calendar][data-calendar="${name}"]`);
    const text = (el: Element | null | undefined, testId: string) =>
      el?.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const click = (el: Element | null | undefined, testId: string) =>
      el!.querySelector<HTMLElement>(`[data-testid=${testId}]`)!.click();
    const fill = (testId: string, value: string) => {
      const input = root.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      TestBed.tick();
    };
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await until(() => expect(row('Holidays')).not.toBeNull());
    return { root, row, text, click, fill, until };
  }

  it('lists calendars with their last sync, its error and event count; names the calendar of a job’s trigger', async () => {
    const { root, row, text, until } = await render();
    expect([...root.querySelectorAll('[data-testid=calendar-row-name]')].map((e) => e.textContent?.trim())).toEqual([
      'Holidays',
      'Team',
    ]);
    expect(row('Team')?.querySelector('[data-testid=calendar-sync]')?.getAttribute('data-status')).toBe('ok');
    expect(text(row('Team'), 'calendar-count')).toBe('6');
    expect(text(row('Holidays'), 'calendar-sync')).toMatch(/^Failed/);
    expect(text(row('Holidays'), 'calendar-sync-error')).toBe('The feed answered 500 Internal Server Error');
    expect(text(row('Holidays'), 'calendar-row-url')).toBe(
      'https://user@cal.example.com/holidays.ics (password stored sealed)',
    );
    expect(text(row('Team'), 'calendar-row-url')).toBe('https://cloud.example.com/team.ics');
    await until(() =>
      expect(text(root.querySelector('[data-testid=job]'), 'job-trigger')).toBe('15 min before each event in Team'),
    );
  });

  it('shows a calendar’s upcoming events at their times in the browser’s time zone, like the whole page', async () => {
    const { root, row, click, until } = await render();
    click(row('Team'), 'calendar-events');
    const shown = () => [
      ...root.querySelectorAll('[data-testid=calendar-events-row][data-calendar=Team] [data-testid=calendar-event]'),
    ];
    await until(() => expect(shown()).toHaveLength(3));
    expect(shown().map((e) => e.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      // In the browser's time zone, whichever that is where the test runs.
      `${describeEventTime(events[0]!)} Dentist`,
      `${describeEventTime(calendarEvent())} Weekly sync · Room 4`,
      'Fri 3 Apr, all day Good Friday',
    ]);
    expect(root.querySelector('[data-calendar=Team] .zone')?.textContent?.trim()).toBe(
      `Upcoming, in your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}); the calendar’s is Europe/Berlin`,
    );
    click(row('Team'), 'calendar-events');
    await until(() => expect(shown()).toHaveLength(0));
  });

  it('syncs now, showing the new outcome, and reloads the jobs (a calendar trigger’s next run may move)', async () => {
    gateway.http.on(`POST /api/scheduler/calendars/${BROKEN}/sync`, () => {
      calendars[1] = { ...calendars[1]!, lastSyncStatus: 'ok', lastSyncError: null, eventCount: 12 };
      return { status: 200, body: calendars[1] };
    });
    const { row, text, click, until } = await render();
    const jobLoads = gateway.http.requests.filter((r) => r.path === '/api/scheduler/jobs').length;
    click(row('Holidays'), 'calendar-sync-now');
    await until(() => expect(text(row('Holidays'), 'calendar-count')).toBe('12'));
    expect(row('Holidays')?.querySelector('[data-testid=calendar-sync-error]')).toBeNull();
    expect(gateway.http.last(`POST /api/scheduler/calendars/${BROKEN}/sync`)).toBeDefined();
    await until(() =>
      expect(gateway.http.requests.filter((r) => r.path === '/api/scheduler/jobs').length).toBeGreaterThan(jobLoads),
    );
  });

  it('adds a calendar with name, URL and poll minutes, checking the fields first and showing the gateway’s refusal', async () => {
    let attempts = 0;
    gateway.http.on('POST /api/scheduler/calendars', (request) => {
      if (attempts++ === 0) return { status: 400, body: { statusCode: 400, message: ['url must be a URL address'] } };
      const added = calendar({ ...(request.body as CalendarCreateDto), id: 'c3c3c3c3-5555-4666-8777-888899990000' });
      calendars.push(added);
      return { status: 201, body: added };
    });
    const { root, row, click, fill, until } = await render();
    click(root, 'calendar-new');
    TestBed.tick();
    fill('calendar-name', 'Family');
    fill('calendar-url', 'webcal://example.com/family.ics');
    fill('calendar-poll', '0');
    click(root, 'calendar-save');
    TestBed.tick();
    expect(
      [...root.querySelectorAll('[data-testid=calendar-form] mat-error')].map((e) => e.textContent?.trim()),
    ).toEqual(['An http:// or https:// address', 'A whole number from 1 to 1440']);
    expect(gateway.http.last('POST /api/scheduler/calendars')).toBeUndefined();

    fill('calendar-url', 'http://nextcloud.local/remote.php/dav/public-calendars/x?export');
    fill('calendar-poll', '30');
    fill('calendar-timezone', 'Europe/Berlin');
    click(root, 'calendar-save');
    await until(() => expect(root.querySelector('[data-testid=calendars-action-error]')?.textContent).toContain('url'));
    click(root, 'calendar-save');
    await until(() => expect(row('Family')).not.toBeNull());
    expect(gateway.http.last('POST /api/scheduler/calendars')?.body).toEqual({
      name: 'Family',
      url: 'http://nextcloud.local/remote.php/dav/public-calendars/x?export',
      pollIntervalMinutes: 30,
      timezone: 'Europe/Berlin',
    });
    expect(root.querySelector('[data-testid=calendar-form]')).toBeNull();
  });

  it('deletes a calendar after a confirmation, and shows why when a job still uses it', async () => {
    gateway.http
      .on(`DELETE /api/scheduler/calendars/${TEAM}`, {
        status: 409,
        body: {
          statusCode: 409,
          message: 'The calendar "Team" is used by the job "Meeting prep": change or delete it first',
        },
      })
      .on(`DELETE /api/scheduler/calendars/${BROKEN}`, () => {
        calendars = calendars.filter((c) => c.id !== BROKEN);
        return { status: 204 };
      });
    const { row, click, until } = await render();
    click(row('Team'), 'calendar-delete');
    TestBed.tick();
    document.querySelector<HTMLButtonElement>('[data-testid=confirm]')!.click();
    await until(() =>
      expect(document.querySelector('[data-testid=confirm-error]')?.textContent?.trim()).toBe(
        'The calendar "Team" is used by the job "Meeting prep": change or delete it first',
      ),
    );
    expect(row('Team')).not.toBeNull();
    document.querySelector<HTMLButtonElement>('lg-confirm-dialog [mat-dialog-close]')!.click();
    await until(() => expect(document.querySelector('lg-confirm-dialog')).toBeNull());

    click(row('Holidays'), 'calendar-delete');
    TestBed.tick();
    document.querySelector<HTMLButtonElement>('[data-testid=confirm]')!.click();
    await until(() => expect(row('Holidays')).toBeNull());
  });
});

describe('describeEventTime', () => {
  it('spells multi-day events with both ends, in the given (browser) time zone', () => {
    const night = calendarEvent({ startsAt: '2026-03-30T20:00:00.000Z', endsAt: '2026-03-31T00:00:00.000Z' });
    expect(describeEventTime(night, 'Europe/Berlin')).toBe('Mon 30 Mar, 22:00 – Tue 31 Mar, 02:00');
    expect(describeEventTime(night, 'UTC')).toBe('Mon 30 Mar, 20:00 – Tue 31 Mar, 00:00');
    expect(describeEventTime(calendarEvent(), 'America/New_York')).toBe('Mon 30 Mar, 03:00–04:00');
    expect(
      describeEventTime(
        calendarEvent({ localStart: '2026-04-03T00:00', localEnd: '2026-04-06T00:00', allDay: true }),
        'Pacific/Auckland',
      ),
    ).toBe('Fri 3 Apr – Sun 5 Apr, all day');
  });
});
