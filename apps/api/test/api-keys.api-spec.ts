import { createHash } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { WS_CLOSE_UNAUTHORIZED } from '@loop-gateway/contracts';
import { createTestDatabase } from './postgres.js';
import { ManualClock, setupAdmin, startTestApp, type TestApp } from './test-app.js';
import { RecordingSocket } from './ws-client.js';

/** A model endpoint nothing listens on: runs fail fast, the API answers are what is tested. */
const NO_MODEL = { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', MODEL_MAX_RETRIES: '0' };

describe('API keys', () => {
  let gw: TestApp;
  let session: string;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    gw = await startTestApp({ ...NO_MODEL, RATE_LIMIT_PER_MINUTE: '1000' }, { clock });
    session = await setupAdmin(gw.url);
  });
  afterAll(() => gw.close());

  const asSession = () => ({ Authorization: `Bearer ${session}` });
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
  const createKey = async (body: Record<string, unknown>) =>
    (await request(gw.url).post('/api/api-keys').set(asSession()).send(body).expect(201)).body as {
      id: string;
      key: string;
      tokenHint: string;
    };

  it('shows a prefixed 256-bit key once and stores only its SHA-256', async () => {
    const created = await createKey({ name: 'n8n production' });
    expect(created.key).toMatch(/^lgk_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'n8n production', scope: 'full', expiresAt: null, lastUsedAt: null });
    expect(created.key.startsWith(created.tokenHint)).toBe(true);

    const list = await request(gw.url).get('/api/api-keys').set(asSession()).expect(200);
    const listed = (list.body as { id: string }[]).find((k) => k.id === created.id);
    expect(listed).toMatchObject({ name: 'n8n production', tokenHint: created.tokenHint });
    expect(JSON.stringify(list.body)).not.toContain(created.key);

    const rows: Record<string, unknown>[] = await gw.app
      .get(DataSource)
      .query('SELECT * FROM api_keys WHERE id = ?', [created.id]);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(8));
  });

  it('authenticates /api like a session and records when and from where it was last used', async () => {
    const { id, key } = await createKey({ name: 'script' });
    await request(gw.url).get('/api/agent-groups').set(bearer(key)).expect(200);
    const listed = (await request(gw.url).get('/api/api-keys').set(asSession()).expect(200)).body as {
      id: string;
      lastUsedAt: string | null;
      lastUsedIp: string | null;
    }[];
    const used = listed.find((k) => k.id === id)!;
    expect(used.lastUsedIp).toBe('127.0.0.1');
    expect(Date.parse(used.lastUsedAt!)).toBe(clock.now().getTime());
  });

  it('lets each scope do only what it names', async () => {
    const full = (await createKey({ name: 'full', scope: 'full' })).key;
    const runs = (await createKey({ name: 'runs', scope: 'runs' })).key;
    const read = (await createKey({ name: 'read', scope: 'read' })).key;
    const group = { name: 'Scoped', systemPrompt: 'Be brief.' };

    // full: reads and writes, but never keys or the console's own routes.
    const created = await request(gw.url).post('/api/agent-groups').set(bearer(full)).send(group).expect(201);
    await request(gw.url).get('/api/api-keys').set(bearer(full)).expect(403);
    await request(gw.url).post('/api/api-keys').set(bearer(full)).send({ name: 'minted' }).expect(403);
    await request(gw.url).get('/api/auth/me').set(bearer(full)).expect(403);

    // runs: invoke agents and read runs, nothing else.
    const run = await request(gw.url).post('/api/runs').set(bearer(runs)).send({ message: 'hi' }).expect(202);
    await request(gw.url).get(`/api/runs/${run.body.runId}`).set(bearer(runs)).expect(200);
    const tooLong = await request(gw.url).get(`/api/runs/${run.body.runId}?waitSeconds=61`).set(bearer(runs));
    expect({ status: tooLong.status, message: tooLong.body.message }).toEqual({
      status: 400,
      message: ['waitSeconds must not be greater than 60'],
    });
    await request(gw.url).get('/api/runs').set(bearer(runs)).expect(200);
    await request(gw.url).get('/api/agent-groups').set(bearer(runs)).expect(403);
    const credential = await request(gw.url).get('/api/auth/credential').set(bearer(runs)).expect(200);
    expect(credential.body).toEqual({ kind: 'apiKey', username: 'admin', scope: 'runs' });
    const console = await request(gw.url).get('/api/auth/credential').set(asSession()).expect(200);
    expect(console.body).toEqual({ kind: 'session', username: 'admin', scope: 'session' });
    const refused = await request(gw.url).post('/api/agent-groups').set(bearer(runs)).send(group).expect(403);
    expect(refused.body.message).toContain('scope "runs"');

    // read: every read, no write (not even a run).
    await request(gw.url).get('/api/agent-groups').set(bearer(read)).expect(200);
    await request(gw.url).get(`/api/runs/${run.body.runId}`).set(bearer(read)).expect(200);
    await request(gw.url).post('/api/runs').set(bearer(read)).send({ message: 'hi' }).expect(403);
    await request(gw.url).delete(`/api/agent-groups/${created.body.id}`).set(bearer(read)).expect(403);
    await request(gw.url).get('/api/api-keys').set(bearer(read)).expect(403);
  });

  it('stops working at once when revoked', async () => {
    const { id, key } = await createKey({ name: 'revoked' });
    await request(gw.url).get('/api/agent-groups').set(bearer(key)).expect(200);
    await request(gw.url).delete(`/api/api-keys/${id}`).set(asSession()).expect(204);
    const refused = await request(gw.url).get('/api/agent-groups').set(bearer(key)).expect(401);
    expect(refused.body.message).toBe('Invalid, revoked or expired API key');
    await request(gw.url).delete(`/api/api-keys/${id}`).set(asSession()).expect(404);
  });

  it('refuses bad input with a 400 naming the field, and callers without a session', async () => {
    const bad = async (body: object, field: string) => {
      const res = await request(gw.url).post('/api/api-keys').set(asSession()).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    };
    await bad({}, 'name');
    await bad({ name: 'x', scope: 'admin' }, 'scope');
    await bad({ name: 'x', scope: null }, 'scope');
    await bad({ name: 'x', expiresAt: 'tomorrow' }, 'expiresAt');
    await bad({ name: 'x', expiresAt: new Date(clock.now().getTime() - 1000).toISOString() }, 'expiresAt');
    await bad({ name: 'x', rateLimitPerMinute: 0 }, 'rateLimitPerMinute');
    await request(gw.url).get('/api/api-keys').expect(401);
    await request(gw.url).post('/api/api-keys').send({ name: 'x' }).expect(401);
    await request(gw.url).delete('/api/api-keys/6f9619ff-8b86-4011-b42d-00c04fc964ff').expect(401);
    await request(gw.url).delete('/api/api-keys/not-a-uuid').set(asSession()).expect(400);
  });

  it('never logs a person in on the WebSocket', async () => {
    const { key } = await createKey({ name: 'ws' });
    const client = new RecordingSocket(gw.url.replace('http', 'ws') + '/ws');
    await client.opened();
    client.send({ type: 'auth', token: key });
    expect(await client.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'Invalid or expired token' });
    expect(client.messages.some((m) => m.type === 'ready')).toBe(false);
  });

  it('keeps an Idempotency-Key per caller: the same key returns the same run', async () => {
    const { key } = await createKey({ name: 'idempotent', scope: 'runs' });
    const send = (body: object, idem: string, auth = bearer(key)) =>
      request(gw.url).post('/api/runs').set(auth).set('Idempotency-Key', idem).send(body);
    const first = await send({ message: 'once' }, 'exec-1-item-0').expect(202);
    const again = await send({ message: 'once' }, 'exec-1-item-0').expect(202);
    expect(again.body.runId).toBe(first.body.runId);
    expect(again.headers['idempotent-replayed']).toBe('true');
    await send({ message: 'other' }, 'exec-1-item-0').expect(422);
    await send({ message: 'once' }, 'bad key with spaces').expect(400);
    // Another caller's key of the same name is its own.
    const other = await send({ message: 'once' }, 'exec-1-item-0', asSession()).expect(202);
    expect(other.body.runId).not.toBe(first.body.runId);
  });

  // Last: moving the clock a week also ends the session the other cases use.
  it('stops working when it expires (manual clock)', async () => {
    const expiresAt = new Date(clock.now().getTime() + 7 * 86_400_000).toISOString();
    const { key } = await createKey({ name: 'a week', expiresAt });
    clock.advance(7 * 86_400_000 - 1000);
    await request(gw.url).get('/api/agent-groups').set(bearer(key)).expect(200);
    clock.advance(1000);
    await request(gw.url).get('/api/agent-groups').set(bearer(key)).expect(401);
  });
});

describe('API key rate limits', () => {
  it('follow the key, not the address, with Retry-After on every 429', async () => {
    const gw = await startTestApp({ ...NO_MODEL, RATE_LIMIT_PER_MINUTE: '4' });
    try {
      const session = await setupAdmin(gw.url);
      const create = async (body: object) =>
        (await request(gw.url).post('/api/api-keys').set('Authorization', `Bearer ${session}`).send(body).expect(201))
          .body.key as string;
      const limited = await create({ name: 'own limit', rateLimitPerMinute: 2 });
      const byDefault = await create({ name: 'default limit' });
      // The session has used 2 of its 4; each key starts with its own budget from the same address.
      const get = (key: string) => request(gw.url).get('/api/runs').set('Authorization', `Bearer ${key}`);
      for (let i = 0; i < 2; i++) await get(limited).expect(200);
      const refused = await get(limited).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.body.message).toMatch(/Rate limit of 2 requests per minute/);

      for (let i = 0; i < 4; i++) await get(byDefault).expect(200);
      const overDefault = await get(byDefault).expect(429);
      expect(Number(overDefault.headers['retry-after'])).toBeGreaterThan(0);

      // Neither the session nor an anonymous caller at the same address was counted for the keys.
      await get(session).expect(200);
      await request(gw.url).get('/api/auth/status').expect(200);
    } finally {
      await gw.close();
    }
  });

  it('counts bad tokens against the address', async () => {
    const gw = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) {
        await request(gw.url).get('/api/runs').set('Authorization', `Bearer lgk_guess${i}`).expect(401);
      }
      const refused = await request(gw.url).get('/api/runs').set('Authorization', 'Bearer lgk_guess9').expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await request(gw.url).get('/api/auth/status').expect(429);
    } finally {
      await gw.close();
    }
  });
});

describe('API keys on PostgreSQL', () => {
  it('are stored hashed, authenticate, record their use and are revoked at once', async () => {
    const database = await createTestDatabase();
    const gw = await startTestApp({ DATABASE_URL: database.url });
    try {
      const session = await setupAdmin(gw.url);
      const created = await request(gw.url)
        .post('/api/api-keys')
        .set('Authorization', `Bearer ${session}`)
        .send({ name: 'pg', scope: 'read', expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
        .expect(201);
      const key = created.body.key as string;
      await request(gw.url).get('/api/agent-groups').set('Authorization', `Bearer ${key}`).expect(200);
      const [row] = await gw.app
        .get(DataSource)
        .query('SELECT token_hash, last_used_ip FROM api_keys WHERE id = $1', [created.body.id]);
      expect(row).toEqual({
        token_hash: createHash('sha256').update(key).digest('hex'),
        last_used_ip: '127.0.0.1',
      });
      await request(gw.url)
        .delete(`/api/api-keys/${created.body.id}`)
        .set('Authorization', `Bearer ${session}`)
        .expect(204);
      await request(gw.url).get('/api/agent-groups').set('Authorization', `Bearer ${key}`).expect(401);
    } finally {
      await gw.close();
      await database.drop();
    }
  });
});
