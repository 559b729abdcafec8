import request from 'supertest';
import { LocalClaude } from '@loop-gateway/testing';
import { JobClock } from '../src/scheduler/job-clock.js';
import { startGateway, waitForFirings } from './pipeline-harness.js';
import { waitUntil } from './wait.js';
import { ManualClock } from './test-app.js';
import { verifyStandardWebhook, WebhookReceiver } from './webhook-receiver.js';
import { RecordingSocket } from './ws-client.js';

interface JobRunBody {
  id: string;
  runId: string | null;
  cause: string;
  status: string;
  output: string | null;
  error: string | null;
  durationMs: number | null;
  delivery: string;
  deliveryError: string | null;
  deliveryId: string | null;
}

/** The job's firings as the API lists them now, newest first. */
const firingsOf = async (gw: { gw: { url: string }; auth: Record<string, string> }, jobId: string) =>
  (await request(gw.gw.url).get(`/api/scheduler/jobs/${jobId}/runs`).set(gw.auth).expect(200)).body as JobRunBody[];

const job = (overrides: object = {}) => ({
  name: 'Morning briefing',
  trigger: { type: 'cron', cron: '*/5 * * * *', timezone: 'Europe/Berlin' },
  action: { type: 'agent', prompt: 'Brief me.' },
  ...overrides,
});

describe('the scheduler', () => {
  let claude: LocalClaude;
  let clock: ManualClock;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });
  beforeEach(() => {
    claude.reset();
    clock = new ManualClock(new Date('2026-03-10T08:02:00Z'));
  });

  it('fires a cron job once when due, records the run and sends the result to a webhook, signed', async () => {
    const gw = await startGateway(claude, {}, { clock });
    const receiver = await WebhookReceiver.start();
    const socket = new RecordingSocket(gw.gw.url.replace('http', 'ws') + '/ws');
    try {
      await socket.opened();
      socket.send({ type: 'auth', token: gw.token });
      await socket.waitFor((m) => m.type === 'ready');
      // The receiver's outbound webhook, registered first so its secret is known.
      const { secret } = (
        await request(gw.gw.url)
          .post('/api/webhooks')
          .set(gw.auth)
          .send({ name: 'Briefings', platform: 'n8n', targetUrl: receiver.url(), events: [] })
          .expect(201)
      ).body as { secret: string };
      const created = (
        await request(gw.gw.url)
          .post('/api/scheduler/jobs')
          .set(gw.auth)
          .send(job({ output: { type: 'webhook', url: receiver.url() } }))
          .expect(201)
      ).body;
      expect(created).toMatchObject({
        enabled: true,
        nextRunAt: '2026-03-10T08:05:00.000Z',
        missedPolicy: 'skip',
        action: { type: 'agent', prompt: 'Brief me.', maxIterations: 10 },
      });

      await gw.gw.app.get(JobClock).tick();
      expect(claude.requests).toHaveLength(0); // not due yet

      claude.script({ text: 'Three meetings today.' });
      clock.advance(3 * 60_000);
      await Promise.all([gw.gw.app.get(JobClock).tick(), gw.gw.app.get(JobClock).tick()]);
      await gw.gw.app.get(JobClock).tick();
      const [firing] = await waitForFirings<JobRunBody>(gw, created.id, 1);
      expect(firing).toMatchObject({
        cause: 'schedule',
        status: 'success',
        output: 'Three meetings today.',
        // queued until the receiver took it, then delivered: it follows the webhook delivery
        delivery: expect.stringMatching(/^(queued|delivered)$/),
        deliveryId: expect.any(String),
        error: null,
      });
      expect(firing!.durationMs).toEqual(expect.any(Number));
      expect(claude.requests).toHaveLength(1);
      const [received] = await receiver.waitFor(1);
      expect(verifyStandardWebhook(secret, received!.headers, received!.body, clock.now().getTime() / 1000)).toBe(true);
      expect([JSON.parse(received!.body)]).toEqual([
        expect.objectContaining({
          event: 'scheduler:job:complete',
          source: 'loop-gateway',
          payload: expect.objectContaining({
            jobId: created.id,
            runId: firing!.runId,
            status: 'success',
            output: 'Three meetings today.',
          }),
        }),
      ]);
      expect(received!.headers['webhook-id']).toBe(firing!.deliveryId);
      const [settled] = await waitUntil('the firing to show the delivery', async () => {
        const firings = await firingsOf(gw, created.id);
        return firings[0]?.delivery === 'delivered' && firings;
      });
      expect(settled).toMatchObject({ delivery: 'delivered', deliveryError: null });
      const run = (await request(gw.gw.url).get(`/api/runs/${firing!.runId}`).set(gw.auth).expect(200)).body;
      expect(run.origin).toEqual({ kind: 'scheduler', ref: created.id });
      await socket.waitFor(
        (m) =>
          m.type === 'event' &&
          m.event === 'scheduler:job:complete' &&
          (m.payload as { jobId: string }).jobId === created.id,
      );
      const after = (await request(gw.gw.url).get('/api/scheduler/jobs').set(gw.auth).expect(200)).body;
      expect(after[0]).toMatchObject({ nextRunAt: '2026-03-10T08:10:00.000Z', lastRunAt: '2026-03-10T08:05:00.000Z' });
      expect((await request(gw.gw.url).get('/api/scheduler/stats').set(gw.auth).expect(200)).body).toEqual({
        jobs: 1,
        enabled: 1,
        runsLastDay: 1,
        failuresLastDay: 0,
        nextRunAt: '2026-03-10T08:10:00.000Z',
      });
    } finally {
      socket.close();
      await receiver.stop();
      await gw.gw.close();
    }
  });

  it('fires at 09:00 Berlin time on both sides of the spring daylight-saving change', async () => {
    clock = new ManualClock(new Date('2026-03-28T07:30:00Z'));
    // A day passes on the fake clock: keep the admin's session alive that long.
    const gw = await startGateway(claude, { SESSION_IDLE_MINUTES: '2880' }, { clock });
    try {
      const { id, nextRunAt } = (
        await request(gw.gw.url)
          .post('/api/scheduler/jobs')
          .set(gw.auth)
          .send(job({ trigger: { type: 'cron', cron: '0 9 * * *', timezone: 'Europe/Berlin' } }))
          .expect(201)
      ).body;
      expect(nextRunAt).toBe('2026-03-28T08:00:00.000Z'); // 09:00 CET (UTC+1)
      claude.script({ text: 'Saturday.' }, { text: 'Sunday.' });
      clock.advance(30 * 60_000);
      await gw.gw.app.get(JobClock).tick();
      await waitForFirings<JobRunBody>(gw, id, 1);
      let [saved] = (await request(gw.gw.url).get('/api/scheduler/jobs').set(gw.auth).expect(200)).body;
      expect(saved.nextRunAt).toBe('2026-03-29T07:00:00.000Z'); // 09:00 CEST (UTC+2), the clocks moved at 01:00 UTC
      clock.advance(23 * 3600_000);
      await gw.gw.app.get(JobClock).tick();
      const firings = await waitForFirings<JobRunBody>(gw, id, 2);
      expect(firings.map((f) => f.output)).toEqual(['Sunday.', 'Saturday.']);
      [saved] = (await request(gw.gw.url).get('/api/scheduler/jobs').set(gw.auth).expect(200)).body;
      expect(saved.nextRunAt).toBe('2026-03-30T07:00:00.000Z');
    } finally {
      await gw.gw.close();
    }
  });

  it('retries a webhook result the receiver refused, through a webhook registered for the URL', async () => {
    const gw = await startGateway(claude, {}, { clock });
    const receiver = await WebhookReceiver.start();
    receiver.reply({ status: 500, body: 'busy' });
    try {
      const { id } = (
        await request(gw.gw.url)
          .post('/api/scheduler/jobs')
          .set(gw.auth)
          .send(
            job({
              // Fired by hand only: the clock is moved on below to make the retry due.
              trigger: { type: 'once', at: '2027-01-01T00:00:00Z' },
              action: { type: 'agent', prompt: 'Loop.', maxIterations: 1 },
              output: { type: 'webhook', url: receiver.url() },
            }),
          )
          .expect(201)
      ).body;
      claude.script({ toolUse: { name: 'web_browse', input: { url: 'https://example.com' } } });
      const fired = (await request(gw.gw.url).post(`/api/scheduler/jobs/${id}/run`).set(gw.auth).expect(202)).body;
      expect(fired).toMatchObject({ cause: 'manual', status: 'running', runId: expect.any(String) });
      const [afterRunNow] = (await request(gw.gw.url).get('/api/scheduler/jobs').set(gw.auth).expect(200)).body;
      expect(afterRunNow.lastRunAt).toBe(clock.now().toISOString());
      const [firing] = await waitForFirings<JobRunBody>(gw, id, 1);
      expect(firing).toMatchObject({ status: 'error', delivery: 'queued', deliveryId: expect.any(String) });
      expect(firing!.error).toMatch(/Stopped after 1 model calls \(the run’s limit\)/);
      expect(claude.requests).toHaveLength(1);

      // No webhook targeted the URL, so one was registered for it; its log shows the refused attempt.
      const webhooks = (await request(gw.gw.url).get('/api/webhooks').set(gw.auth).expect(200)).body;
      expect(webhooks).toEqual([
        expect.objectContaining({ name: 'Job "Morning briefing" output', targetUrl: receiver.url(), events: [] }),
      ]);
      const logs = () =>
        request(gw.gw.url)
          .get(`/api/webhooks/${webhooks[0].id}/logs`)
          .set(gw.auth)
          .expect(200)
          .then((r) => r.body);
      const [refused] = await waitUntil(
        () => 'the refused attempt in the log',
        async () => {
          const deliveries = await logs();
          return deliveries[0]?.attempts === 1 && deliveries;
        },
      );
      expect(refused).toMatchObject({ event: 'scheduler:job:complete', status: 'pending', lastStatusCode: 500 });
      // The firing follows: still queued, saying the attempt failed and is retried.
      const [retrying] = await firingsOf(gw, id);
      expect(retrying).toMatchObject({
        delivery: 'queued',
        deliveryError: expect.stringMatching(/^Attempt 1 failed \(.*500.*\); retrying$/),
      });

      clock.advance(60 * 60_000); // past any first retry delay
      const [retried] = await receiver.waitFor(2);
      expect(JSON.parse(retried!.body)).toMatchObject({ event: 'scheduler:job:complete', payload: { jobId: id } });
      const [delivered] = await waitUntil(
        () => 'the retried delivery',
        async () => {
          const deliveries = await logs();
          return deliveries[0]?.status === 'delivered' && deliveries;
        },
      );
      expect(delivered.log.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
      const [done] = await waitUntil('the firing to show it delivered', async () => {
        const firings = await firingsOf(gw, id);
        return firings[0]?.delivery === 'delivered' && firings;
      });
      expect(done).toMatchObject({ delivery: 'delivered', deliveryError: null, deliveryId: delivered.id });
    } finally {
      await receiver.stop();
      await gw.gw.close();
    }
  });

  it('does not fire a disabled job, and enables it from now on', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const { id } = (await request(gw.gw.url).post('/api/scheduler/jobs').set(gw.auth).send(job()).expect(201)).body;
      const disabled = (await request(gw.gw.url).post(`/api/scheduler/jobs/${id}/toggle`).set(gw.auth).expect(200))
        .body;
      expect(disabled).toMatchObject({ enabled: false, nextRunAt: null });
      clock.advance(10 * 60_000);
      await gw.gw.app.get(JobClock).tick();
      expect(claude.requests).toHaveLength(0);
      const enabled = (await request(gw.gw.url).post(`/api/scheduler/jobs/${id}/toggle`).set(gw.auth).expect(200)).body;
      expect(enabled).toMatchObject({ enabled: true, nextRunAt: '2026-03-10T08:15:00.000Z' });

      const updated = (
        await request(gw.gw.url)
          .put(`/api/scheduler/jobs/${id}`)
          .set(gw.auth)
          .send(job({ name: 'Hourly', trigger: { type: 'interval', everySeconds: 3600 } }))
          .expect(200)
      ).body;
      expect(updated).toMatchObject({ name: 'Hourly', nextRunAt: '2026-03-10T09:12:00.000Z' });
      await request(gw.gw.url).delete(`/api/scheduler/jobs/${id}`).set(gw.auth).expect(204);
      await request(gw.gw.url).delete(`/api/scheduler/jobs/${id}`).set(gw.auth).expect(404);
    } finally {
      await gw.gw.close();
    }
  });

  it.each([
    ['skip', 0, 'skipped'],
    ['run_once', 1, 'success'],
  ])(
    'handles firings missed while the gateway was down by the job’s policy (%s)',
    async (missedPolicy, modelCalls, status) => {
      const first = await startGateway(claude, {}, { clock });
      const { id } = (
        await request(first.gw.url)
          .post('/api/scheduler/jobs')
          .set(first.auth)
          .send(job({ missedPolicy, trigger: { type: 'interval', everySeconds: 60 } }))
          .expect(201)
      ).body;
      await first.gw.close({ keepData: true });

      clock.advance(30 * 60_000);
      claude.script({ text: 'Caught up.' }, { text: 'unexpected second run' });
      const second = await startGateway(claude, {}, { dataDir: first.gw.dataDir, clock });
      try {
        await second.gw.app.get(JobClock).tick();
        const firings = await waitForFirings<JobRunBody>(second, id, 1);
        expect(firings).toEqual([expect.objectContaining({ cause: 'missed', status })]);
        if (status === 'skipped') expect(firings[0]!.error).toMatch(/Missed while the gateway was down/);
        expect(claude.requests).toHaveLength(modelCalls);
        const [saved] = (await request(second.gw.url).get('/api/scheduler/jobs').set(second.auth).expect(200)).body;
        expect(saved.nextRunAt).toBe('2026-03-10T08:33:00.000Z');
      } finally {
        await second.gw.close();
      }
    },
  );

  it('rejects bad jobs with a 400 naming the field, storing nothing', async () => {
    const gw = await startGateway(claude, {}, { clock });
    try {
      const cases: [object, RegExp][] = [
        [job({ trigger: { type: 'cron', cron: 'every morning', timezone: 'UTC' } }), /trigger\.cron: .*exactly five/],
        [job({ trigger: { type: 'cron', cron: '61 * * * *', timezone: 'UTC' } }), /trigger\.cron: .*minute/],
        [job({ trigger: { type: 'cron', cron: '0 9 * * *', timezone: 'Mars/Base' } }), /trigger\.timezone/],
        [job({ trigger: { type: 'cron' } }), /trigger\.cron is required/],
        [job({ trigger: { type: 'once', at: '2020-01-01T00:00:00Z' } }), /trigger\.at must be in the future/],
        [job({ trigger: { type: 'interval', everySeconds: 1 } }), /everySeconds/],
        [job({ trigger: { type: 'hourly' } }), /type/],
        [job({ action: { type: 'agent' } }), /prompt/],
        [job({ output: { type: 'webhook', url: 'ftp://x' } }), /url/],
        [job({ output: { type: 'webhook' } }), /output\.url is required/],
        [
          job({ output: { type: 'channel', channelId: '7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00' } }),
          /output\.channelId: there is no channel/,
        ],
        [job({ groupId: '7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00' }), /groupId: there is no agent group/],
        [job({ missedPolicy: 'panic' }), /missedPolicy/],
      ];
      for (const [body, message] of cases) {
        const res = await request(gw.gw.url).post('/api/scheduler/jobs').set(gw.auth).send(body).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      expect((await request(gw.gw.url).get('/api/scheduler/jobs').set(gw.auth).expect(200)).body).toEqual([]);
      const missing = '7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00';
      await request(gw.gw.url).get(`/api/scheduler/jobs/${missing}/runs`).set(gw.auth).expect(404);
      await request(gw.gw.url).post(`/api/scheduler/jobs/${missing}/run`).set(gw.auth).expect(404);
      await request(gw.gw.url).get('/api/scheduler/jobs').expect(401);
    } finally {
      await gw.gw.close();
    }
  });
});
