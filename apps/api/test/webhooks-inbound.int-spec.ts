import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';
import { startTestApp } from './test-app.js';
import { waitUntil } from './wait.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

async function createWebhook(gateway: Gateway, body: object = {}) {
  const res = await request(gateway.gw.url)
    .post('/api/webhooks')
    .set(gateway.auth)
    .send({ name: 'n8n', platform: 'n8n', ...body })
    .expect(201);
  return res.body as { id: string; token: string; secret: string };
}

const count = async (gateway: Gateway, table: string) =>
  Number((await gateway.gw.app.get(DataSource).query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

describe('inbound webhooks against a local Claude', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });
  beforeEach(() => claude.reset());

  it('invokes the agent synchronously (200 with the reply) and asynchronously (202 with the run id)', async () => {
    const gateway = await startGateway(claude);
    try {
      const { id, token } = await createWebhook(gateway);
      claude.script({ text: 'Three tickets are open.', usage: { input_tokens: 50, output_tokens: 7 } });
      const sync = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .send({ message: 'How many tickets?', sync: true })
        .expect(200);
      expect(sync.body).toEqual({
        runId: expect.any(String),
        conversationId: expect.any(String),
        status: 'completed',
        reply: 'Three tickets are open.',
        error: null,
        inputTokens: 50,
        outputTokens: 7,
        durationMs: expect.any(Number),
      });
      expect(claude.requests[0]!.body).toMatchObject({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'How many tickets?' }] }],
      });

      claude.script({ text: 'Queued answer.' });
      const async = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .send({ message: 'Later please' })
        .expect(202);
      expect(async.body).toEqual({ runId: expect.any(String), conversationId: expect.any(String), status: 'queued' });
      const run = await gateway.waitForRun(async.body.runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'Queued answer.' });
      const detail = await request(gateway.gw.url).get(`/api/runs/${async.body.runId}`).set(gateway.auth).expect(200);
      expect(detail.body.origin).toEqual({ kind: 'webhook', ref: id });

      const health = await request(gateway.gw.url).get(`/webhook/health/${token}`).expect(200);
      expect(health.body).toEqual({ status: 'ok', webhookId: id, name: 'n8n', time: expect.any(String) });
      const listed = await request(gateway.gw.url).get(`/api/webhooks/${id}`).set(gateway.auth).expect(200);
      expect(listed.body.lastUsedAt).not.toBeNull();
    } finally {
      await gateway.gw.close();
    }
  });

  it('creates a loop task that runs to completion, with the token in the path or a header', async () => {
    const gateway = await startGateway(claude);
    try {
      const { id, token } = await createWebhook(gateway);
      claude.script({ text: 'Step one.' }, { text: 'Step two.\n<promise>COMPLETE</promise>' });
      const created = await request(gateway.gw.url)
        .post(`/webhook/task/${token}`)
        .send({ name: 'From n8n', prompt: 'Do it in steps.', maxIterations: 3 })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'From n8n', status: 'running', origin: { kind: 'webhook', ref: id } });
      const output = await waitUntil('the task to finish', async () => {
        const body = (
          await request(gateway.gw.url).get(`/api/tasks/${created.body.id}/output`).set(gateway.auth).expect(200)
        ).body as { status: string; output: string };
        return body.status !== 'running' && body;
      });
      expect(output).toMatchObject({ status: 'completed', output: 'Step one.\n\nStep two.' });

      await request(gateway.gw.url)
        .post('/webhook/task')
        .set('X-Webhook-Token', token)
        .send({ name: 'Bad', maxIterations: 3 })
        .expect(400);
      await request(gateway.gw.url)
        .post('/webhook/task/lgw_unknown')
        .send({ name: 'x', prompt: 'y', maxIterations: 1 })
        .expect(401);
      expect(claude.requests).toHaveLength(2);
    } finally {
      await gateway.gw.close();
    }
  });

  it('accepts the token in X-Webhook-Token or Authorization: Bearer on paths without it', async () => {
    const gateway = await startGateway(claude);
    try {
      const { id, token } = await createWebhook(gateway);
      claude.script({ text: 'Header one.' }, { text: 'Bearer one.' });
      const viaHeader = await request(gateway.gw.url)
        .post('/webhook/invoke')
        .set('X-Webhook-Token', token)
        .send({ message: 'hi', sync: true })
        .expect(200);
      expect(viaHeader.body.reply).toBe('Header one.');
      const viaBearer = await request(gateway.gw.url)
        .post('/webhook/invoke')
        .set('Authorization', `Bearer ${token}`)
        .send({ message: 'hi', sync: true })
        .expect(200);
      expect(viaBearer.body.reply).toBe('Bearer one.');
      const health = await request(gateway.gw.url).get('/webhook/health').set('X-Webhook-Token', token).expect(200);
      expect(health.body.webhookId).toBe(id);
      const missing = await request(gateway.gw.url).post('/webhook/invoke').send({ message: 'hi' }).expect(401);
      expect(missing.body.message).toContain('Missing webhook token');
    } finally {
      await gateway.gw.close();
    }
  });

  it('gives unknown, revoked, rotated-out and deleted tokens the same quick 401 without a model call', async () => {
    const gateway = await startGateway(claude);
    try {
      const revoked = await createWebhook(gateway, { name: 'revoked' });
      const rotated = await createWebhook(gateway, { name: 'rotated' });
      const deleted = await createWebhook(gateway, { name: 'deleted' });
      await request(gateway.gw.url)
        .put(`/api/webhooks/${revoked.id}`)
        .set(gateway.auth)
        .send({ enabled: false })
        .expect(200);
      const fresh = await request(gateway.gw.url)
        .post(`/api/webhooks/${rotated.id}/rotate-token`)
        .set(gateway.auth)
        .expect(200);
      await request(gateway.gw.url).delete(`/api/webhooks/${deleted.id}`).set(gateway.auth).expect(204);

      const bodies = new Set<string>();
      for (const token of ['lgw_' + 'A'.repeat(43), revoked.token, rotated.token, deleted.token]) {
        const started = performance.now();
        const res = await request(gateway.gw.url).post(`/webhook/invoke/${token}`).send({ message: 'x', sync: true });
        expect(res.status).toBe(401);
        expect(performance.now() - started).toBeLessThan(500);
        bodies.add(JSON.stringify(res.body));
        await request(gateway.gw.url).post('/webhook/invoke').set('X-Webhook-Token', token).send({}).expect(401);
      }
      expect([...bodies]).toEqual([
        JSON.stringify({ message: 'Invalid or revoked webhook token', error: 'Unauthorized', statusCode: 401 }),
      ]);
      expect(claude.requests).toHaveLength(0);
      expect(await count(gateway, 'runs')).toBe(0);

      claude.script({ text: 'New token works.' });
      const ok = await request(gateway.gw.url)
        .post(`/webhook/invoke/${fresh.body.token}`)
        .send({ message: 'x', sync: true })
        .expect(200);
      expect(ok.body.reply).toBe('New token works.');
    } finally {
      await gateway.gw.close();
    }
  });

  it('limits failed token attempts per IP (429 with Retry-After) and never falls under the /api limit', async () => {
    const gateway = await startGateway(claude, { WEBHOOK_TOKEN_FAILURES_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '40' });
    try {
      const { token } = await createWebhook(gateway, { rateLimitPerMinute: 1000 });
      for (let i = 0; i < 60; i++) {
        await request(gateway.gw.url).get(`/webhook/health/${token}`).expect(200);
      }
      for (let i = 0; i < 3; i++) await request(gateway.gw.url).get(`/webhook/health/lgw_guess${i}`).expect(401);
      const blocked = await request(gateway.gw.url).get('/webhook/health/lgw_guess4').expect(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.body.message).toContain('Too many invalid webhook tokens');
    } finally {
      await gateway.gw.close();
    }
  });

  it('applies each webhook’s own rate limit with 429 and Retry-After', async () => {
    const gateway = await startGateway(claude);
    try {
      const limited = await createWebhook(gateway, { rateLimitPerMinute: 2 });
      const other = await createWebhook(gateway, { rateLimitPerMinute: 2 });
      const runIds: string[] = [];
      const invoke = async (token: string, message: string) =>
        runIds.push(
          (await request(gateway.gw.url).post(`/webhook/invoke/${token}`).send({ message }).expect(202)).body.runId,
        );
      await invoke(limited.token, 'a');
      await invoke(limited.token, 'b');
      const over = await request(gateway.gw.url).post(`/webhook/invoke/${limited.token}`).send({ message: 'c' });
      expect(over.status).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(over.body.message).toContain('Rate limit of 2 requests per minute for this webhook exceeded');
      await invoke(other.token, 'd');
      // Raising the limit applies at once.
      await request(gateway.gw.url)
        .put(`/api/webhooks/${limited.id}`)
        .set(gateway.auth)
        .send({ rateLimitPerMinute: 10 })
        .expect(200);
      await invoke(limited.token, 'e');
      for (const runId of runIds) await gateway.waitForRun(runId);
    } finally {
      await gateway.gw.close();
    }
  });

  it('validates the body after the token (401 first, then 400 naming the field)', async () => {
    const gateway = await startGateway(claude);
    try {
      const { token } = await createWebhook(gateway);
      await request(gateway.gw.url).post('/webhook/invoke/lgw_bad').send({}).expect(401);
      const res = await request(gateway.gw.url).post(`/webhook/invoke/${token}`).send({ sync: 'yes' }).expect(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining(['message must be a string', 'sync must be a boolean value']),
      );
      expect(claude.requests).toHaveLength(0);
    } finally {
      await gateway.gw.close();
    }
  });

  it('answers a retry with the same Idempotency-Key with the first run, also after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-webhook-idem-'));
    try {
      let gateway = await startGateway(claude, {});
      // Set up on a fresh dir first, then restart on it.
      await gateway.gw.close();
      gateway = await startGatewayIn(claude, dataDir);
      const { token } = await createWebhook(gateway);
      claude.script({ text: 'Only once.' });
      const first = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .set('Idempotency-Key', 'order-42')
        .send({ message: 'Process order 42', sync: true })
        .expect(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .set('Idempotency-Key', 'order-42')
        .send({ message: 'Process order 42', sync: true })
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const asyncRetry = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .set('Idempotency-Key', 'order-42')
        .send({ message: 'Process order 42' })
        .expect(202);
      expect(asyncRetry.body).toEqual({
        runId: first.body.runId,
        conversationId: first.body.conversationId,
        status: 'completed',
      });
      const conflict = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .set('Idempotency-Key', 'order-42')
        .send({ message: 'Process order 43' })
        .expect(422);
      expect(conflict.body.message).toContain('Idempotency-Key was already used with a different request');

      // Concurrent retries with a new key share one run.
      claude.script({ text: 'Concurrent.' });
      const burst = await Promise.all(
        [1, 2, 3].map(() =>
          request(gateway.gw.url)
            .post(`/webhook/invoke/${token}`)
            .set('Idempotency-Key', 'burst')
            .send({ message: 'burst', sync: true }),
        ),
      );
      expect(new Set(burst.map((r) => r.body.runId)).size).toBe(1);
      expect(burst.map((r) => r.body.reply)).toEqual(['Concurrent.', 'Concurrent.', 'Concurrent.']);
      expect(claude.requests).toHaveLength(2);

      await gateway.gw.close();
      gateway = await startGatewayIn(claude, dataDir);
      const afterRestart = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .set('Idempotency-Key', 'order-42')
        .send({ message: 'Process order 42', sync: true })
        .expect(200);
      expect(afterRestart.body).toEqual(first.body);
      expect(claude.requests).toHaveLength(2);
      expect(await count(gateway, 'runs')).toBe(2);
      await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .set('Idempotency-Key', 'x'.repeat(256))
        .send({ message: 'too long a key' })
        .expect(400);
      await gateway.gw.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers 202 with the run id when a sync run outlasts WEBHOOK_SYNC_TIMEOUT_SECONDS', async () => {
    const gateway = await startGateway(claude, { WEBHOOK_SYNC_TIMEOUT_SECONDS: '1' });
    claude.latencyMs = 2500;
    try {
      const { token } = await createWebhook(gateway);
      const started = performance.now();
      const res = await request(gateway.gw.url)
        .post(`/webhook/invoke/${token}`)
        .send({ message: 'slow', sync: true })
        .expect(202);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(res.body).toEqual({ runId: expect.any(String), conversationId: expect.any(String), status: 'running' });
      expect(await gateway.waitForRun(res.body.runId)).toMatchObject({ status: 'completed' });
    } finally {
      claude.latencyMs = 0;
      await gateway.gw.close();
    }
  });
});

/** The gateway on an existing data dir: set up on first use, logged in after. */
async function startGatewayIn(claude: LocalClaude, dataDir: string): Promise<Gateway> {
  const probe = await startTestApp({ ANTHROPIC_BASE_URL: claude.url }, { dataDir });
  const status = await request(probe.url).get('/api/auth/status');
  if (status.body.needsSetup) {
    await request(probe.url).post('/api/auth/setup').send({ username: 'admin', password: 'correct horse battery' });
  }
  await probe.close({ keepData: true });
  return startGateway(claude, {}, { dataDir });
}
