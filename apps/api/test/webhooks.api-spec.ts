import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EVENT_NAMES } from '@loop-gateway/contracts';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

describe('webhooks admin API', () => {
  let gw: TestApp;
  let token: string;
  const api = () => ({
    get: (path: string) => request(gw.url).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(gw.url)
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body ?? {}),
    put: (path: string, body: object) => request(gw.url).put(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => request(gw.url).delete(path).set('Authorization', `Bearer ${token}`),
  });

  beforeEach(async () => {
    gw = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000' });
    token = await setupAdmin(gw.url);
  });
  afterEach(async () => {
    await gw.close();
  });

  it('needs a session on every admin route', async () => {
    const id = randomUUID();
    const routes: [string, string][] = [
      ['get', '/api/webhooks'],
      ['post', '/api/webhooks'],
      ['get', '/api/webhooks/events'],
      ['get', `/api/webhooks/${id}`],
      ['put', `/api/webhooks/${id}`],
      ['delete', `/api/webhooks/${id}`],
      ['post', `/api/webhooks/${id}/rotate-token`],
      ['get', `/api/webhooks/${id}/logs`],
    ];
    for (const [method, path] of routes) {
      const bare = await (request(gw.url) as unknown as Record<string, (p: string) => request.Test>)[method]!(path);
      expect({ path, status: bare.status }).toEqual({ path, status: 401 });
      const bad = await (request(gw.url) as unknown as Record<string, (p: string) => request.Test>)[method]!(path).set(
        'Authorization',
        'Bearer lgs_not-a-session',
      );
      expect({ path, status: bad.status }).toEqual({ path, status: 401 });
    }
  });

  it('lists the event catalog, with the text stream left out of "*"', async () => {
    const res = await api().get('/api/webhooks/events').expect(200);
    expect(res.body.map((e: { name: string }) => e.name)).toEqual(EVENT_NAMES);
    expect(res.body).toContainEqual({
      name: 'agent:run:complete',
      description: expect.stringContaining('finished'),
      inWildcard: true,
    });
    expect(res.body).toContainEqual(expect.objectContaining({ name: 'agent:run:text', inWildcard: false }));
  });

  it('creates a webhook, shows its token and secret once and stores only the hash and sealed secret', async () => {
    const created = await api()
      .post('/api/webhooks', {
        name: 'n8n prod',
        platform: 'n8n',
        events: ['agent:run:complete', 'approval:required'],
        targetUrl: 'http://10.0.0.7:5678/webhook/lg',
      })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'n8n prod',
      platform: 'n8n',
      events: ['agent:run:complete', 'approval:required'],
      targetUrl: 'http://10.0.0.7:5678/webhook/lg',
      enabled: true,
      disabledReason: null,
      rateLimitPerMinute: 60,
      tokenHint: created.body.token.slice(0, 8),
      token: expect.stringMatching(/^lgw_[\w-]{43}$/),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastUsedAt: null,
    });
    const { token: whToken, secret } = created.body as { token: string; secret: string };
    for (const res of [await api().get(`/api/webhooks/${created.body.id}`), await api().get('/api/webhooks')]) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(whToken);
      expect(res.text).not.toContain(secret.slice(6));
    }
    const [row] = await gw.app
      .get(DataSource)
      .query('SELECT token_hash, secret_sealed FROM webhooks WHERE id = ?', [created.body.id]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_sealed).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(whToken);
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
  });

  it('creates an inbound-only webhook with defaults', async () => {
    const res = await api().post('/api/webhooks', { name: 'make scenario', platform: 'make' }).expect(201);
    expect(res.body).toMatchObject({ events: [], targetUrl: null, platform: 'make', enabled: true });
    await api().post('/api/webhooks', { name: 'generic' }).expect(201);
  });

  it('refuses bad input with a 400 naming the field or the unknown event', async () => {
    const cases: [object, string | RegExp][] = [
      [{}, 'name must be longer than or equal to 1 characters'],
      [{ name: 'x', platform: 'zapier' }, 'platform must be one of n8n, make, generic'],
      [
        { name: 'x', events: ['agent:run:complete', 'agent:run:explode'], targetUrl: 'http://h/' },
        /"agent:run:explode"/,
      ],
      [{ name: 'x', events: 'agent:run:complete', targetUrl: 'http://h/' }, 'events must be an array'],
      [
        { name: 'x', events: ['*'], targetUrl: 'ftp://files.example.com/' },
        'targetUrl must be an http:// or https:// URL',
      ],
      [{ name: 'x', events: ['*'], targetUrl: 'not a url' }, 'targetUrl must be an http:// or https:// URL'],
      [{ name: 'x', rateLimitPerMinute: 0 }, 'rateLimitPerMinute must not be less than 1'],
      [{ name: 'x', enabled: 'yes' }, 'enabled must be a boolean value'],
      [{ name: 'x', secret: 'mine' }, 'property secret should not exist'],
    ];
    for (const [body, message] of cases) {
      const res = await api().post('/api/webhooks', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      const text = ([] as string[]).concat(res.body.message).join('\n');
      if (typeof message === 'string') expect(text).toContain(message);
      else expect(text).toMatch(message);
    }
    const unknown = await api().post('/api/webhooks', { name: 'x', events: ['nope'], targetUrl: 'https://h/' });
    expect(unknown.body.message).toEqual([
      'events contains unknown event "nope"; see GET /api/webhooks/events (or use "*")',
    ]);
    expect(await gw.app.get(DataSource).query('SELECT id FROM webhooks')).toEqual([]);
  });

  it('updates events, target, rate limit and enabled; validates the merged webhook', async () => {
    const { body: wh } = await api().post('/api/webhooks', { name: 'a' }).expect(201);
    const updated = await api()
      .put(`/api/webhooks/${wh.id}`, {
        events: ['*'],
        targetUrl: 'https://hooks.example.com/in',
        rateLimitPerMinute: 5,
        enabled: false,
      })
      .expect(200);
    expect(updated.body).toMatchObject({
      events: ['*'],
      targetUrl: 'https://hooks.example.com/in',
      rateLimitPerMinute: 5,
      enabled: false,
    });
    expect((await api().get(`/api/webhooks/${wh.id}`)).body).toMatchObject({ enabled: false, rateLimitPerMinute: 5 });
    // Without a target the subscription stays, its events wait for the next target.
    const untargeted = await api().put(`/api/webhooks/${wh.id}`, { targetUrl: null }).expect(200);
    expect(untargeted.body).toMatchObject({ events: ['*'], targetUrl: null });
    await api()
      .put(`/api/webhooks/${wh.id}`, { events: ['task:start', 'bogus'] })
      .expect(400);
  });

  it('rotates the token: a new one once, a new hint, the old hash gone', async () => {
    const { body: wh } = await api().post('/api/webhooks', { name: 'a' }).expect(201);
    const rotated = await api().post(`/api/webhooks/${wh.id}/rotate-token`).expect(200);
    expect(rotated.body.token).toMatch(/^lgw_/);
    expect(rotated.body.token).not.toBe(wh.token);
    expect(rotated.body.tokenHint).toBe(rotated.body.token.slice(0, 8));
    expect(rotated.body).not.toHaveProperty('secret');
  });

  it('answers 404 for unknown webhooks and 400 for malformed ids', async () => {
    const id = randomUUID();
    await api().get(`/api/webhooks/${id}`).expect(404);
    await api().put(`/api/webhooks/${id}`, { name: 'x' }).expect(404);
    await api().delete(`/api/webhooks/${id}`).expect(404);
    await api().post(`/api/webhooks/${id}/rotate-token`).expect(404);
    const logs = await api().get(`/api/webhooks/${id}/logs`).expect(404);
    expect(logs.body.message).toBe(`Webhook ${id} not found`);
    await api().get('/api/webhooks/not-a-uuid').expect(400);
    await api().get(`/api/webhooks/${id}/logs?limit=0`).expect(400);
  });

  it('deletes a webhook (204) and then it is gone', async () => {
    const { body: wh } = await api().post('/api/webhooks', { name: 'a' }).expect(201);
    await api().delete(`/api/webhooks/${wh.id}`).expect(204);
    await api().get(`/api/webhooks/${wh.id}`).expect(404);
    expect((await api().get('/api/webhooks')).body).toEqual([]);
  });

  it('serves inbound routes outside /api, not under /api', async () => {
    await request(gw.url).get('/webhook/health/lgw_unknown').expect(401);
    await request(gw.url).get('/api/webhook/health/lgw_unknown').expect(404);
  });
});
