import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';
import { ADMIN, ManualClock, startTestApp } from './test-app.js';
import { verifyStandardWebhook, WebhookReceiver } from './webhook-receiver.js';
import { waitUntil } from './wait.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  log: {
    attempt: number;
    statusCode: number | null;
    durationMs: number;
    responseExcerpt: string | null;
    error: string | null;
    createdAt: string;
  }[];
}

describe('outbound webhooks to a local receiver', () => {
  let claude: LocalClaude;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    claude = await LocalClaude.start();
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await claude.stop();
  });
  beforeEach(() => {
    claude.reset();
    receiver.reset();
  });

  const createWebhook = async (gateway: Gateway, body: object) =>
    (
      await request(gateway.gw.url)
        .post('/api/webhooks')
        .set(gateway.auth)
        .send({ name: 'receiver', platform: 'generic', targetUrl: receiver.url(), ...body })
        .expect(201)
    ).body as { id: string; token: string; secret: string };

  const logs = async (gateway: Gateway, id: string): Promise<Delivery[]> =>
    (await request(gateway.gw.url).get(`/api/webhooks/${id}/logs`).set(gateway.auth).expect(200)).body as Delivery[];

  const waitForLogs = async (
    gateway: Gateway,
    id: string,
    until: (deliveries: Delivery[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<Delivery[]> => {
    let deliveries: Delivery[] = [];
    return waitUntil(
      () => `the delivery logs to match: ${JSON.stringify(deliveries)}`,
      async () => {
        deliveries = await logs(gateway, id);
        return until(deliveries) && deliveries;
      },
      timeoutMs,
      50,
    );
  };

  /** A run through an inbound webhook: emits agent:run:start, agent:run:text … and agent:run:complete. */
  const runOnce = async (gateway: Gateway, token: string, text = 'Done.') => {
    claude.script({ text });
    return (
      await request(gateway.gw.url).post(`/webhook/invoke/${token}`).send({ message: 'go', sync: true }).expect(200)
    ).body as { runId: string; conversationId: string };
  };

  it('accepts events without a target: the token works at once, events flow once a target is set by PUT', async () => {
    const gateway = await startGateway(claude);
    try {
      // The seeds' n8n quick start: events and no targetUrl.
      const created = await request(gateway.gw.url)
        .post('/api/webhooks')
        .set(gateway.auth)
        .send({ name: 'n8n-workflow', platform: 'n8n', events: ['agent:run:complete'] })
        .expect(201);
      expect(created.body).toMatchObject({ events: ['agent:run:complete'], targetUrl: null });
      const before = await runOnce(gateway, created.body.token as string);

      await request(gateway.gw.url)
        .put(`/api/webhooks/${created.body.id}`)
        .set(gateway.auth)
        .send({ targetUrl: receiver.url() })
        .expect(200);
      const after = await runOnce(gateway, created.body.token as string);
      const [delivered] = await receiver.waitFor(1, 10_000, '/hook');
      expect(JSON.parse(delivered!.body).payload.runId).toBe(after.runId);
      // The run before the target was set queued nothing: the one delivery logged is the later run's.
      const deliveries = await waitForLogs(gateway, created.body.id as string, (d) => d[0]?.status === 'delivered');
      expect(deliveries).toHaveLength(1);
      expect(before.runId).not.toBe(after.runId);
    } finally {
      await gateway.gw.close();
    }
  });

  it('POSTs subscribed events signed per Standard Webhooks, checked independently and with the reference library', async () => {
    const gateway = await startGateway(claude);
    try {
      const only = await createWebhook(gateway, { events: ['agent:run:complete'] });
      const all = await createWebhook(gateway, { events: ['*'], targetUrl: receiver.url('/all') });
      const run = await runOnce(gateway, only.token, 'A reply streamed in several pieces of text.');

      const [complete] = await receiver.waitFor(1, 10_000, '/hook');
      expect(complete!.method).toBe('POST');
      expect(complete!.headers['content-type']).toBe('application/json');
      const body = JSON.parse(complete!.body);
      expect(body).toEqual({
        event: 'agent:run:complete',
        payload: {
          runId: run.runId,
          conversationId: run.conversationId,
          inputTokens: expect.any(Number),
          outputTokens: expect.any(Number),
          durationMs: expect.any(Number),
        },
        timestamp: expect.any(String),
        source: 'loop-gateway',
      });
      expect(complete!.headers['webhook-id']).toEqual(expect.any(String));
      expect(Number(complete!.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
      expect(complete!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      const now = Math.floor(Date.now() / 1000);
      expect(verifyStandardWebhook(only.secret, complete!.headers, complete!.body, now)).toBe(true);
      expect(verifyStandardWebhook(all.secret, complete!.headers, complete!.body, now)).toBe(false);
      expect(verifyStandardWebhook(only.secret, complete!.headers, complete!.body.replace('}', ' }'), now)).toBe(false);
      const verified = new StandardWebhook(only.secret).verify(complete!.body, {
        'webhook-id': complete!.headers['webhook-id'] as string,
        'webhook-timestamp': complete!.headers['webhook-timestamp'] as string,
        'webhook-signature': complete!.headers['webhook-signature'] as string,
      });
      expect(verified).toEqual(body);

      // "*" gets start and complete but not the text stream; each signed with its own secret.
      const toAll = await receiver.waitFor(2, 10_000, '/all');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const events = receiver.received.filter((r) => r.path === '/all').map((r) => JSON.parse(r.body).event);
      expect(events.sort()).toEqual(['agent:run:complete', 'agent:run:start']);
      for (const r of toAll) expect(verifyStandardWebhook(all.secret, r.headers, r.body, now)).toBe(true);
      expect(receiver.received.filter((r) => r.path === '/hook')).toHaveLength(1);

      const [delivery] = await waitForLogs(gateway, only.id, (d) => d[0]?.status === 'delivered');
      expect(delivery).toMatchObject({
        id: complete!.headers['webhook-id'],
        event: 'agent:run:complete',
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatusCode: 200,
        lastError: null,
        log: [{ attempt: 1, statusCode: 200, responseExcerpt: 'ok', error: null, durationMs: expect.any(Number) }],
      });
    } finally {
      await gateway.gw.close();
    }
  });

  it('delivers agent:run:text only to a webhook that names it', async () => {
    const gateway = await startGateway(claude);
    try {
      const text = await createWebhook(gateway, { events: ['agent:run:text'] });
      await runOnce(gateway, text.token, 'streamed text');
      const [first] = await receiver.waitFor(1);
      expect(JSON.parse(first!.body)).toMatchObject({
        event: 'agent:run:text',
        payload: { delta: expect.any(String) },
      });
    } finally {
      await gateway.gw.close();
    }
  });

  it('retries after a 500 with backoff, then succeeds with the same webhook-id', async () => {
    const clock = new ManualClock();
    const gateway = await startGateway(claude, {}, { clock });
    try {
      const wh = await createWebhook(gateway, { events: ['agent:run:complete'] });
      receiver.reply({ status: 500, body: 'database down' });
      await runOnce(gateway, wh.token);
      const [afterFirst] = await waitForLogs(gateway, wh.id, (d) => d[0]?.attempts === 1);
      expect(afterFirst).toMatchObject({
        status: 'pending',
        lastStatusCode: 500,
        lastError: 'The receiver answered 500',
        log: [{ attempt: 1, statusCode: 500, responseExcerpt: 'database down', error: null }],
      });
      const wait = Date.parse(afterFirst!.nextAttemptAt!) - clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(7_500); // 10 s ± 25 %
      expect(wait).toBeLessThanOrEqual(12_500);

      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(receiver.received).toHaveLength(1); // not before its time
      clock.advance(13_000);
      const [delivered] = await waitForLogs(gateway, wh.id, (d) => d[0]?.status === 'delivered');
      expect(delivered!.log.map((a) => a.statusCode)).toEqual([500, 200]);
      const [first, second] = receiver.received;
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(second!.body).toBe(first!.body);
      expect(Number(second!.headers['webhook-timestamp']) - Number(first!.headers['webhook-timestamp'])).toBe(13);
      const now = Math.floor(clock.now().getTime() / 1000);
      for (const r of [first!, second!]) expect(verifyStandardWebhook(wh.secret, r.headers, r.body, now)).toBe(true);
    } finally {
      await gateway.gw.close();
    }
  });

  it('honours Retry-After on a 429 and gives up after WEBHOOK_DELIVERY_MAX_ATTEMPTS', async () => {
    const clock = new ManualClock();
    const gateway = await startGateway(claude, { WEBHOOK_DELIVERY_MAX_ATTEMPTS: '2' }, { clock });
    try {
      const wh = await createWebhook(gateway, { events: ['agent:run:complete'] });
      receiver.reply({ status: 429, headers: { 'Retry-After': '120' } }, { status: 503 });
      await runOnce(gateway, wh.token);
      const [first] = await waitForLogs(gateway, wh.id, (d) => d[0]?.attempts === 1);
      expect(first).toMatchObject({ status: 'pending', lastStatusCode: 429 });
      expect(Date.parse(first!.nextAttemptAt!) - clock.now().getTime()).toBe(120_000);

      clock.advance(60_000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(receiver.received).toHaveLength(1);
      clock.advance(60_000);
      const [failed] = await waitForLogs(gateway, wh.id, (d) => d[0]?.status === 'failed');
      expect(failed).toMatchObject({
        attempts: 2,
        lastStatusCode: 503,
        lastError: 'The receiver answered 503; gave up after 2 attempts',
        nextAttemptAt: null,
      });
      expect(receiver.received).toHaveLength(2);
    } finally {
      await gateway.gw.close();
    }
  });

  it('disables the webhook when the receiver answers 410 and sends it nothing more', async () => {
    const gateway = await startGateway(claude);
    try {
      const wh = await createWebhook(gateway, { events: ['agent:run:complete'] });
      receiver.reply({ status: 410, body: 'gone' });
      await runOnce(gateway, wh.token);
      const [delivery] = await waitForLogs(gateway, wh.id, (d) => d[0]?.status === 'failed');
      expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'The receiver answered 410 Gone' });
      const webhook = await request(gateway.gw.url).get(`/api/webhooks/${wh.id}`).set(gateway.auth).expect(200);
      expect(webhook.body).toMatchObject({
        enabled: false,
        disabledReason: expect.stringContaining('The receiver answered 410 Gone at'),
      });
      await request(gateway.gw.url).post(`/webhook/invoke/${wh.token}`).send({ message: 'x' }).expect(401);
      // Events keep flowing elsewhere, but not to the disabled webhook.
      const other = await createWebhook(gateway, { events: [], name: 'inbound only', targetUrl: null });
      await runOnce(gateway, other.token);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(receiver.received).toHaveLength(1);
      // Re-enabling clears the reason.
      const enabled = await request(gateway.gw.url)
        .put(`/api/webhooks/${wh.id}`)
        .set(gateway.auth)
        .send({ enabled: true })
        .expect(200);
      expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    } finally {
      await gateway.gw.close();
    }
  });

  it('does not follow redirects', async () => {
    const gateway = await startGateway(claude);
    try {
      const wh = await createWebhook(gateway, { events: ['agent:run:complete'] });
      receiver.reply({ status: 302, headers: { Location: receiver.url('/elsewhere') } });
      await runOnce(gateway, wh.token);
      const [delivery] = await waitForLogs(gateway, wh.id, (d) => d[0]?.status === 'failed');
      expect(delivery!.lastError).toBe(`Redirect (302) to ${receiver.url('/elsewhere')} not followed`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
    } finally {
      await gateway.gw.close();
    }
  });

  it('times out a hanging receiver, retries later, and never slows the runs down', async () => {
    const clock = new ManualClock();
    const gateway = await startGateway(claude, { WEBHOOK_DELIVERY_TIMEOUT_SECONDS: '1' }, { clock });
    try {
      const wh = await createWebhook(gateway, { events: ['*'] });
      receiver.reply({ status: 200, delayMs: 5_000 }, { status: 200, delayMs: 5_000 }, { status: 200, delayMs: 5_000 });
      const started = performance.now();
      await runOnce(gateway, wh.token);
      await runOnce(gateway, wh.token);
      expect(performance.now() - started).toBeLessThan(1_500);
      const deliveries = await waitForLogs(gateway, wh.id, (d) => d.length === 4 && d.every((x) => x.attempts >= 1));
      const timedOut = deliveries.filter((d) => d.log[0]!.error === 'Timed out after 1 s');
      expect(timedOut.length).toBeGreaterThanOrEqual(3);
      for (const d of timedOut) {
        expect(d).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'Timed out after 1 s' });
        expect(d.log[0]!.durationMs).toBeGreaterThanOrEqual(900);
        expect(d.log[0]!.durationMs).toBeLessThan(3_000);
      }
    } finally {
      await gateway.gw.close();
    }
  });

  it('keeps pending deliveries across a restart and delivers them afterwards', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-webhook-restart-'));
    const clock = new ManualClock();
    try {
      const first = await startTestApp({}, { dataDir, clock });
      await request(first.url).post('/api/auth/setup').send(ADMIN).expect(201);
      await first.close({ keepData: true });

      let gateway = await startGateway(claude, {}, { dataDir, clock });
      const wh = await createWebhook(gateway, { events: ['agent:run:complete'] });
      receiver.reply({ status: 503 });
      await runOnce(gateway, wh.token);
      const [pending] = await waitForLogs(gateway, wh.id, (d) => d[0]?.attempts === 1);
      expect(pending!.status).toBe('pending');
      await gateway.gw.close({ keepData: true });

      clock.advance(60_000);
      gateway = await startGateway(claude, {}, { dataDir, clock });
      const [delivered] = await waitForLogs(gateway, wh.id, (d) => d[0]?.status === 'delivered');
      expect(delivered).toMatchObject({ id: pending!.id, attempts: 2 });
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]!.headers['webhook-id']).toBe(pending!.id);
      await gateway.gw.close({ keepData: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a target URL with credentials, and never tries one stored before that check', async () => {
    let gateway = await startGateway(claude);
    const dataDir = gateway.gw.dataDir;
    try {
      const wh = await createWebhook(gateway, { events: ['agent:run:complete'], targetUrl: receiver.url('/basic') });
      const withCredentials = receiver.url('/basic').replace('http://', 'http://user:s3cret-pw@');
      for (const send of [
        () => request(gateway.gw.url).post('/api/webhooks').send({ name: 'basic', targetUrl: withCredentials }),
        () => request(gateway.gw.url).put(`/api/webhooks/${wh.id}`).send({ targetUrl: withCredentials }),
      ]) {
        const res = await send().set(gateway.auth).expect(400);
        expect(res.body.message).toEqual([
          expect.stringMatching(/^targetUrl must not contain a user name or password/),
        ]);
        expect(JSON.stringify(res.body)).not.toContain('s3cret-pw');
      }
      expect((await request(gateway.gw.url).get('/api/webhooks').set(gateway.auth)).body).toHaveLength(1);

      // A target stored by an older version: failed at once, not retried, the password in no log.
      await gateway.gw.app
        .get(DataSource)
        .query('UPDATE webhooks SET target_url = ? WHERE id = ?', [withCredentials, wh.id]);
      await gateway.gw.close({ keepData: true });
      gateway = await startGateway(claude, {}, { dataDir });
      await runOnce(gateway, wh.token);
      const [failed] = await waitForLogs(gateway, wh.id, (d) => d[0]?.status === 'failed');
      expect(failed).toMatchObject({
        attempts: 1,
        nextAttemptAt: null,
        lastError: expect.stringMatching(/^The target URL contains a user name or password/),
        log: [{ attempt: 1, statusCode: null, error: expect.stringMatching(/^The target URL contains/) }],
      });
      expect(JSON.stringify(failed)).not.toContain('s3cret-pw');
      expect(receiver.received).toEqual([]);
      await gateway.gw.close({ keepData: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
