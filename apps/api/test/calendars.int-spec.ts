import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LocalClaude } from '@loop-gateway/testing';
import { RunsService } from '../src/agents/runs.service.js';
import { CalendarPoller } from '../src/scheduler/calendars/calendar-poller.js';
import { CalendarsRepository } from '../src/scheduler/calendars/calendars.repository.js';
import { JobClock } from '../src/scheduler/job-clock.js';
import { startGateway, waitForFirings } from './pipeline-harness.js';
import { createTestDatabase } from './postgres.js';
import { ManualClock } from './test-app.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/**
 * A weekly Monday 09:00 meeting in Europe/Berlin across the spring change (29 March 2026), the
 * 23 March instance excluded and the 6 April one moved to Tuesday 14:00, plus a single event on
 * Friday 20 March — the day the tests' clock starts.
 */
const FEED = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Loop Gateway//calendar test//EN',
  'X-WR-TIMEZONE:Europe/Berlin',
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'UID:weekly-sync@example.com',
  'DTSTAMP:20260301T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260316T090000',
  'DTEND;TZID=Europe/Berlin:20260316T100000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260420T070000Z',
  'EXDATE;TZID=Europe/Berlin:20260323T090000',
  'SUMMARY:Weekly sync',
  'LOCATION:Room 4',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-sync@example.com',
  'DTSTAMP:20260301T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20260406T090000',
  'DTSTART;TZID=Europe/Berlin:20260407T140000',
  'DTEND;TZID=Europe/Berlin:20260407T150000',
  'SUMMARY:Weekly sync (moved: Easter Monday)',
  'LOCATION:Room 4',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:dentist@example.com',
  'DTSTAMP:20260301T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260320T103000',
  'DTEND;TZID=Europe/Berlin:20260320T113000',
  'SUMMARY:Dentist',
  'DESCRIPTION:Bring the insurance card.',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

const LUNCH = [
  'BEGIN:VEVENT',
  'UID:lunch@example.com',
  'DTSTAMP:20260301T000000Z',
  'DTSTART:20260320T113000Z',
  'DTEND:20260320T123000Z',
  'SUMMARY:Lunch with Ana',
  'END:VEVENT',
].join('\r\n');

/** The user and password /private.ics wants as Basic auth. */
const FEED_USER = 'ana';
const FEED_PASSWORD = 's3crét pass';

/**
 * Serves the feed (changeable), the same behind Basic auth, a 500, an HTML page and a redirect loop;
 * counts feed requests.
 */
async function startFeedServer() {
  const state = { feed: FEED, feedRequests: 0, privateRequests: 0 };
  const server: Server = createServer((req, res) => {
    switch (req.url) {
      case '/private.ics': {
        const expected = `Basic ${Buffer.from(`${FEED_USER}:${FEED_PASSWORD}`).toString('base64')}`;
        if (req.headers.authorization !== expected) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="cal"' }).end();
          return;
        }
        state.privateRequests++;
        res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(state.feed);
        return;
      }
      case '/team.ics':
        state.feedRequests++;
        res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(state.feed);
        return;
      case '/moved.ics':
        res.writeHead(302, { location: '/team.ics' }).end();
        return;
      case '/loop.ics':
        res.writeHead(302, { location: '/loop.ics' }).end();
        return;
      case '/page.ics':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Log in first</body></html>');
        return;
      default:
        res.writeHead(500).end('internal error');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { state, base, close };
}

interface EventBody {
  summary: string;
  startsAt: string;
  endsAt: string;
  localStart: string;
  localEnd: string;
  allDay: boolean;
  recurring: boolean;
  location: string | null;
  uid: string;
}

interface JobRunBody {
  runId: string | null;
  cause: string;
  status: string;
  scheduledFor: string | null;
}

/** The text of the first user message of a request to the local Claude. */
function promptOf(claude: LocalClaude, index: number): string {
  const [message] = claude.requests[index]!.body.messages as { content: { type: string; text: string }[] }[];
  return message!.content.map((part) => part.text).join('');
}

describe('scheduler calendars', () => {
  let claude: LocalClaude;
  let feeds: Awaited<ReturnType<typeof startFeedServer>>;
  let clock: ManualClock;
  beforeAll(async () => {
    claude = await LocalClaude.start();
    feeds = await startFeedServer();
  });
  afterAll(async () => {
    await feeds.close();
    await claude.stop();
  });
  beforeEach(() => {
    claude.reset();
    feeds.state.feed = FEED;
    feeds.state.feedRequests = 0;
    feeds.state.privateRequests = 0;
    // Friday 20 March 2026, 09:00 in Berlin (CET, UTC+1).
    clock = new ManualClock(new Date('2026-03-20T08:00:00Z'));
  });

  const addCalendar = async (gw: Gateway, overrides: object = {}) =>
    (
      await request(gw.gw.url)
        .post('/api/scheduler/calendars')
        .set(gw.auth)
        .send({ name: 'Team', url: `${feeds.base}/team.ics`, timezone: 'Europe/Berlin', ...overrides })
        .expect(201)
    ).body;

  it('stores a feed’s events: a weekly Berlin meeting across the DST change, its exception and moved instance, and a single event', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const calendar = await addCalendar(gw, { url: `${feeds.base}/moved.ics` }); // one redirect is followed
      expect(calendar).toMatchObject({
        name: 'Team',
        pollIntervalMinutes: 15,
        pollMinutes: 15,
        timezone: 'Europe/Berlin',
        lastSyncStatus: 'ok',
        lastSyncError: null,
        lastSyncAt: '2026-03-20T08:00:00.000Z',
        nextSyncAt: '2026-03-20T08:15:00.000Z',
        eventCount: 6,
      });
      const events = (
        await request(gw.gw.url)
          .get(`/api/scheduler/calendars/${calendar.id}/events`)
          .query({ from: '2026-03-01T00:00:00Z' })
          .set(gw.auth)
          .expect(200)
      ).body as EventBody[];
      expect(events.map((e) => [e.summary, e.localStart, e.localEnd, e.startsAt])).toEqual([
        ['Weekly sync', '2026-03-16T09:00', '2026-03-16T10:00', '2026-03-16T08:00:00.000Z'], // CET
        ['Dentist', '2026-03-20T10:30', '2026-03-20T11:30', '2026-03-20T09:30:00.000Z'],
        // 23 March is an EXDATE; from 29 March Berlin is on CEST (UTC+2), the meeting still at 09:00.
        ['Weekly sync', '2026-03-30T09:00', '2026-03-30T10:00', '2026-03-30T07:00:00.000Z'],
        ['Weekly sync (moved: Easter Monday)', '2026-04-07T14:00', '2026-04-07T15:00', '2026-04-07T12:00:00.000Z'],
        ['Weekly sync', '2026-04-13T09:00', '2026-04-13T10:00', '2026-04-13T07:00:00.000Z'],
        ['Weekly sync', '2026-04-20T09:00', '2026-04-20T10:00', '2026-04-20T07:00:00.000Z'], // UNTIL, inclusive
      ]);
      expect(events.filter((e) => e.uid === 'weekly-sync@example.com').every((e) => e.recurring)).toBe(true);
      expect(events[0]).toMatchObject({ location: 'Room 4', allDay: false });
      expect(events[1]).toMatchObject({ recurring: false, location: null });

      // By default: what has not ended yet.
      const upcoming = (
        await request(gw.gw.url).get(`/api/scheduler/calendars/${calendar.id}/events`).set(gw.auth).expect(200)
      ).body as EventBody[];
      expect(upcoming.map((e) => e.localStart)).toEqual([
        '2026-03-20T10:30',
        '2026-03-30T09:00',
        '2026-04-07T14:00',
        '2026-04-13T09:00',
        '2026-04-20T09:00',
      ]);
      const [listed] = (await request(gw.gw.url).get('/api/scheduler/calendars').set(gw.auth).expect(200)).body;
      expect(listed).toMatchObject({ id: calendar.id, eventCount: 6, lastSyncStatus: 'ok' });
    } finally {
      await gw.gw.close();
    }
  });

  it('keeps a feed password sealed: never in the stored row or a response, yet sent as Basic auth', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const host = new URL(feeds.base).host;
      const withPassword = `http://${FEED_USER}:${encodeURIComponent(FEED_PASSWORD)}@${host}/private.ics`;
      const calendar = await addCalendar(gw, { url: withPassword });
      expect(calendar).toMatchObject({
        url: `http://${FEED_USER}@${host}/private.ics`,
        hasPassword: true,
        lastSyncStatus: 'ok',
        eventCount: 6,
      });
      expect(feeds.state.privateRequests).toBe(1);

      const rows: Record<string, unknown>[] = await gw.gw.app
        .get(DataSource)
        .query('SELECT * FROM scheduler_calendars WHERE id = ?', [calendar.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ url: `http://${FEED_USER}@${host}/private.ics` });
      expect(rows[0]!.password_sealed).toMatch(/^v1:/);
      const secret = /s3cr|%C3%A9t|pass@/;
      expect(JSON.stringify(rows)).not.toMatch(secret);

      // Synced again from the stored row (the password unsealed), and no response shows it.
      const synced = await request(gw.gw.url)
        .post(`/api/scheduler/calendars/${calendar.id}/sync`)
        .set(gw.auth)
        .expect(200);
      expect(synced.body).toMatchObject({ lastSyncStatus: 'ok', hasPassword: true });
      expect(feeds.state.privateRequests).toBe(2);
      const listed = await request(gw.gw.url).get('/api/scheduler/calendars').set(gw.auth).expect(200);
      for (const body of [calendar, synced.body, listed.body]) expect(JSON.stringify(body)).not.toMatch(secret);

      // A wrong password is refused by the feed; the error names the status, not the password.
      const wrong = await addCalendar(gw, { name: 'Wrong', url: `http://${FEED_USER}:nope-nope@${host}/private.ics` });
      expect(wrong).toMatchObject({
        hasPassword: true,
        lastSyncStatus: 'error',
        lastSyncError: 'The feed answered 401 Unauthorized',
      });
      expect(JSON.stringify(wrong)).not.toContain('nope-nope');

      const open = await addCalendar(gw, { name: 'Open' });
      expect(open).toMatchObject({ hasPassword: false, url: `${feeds.base}/team.ics` });
    } finally {
      await gw.gw.close();
    }
  });

  it('syncs each calendar on its poll interval on the clock, replacing its events', async () => {
    const gw = await startGateway(claude, {}, { clock });
    const poller = gw.gw.app.get(CalendarPoller);
    try {
      const calendar = await addCalendar(gw, { pollMinutes: 10 });
      expect(feeds.state.feedRequests).toBe(1);
      feeds.state.feed = FEED.replace('END:VCALENDAR', `${LUNCH}\r\nEND:VCALENDAR`).replace(
        'SUMMARY:Dentist',
        'SUMMARY:Dentist (rebooked)',
      );

      clock.advance(9 * 60_000);
      await poller.tick();
      expect(feeds.state.feedRequests).toBe(1); // not due yet

      clock.advance(60_000);
      await Promise.all([poller.tick(), poller.tick()]);
      await poller.tick();
      expect(feeds.state.feedRequests).toBe(2); // due once, synced once
      const [synced] = (await request(gw.gw.url).get('/api/scheduler/calendars').set(gw.auth).expect(200)).body;
      expect(synced).toMatchObject({
        eventCount: 7,
        lastSyncAt: '2026-03-20T08:10:00.000Z',
        nextSyncAt: '2026-03-20T08:20:00.000Z',
      });
      const today = (
        await request(gw.gw.url)
          .get(`/api/scheduler/calendars/${calendar.id}/events`)
          .query({ to: '2026-03-21T00:00:00Z' })
          .set(gw.auth)
          .expect(200)
      ).body as EventBody[];
      expect(today.map((e) => `${e.localStart} ${e.summary}`)).toEqual([
        '2026-03-20T10:30 Dentist (rebooked)',
        '2026-03-20T12:30 Lunch with Ana',
      ]);

      // Sync now: fetched at once, and the next poll is a full interval later.
      clock.advance(2 * 60_000);
      const now = (
        await request(gw.gw.url).post(`/api/scheduler/calendars/${calendar.id}/sync`).set(gw.auth).expect(200)
      ).body;
      expect(now).toMatchObject({ lastSyncAt: '2026-03-20T08:12:00.000Z', nextSyncAt: '2026-03-20T08:22:00.000Z' });
      expect(feeds.state.feedRequests).toBe(3);
    } finally {
      await gw.gw.close();
    }
  });

  it('records a failing feed as the calendar’s sync error and keeps its last good events', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const failing: [string, RegExp][] = [
        ['/gone.ics', /^The feed answered 500/],
        ['/page.ics', /not iCalendar data/],
        ['/loop.ics', /^Redirect loop at http:\/\/127\.0\.0\.1:\d+\/loop\.ics$/],
      ];
      for (const [path, error] of failing) {
        const calendar = await addCalendar(gw, { name: path, url: `${feeds.base}${path}` });
        expect(calendar).toMatchObject({ lastSyncStatus: 'error', eventCount: 0 });
        expect(calendar.lastSyncError).toMatch(error);
      }
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      const unreachable = await addCalendar(gw, { name: 'down', url: `http://127.0.0.1:${port}/cal.ics` });
      expect(unreachable.lastSyncError).toMatch(/^The feed could not be reached: ECONNREFUSED/);

      const calendar = await addCalendar(gw);
      expect(calendar.eventCount).toBe(6);
      feeds.state.feed = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage';
      const failed = (
        await request(gw.gw.url).post(`/api/scheduler/calendars/${calendar.id}/sync`).set(gw.auth).expect(200)
      ).body;
      expect(failed).toMatchObject({ lastSyncStatus: 'error', eventCount: 6 });
      expect(failed.lastSyncError).toMatch(/^The feed could not be parsed: /);
      const events = (
        await request(gw.gw.url)
          .get(`/api/scheduler/calendars/${calendar.id}/events`)
          .query({ from: '2026-03-01T00:00:00Z' })
          .set(gw.auth)
          .expect(200)
      ).body;
      expect(events).toHaveLength(6);
      // A later good sync clears the error.
      feeds.state.feed = FEED;
      const ok = (
        await request(gw.gw.url).post(`/api/scheduler/calendars/${calendar.id}/sync`).set(gw.auth).expect(200)
      ).body;
      expect(ok).toMatchObject({ lastSyncStatus: 'ok', lastSyncError: null, eventCount: 6 });
    } finally {
      await gw.gw.close();
    }
  });

  it('puts today’s events, in the calendar’s time zone, before a job’s prompt', async () => {
    // 23:30 UTC on the 19th is already Friday the 20th in Berlin.
    clock = new ManualClock(new Date('2026-03-19T23:30:00Z'));
    const gw = await startGateway(claude, {}, { clock });
    try {
      feeds.state.feed = FEED.replace('END:VCALENDAR', `${LUNCH}\r\nEND:VCALENDAR`);
      const calendar = await addCalendar(gw);
      const { id } = (
        await request(gw.gw.url)
          .post('/api/scheduler/jobs')
          .set(gw.auth)
          .send({
            name: 'Morning briefing',
            trigger: { type: 'cron', cron: '0 7 * * *', timezone: 'Europe/Berlin' },
            action: {
              type: 'agent',
              prompt: 'What should I prepare for?',
              calendarContext: { calendarId: calendar.id },
            },
          })
          .expect(201)
      ).body;
      const [saved] = (await request(gw.gw.url).get('/api/scheduler/jobs').set(gw.auth).expect(200)).body;
      expect(saved.action.calendarContext).toEqual({ calendarId: calendar.id, days: 1 });
      claude.script({ text: 'Dentist at 10:30, then lunch.' });
      await request(gw.gw.url).post(`/api/scheduler/jobs/${id}/run`).set(gw.auth).expect(202);
      const [firing] = await waitForFirings<JobRunBody>(gw, id, 1);
      expect(claude.requests).toHaveLength(1);
      // Calendar text is outside content: the exfiltration guard treats the conversation as untrusted.
      const runs = gw.gw.app.get(RunsService);
      const run = await runs.find(firing!.runId!);
      expect(await runs.untrustedSource(run!.conversationId)).toBe('calendar event text');
      const prompt = promptOf(claude, 0);
      expect(prompt).toContain(
        'Today\'s events in the calendar "Team" (Friday, 20 March 2026, times in Europe/Berlin):\n<untrusted_data>',
      );
      expect(prompt).toContain('- 10:30–11:30 Dentist\n- 12:30–13:30 Lunch with Ana\n</untrusted_data>');
      expect(prompt).not.toContain('Weekly sync');
      expect(prompt.endsWith('</untrusted_data>\n\nWhat should I prepare for?')).toBe(true);
    } finally {
      await gw.gw.close();
    }
  });

  it.each(['SQLite', 'PostgreSQL'])(
    'fires a calendar-triggered job minutes before each event, once per instance across re-syncs and a restart (%s)',
    async (database) => {
      const postgres = database === 'PostgreSQL' ? await createTestDatabase() : null;
      const env = { SESSION_IDLE_MINUTES: '100000', ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
      const first = await startGateway(claude, env, { clock });
      const calendar = await addCalendar(first);
      const job = (
        await request(first.gw.url)
          .post('/api/scheduler/jobs')
          .set(first.auth)
          .send({
            name: 'Meeting prep',
            trigger: { type: 'calendar', calendarId: calendar.id, minutesBefore: 15 },
            action: { type: 'agent', prompt: 'Prepare me for it.' },
          })
          .expect(201)
      ).body;
      expect(job).toMatchObject({
        trigger: { type: 'calendar', calendarId: calendar.id, minutesBefore: 15 },
        nextRunAt: '2026-03-20T09:15:00.000Z', // the dentist at 10:30 Berlin, less 15 minutes
      });
      claude.script({ text: 'Bring the card.' }, { text: 'unexpected' }, { text: 'unexpected' });
      const jobClock = first.gw.app.get(JobClock);
      clock.advance(74 * 60_000);
      await jobClock.tick();
      expect(claude.requests).toHaveLength(0);
      clock.advance(60_000);
      await Promise.all([jobClock.tick(), jobClock.tick()]);
      const [firing] = await waitForFirings<JobRunBody>(first, job.id, 1);
      expect(firing).toMatchObject({ cause: 'schedule', status: 'success', scheduledFor: '2026-03-20T09:15:00.000Z' });
      expect(claude.requests).toHaveLength(1);
      const prompt = promptOf(claude, 0);
      expect(prompt).toContain('An event in the calendar "Team" starts in 15 minutes:\n<untrusted_data>');
      expect(prompt).toContain('Event: Dentist\nWhen: Friday, 20 March 2026, 10:30–11:30 (Europe/Berlin)');
      expect(prompt).toContain('Description: Bring the insurance card.');
      expect(prompt.endsWith('Prepare me for it.')).toBe(true);
      const next = '2026-03-30T06:45:00.000Z'; // Monday's meeting at 09:00 CEST, less 15 minutes
      let [saved] = (await request(first.gw.url).get('/api/scheduler/jobs').set(first.auth).expect(200)).body;
      expect(saved.nextRunAt).toBe(next);
      // The record of the fired instance is what stops a second firing, whoever claims it.
      const [dentist] = (
        await request(first.gw.url)
          .get(`/api/scheduler/calendars/${calendar.id}/events`)
          .query({ from: '2026-03-20T09:00:00Z', limit: 1 })
          .set(first.auth)
          .expect(200)
      ).body as (EventBody & { id: string })[];
      const again = {
        jobId: job.id,
        eventId: dentist!.id,
        startsAt: new Date(dentist!.startsAt),
        firedAt: clock.now(),
      };
      expect(await first.gw.app.get(CalendarsRepository).markFired(again)).toBe(false);

      // A re-sync (same events) does not bring the fired instance back.
      await request(first.gw.url).post(`/api/scheduler/calendars/${calendar.id}/sync`).set(first.auth).expect(200);
      [saved] = (await request(first.gw.url).get('/api/scheduler/jobs').set(first.auth).expect(200)).body;
      expect(saved.nextRunAt).toBe(next);
      await jobClock.tick();
      await first.gw.close({ keepData: true });

      // Nor does a restart, whose first poll re-syncs the calendar.
      const second = await startGateway(claude, env, { dataDir: first.gw.dataDir, clock });
      try {
        clock.advance(15 * 60_000);
        await second.gw.app.get(CalendarPoller).tick();
        await second.gw.app.get(JobClock).tick();
        const firings = await waitForFirings<JobRunBody>(second, job.id, 1);
        expect(firings).toHaveLength(1);
        expect(claude.requests).toHaveLength(1);
        [saved] = (await request(second.gw.url).get('/api/scheduler/jobs').set(second.auth).expect(200)).body;
        expect(saved.nextRunAt).toBe(next);

        // A new event sooner than the next one moves the job's next firing up after the sync.
        feeds.state.feed = FEED.replace('END:VCALENDAR', `${LUNCH}\r\nEND:VCALENDAR`);
        await request(second.gw.url).post(`/api/scheduler/calendars/${calendar.id}/sync`).set(second.auth).expect(200);
        [saved] = (await request(second.gw.url).get('/api/scheduler/jobs').set(second.auth).expect(200)).body;
        expect(saved.nextRunAt).toBe('2026-03-20T11:15:00.000Z');
        clock.advance(105 * 60_000);
        await second.gw.app.get(JobClock).tick();
        const [latest] = await waitForFirings<JobRunBody>(second, job.id, 2);
        expect(latest).toMatchObject({ status: 'success', scheduledFor: '2026-03-20T11:15:00.000Z' });
        expect(promptOf(claude, 1)).toContain('Event: Lunch with Ana');
      } finally {
        await second.gw.close();
        await postgres?.drop();
      }
    },
  );

  it('rejects bad calendars and calendar jobs with a 400 naming the field', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const bad: [object, RegExp][] = [
        [{ url: `${feeds.base}/team.ics` }, /name/],
        [{ name: 'x', url: 'ftp://example.com/cal.ics' }, /url must be a URL address/],
        [{ name: 'x', url: 'not a url' }, /url must be a URL address/],
        [{ name: 'x', url: `${feeds.base}/team.ics`, pollMinutes: 0 }, /pollMinutes must not be less than 1/],
        [
          { name: 'x', url: `${feeds.base}/team.ics`, pollIntervalMinutes: 0 },
          /pollIntervalMinutes must not be less than 1/,
        ],
        [
          { name: 'x', url: `${feeds.base}/team.ics`, pollIntervalMinutes: 15, pollMinutes: 30 },
          /pollIntervalMinutes and pollMinutes \(its older name\) differ/,
        ],
        [
          { name: 'x', url: `${feeds.base}/team.ics`, timezone: 'Mars/Base' },
          /timezone: .*Mars\/Base.* is not an IANA time zone/,
        ],
      ];
      for (const [body, message] of bad) {
        const res = await request(gw.gw.url).post('/api/scheduler/calendars').set(gw.auth).send(body).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      expect((await request(gw.gw.url).get('/api/scheduler/calendars').set(gw.auth).expect(200)).body).toEqual([]);
      expect(feeds.state.feedRequests).toBe(0);

      const missing = '7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00';
      const job = (trigger: object, action: object = {}) => ({
        name: 'x',
        trigger,
        action: { type: 'agent', prompt: 'p', ...action },
      });
      const badJobs: [object, RegExp][] = [
        [job({ type: 'calendar' }), /trigger\.calendarId is required for a calendar trigger/],
        [job({ type: 'calendar', calendarId: missing }), /trigger\.calendarId: there is no calendar/],
        [job({ type: 'calendar', calendarId: missing, minutesBefore: -1 }), /minutesBefore must not be less than 0/],
        [
          job({ type: 'interval', everySeconds: 60 }, { calendarContext: { calendarId: missing } }),
          /action\.calendarContext\.calendarId: there is no calendar/,
        ],
        [
          job({ type: 'interval', everySeconds: 60 }, { calendarContext: { calendarId: missing, days: 30 } }),
          /days must not be greater than 14/,
        ],
      ];
      for (const [body, message] of badJobs) {
        const res = await request(gw.gw.url).post('/api/scheduler/jobs').set(gw.auth).send(body).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      await request(gw.gw.url).post(`/api/scheduler/calendars/${missing}/sync`).set(gw.auth).expect(404);
      await request(gw.gw.url).get(`/api/scheduler/calendars/${missing}/events`).set(gw.auth).expect(404);
      await request(gw.gw.url).delete(`/api/scheduler/calendars/${missing}`).set(gw.auth).expect(404);
      await request(gw.gw.url).get('/api/scheduler/calendars/not-a-uuid/events').set(gw.auth).expect(400);
      await request(gw.gw.url).get('/api/scheduler/calendars').expect(401);
      await request(gw.gw.url).post('/api/scheduler/calendars').send({ name: 'x', url: 'http://x' }).expect(401);
    } finally {
      await gw.gw.close();
    }
  });

  it('refuses to delete a calendar a job uses, and deletes it with its events once none does', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const calendar = await addCalendar(gw);
      const { id } = (
        await request(gw.gw.url)
          .post('/api/scheduler/jobs')
          .set(gw.auth)
          .send({
            name: 'Daily agenda',
            trigger: { type: 'cron', cron: '0 7 * * *', timezone: 'Europe/Berlin' },
            action: { type: 'agent', prompt: 'Agenda?', calendarContext: { calendarId: calendar.id, days: 3 } },
          })
          .expect(201)
      ).body;
      const refused = await request(gw.gw.url)
        .delete(`/api/scheduler/calendars/${calendar.id}`)
        .set(gw.auth)
        .expect(409);
      expect(refused.body.message).toBe(
        'The calendar "Team" is used by the job "Daily agenda": change or delete it first',
      );
      await request(gw.gw.url).delete(`/api/scheduler/jobs/${id}`).set(gw.auth).expect(204);
      await request(gw.gw.url).delete(`/api/scheduler/calendars/${calendar.id}`).set(gw.auth).expect(204);
      expect((await request(gw.gw.url).get('/api/scheduler/calendars').set(gw.auth).expect(200)).body).toEqual([]);
      await request(gw.gw.url).get(`/api/scheduler/calendars/${calendar.id}/events`).set(gw.auth).expect(404);
      const [{ count }] = await gw.gw.app
        .get(DataSource)
        .query('SELECT COUNT(*) AS count FROM scheduler_calendar_events');
      expect(Number(count)).toBe(0);
    } finally {
      await gw.gw.close();
    }
  });
});
