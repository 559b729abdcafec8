import request from 'supertest';
import { DataSource } from 'typeorm';
import { ADMIN, setupAdmin, startTestApp, type TestApp } from './test-app.js';

/** A model endpoint nothing listens on: no run is needed here. */
const NO_MODEL = { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', MODEL_MAX_RETRIES: '0' };
const VIEWER = { username: 'watcher', password: 'only looking, thanks' };

describe('operators, roles, passwords and sessions', () => {
  let gw: TestApp;
  let admin: string;

  beforeAll(async () => {
    gw = await startTestApp({ ...NO_MODEL, RATE_LIMIT_PER_MINUTE: '1000' });
    admin = await setupAdmin(gw.url);
  });
  afterAll(() => gw.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const login = async (credentials: { username: string; password: string }) =>
    (await request(gw.url).post('/api/auth/login').send(credentials).expect(200)).body.token as string;
  const users = () => gw.app.get(DataSource).query('SELECT username, role FROM users ORDER BY created_at');

  it('an admin adds a viewer; bad input and a taken name are refused, nothing stored', async () => {
    const cases: [object, number, RegExp][] = [
      [{ username: 'x', password: VIEWER.password, role: 'viewer' }, 400, /username must be 3–64 letters/],
      [{ username: 'watcher', password: 'short', role: 'viewer' }, 400, /password must be at least 10 characters/],
      [{ username: 'watcher', password: VIEWER.password, role: 'root' }, 400, /role must be one of: admin, viewer/],
      [
        { username: ADMIN.username, password: VIEWER.password, role: 'viewer' },
        409,
        /named \\"admin\\" already exists/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await request(gw.url).post('/api/operators').set(as(admin)).send(body).expect(status);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    expect(await users()).toEqual([{ username: ADMIN.username, role: 'admin' }]);

    const created = await request(gw.url)
      .post('/api/operators')
      .set(as(admin))
      .send({ ...VIEWER, role: 'viewer' })
      .expect(201);
    expect(created.body).toMatchObject({ username: 'watcher', role: 'viewer' });
    expect(JSON.stringify(created.body)).not.toContain(VIEWER.password);
    const list = await request(gw.url).get('/api/operators').set(as(admin)).expect(200);
    expect((list.body as { username: string; role: string }[]).map((o) => [o.username, o.role])).toEqual([
      ['admin', 'admin'],
      ['watcher', 'viewer'],
    ]);
  });

  it('a viewer reads everything and changes nothing, with a 403 that says why', async () => {
    const viewer = await login(VIEWER);
    expect((await request(gw.url).get('/api/auth/me').set(as(viewer)).expect(200)).body.role).toBe('viewer');
    for (const path of ['/api/agent-groups', '/api/runs', '/api/usage', '/api/operators', '/api/approvals']) {
      await request(gw.url).get(path).set(as(viewer)).expect(200);
    }
    const groupsBefore = (await request(gw.url).get('/api/agent-groups').set(as(admin))).body.length as number;
    const attempts: [string, string, object][] = [
      ['post', '/api/agent-groups', { name: 'Sneaky' }],
      ['post', '/api/runs', { message: 'hi' }],
      ['post', '/api/operators', { username: 'second', password: VIEWER.password, role: 'admin' }],
      ['post', '/api/api-keys', { name: 'mine' }],
      ['put', '/api/usage/prices', {}],
    ];
    for (const [method, path, body] of attempts) {
      const res = await request(gw.url)[method as 'post' | 'put'](path).set(as(viewer)).send(body).expect(403);
      expect(res.body.message).toBe(
        `Your account is a viewer (read-only): ${method.toUpperCase()} ${path} needs an admin`,
      );
    }
    expect((await request(gw.url).get('/api/agent-groups').set(as(admin))).body).toHaveLength(groupsBefore);
    expect(await users()).toHaveLength(2);
  });

  it('changing the password checks the current one and ends the other sessions, not this one', async () => {
    const first = await login(VIEWER);
    const second = await login(VIEWER);
    const sessions = (await request(gw.url).get('/api/auth/sessions').set(as(second)).expect(200)).body as {
      id: string;
      current: boolean;
    }[];
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.length).toBeGreaterThanOrEqual(2);

    const wrong = await request(gw.url)
      .post('/api/auth/password')
      .set(as(second))
      .send({ currentPassword: 'not it', newPassword: 'a brand new passphrase' })
      .expect(400);
    expect(wrong.body.message).toBe('currentPassword is not your current password');
    await request(gw.url).get('/api/auth/me').set(as(first)).expect(200);

    const changed = await request(gw.url)
      .post('/api/auth/password')
      .set(as(second))
      .send({ currentPassword: VIEWER.password, newPassword: 'a brand new passphrase' })
      .expect(200);
    expect(changed.body.endedSessions).toBe(sessions.length - 1);
    await request(gw.url).get('/api/auth/me').set(as(first)).expect(401);
    await request(gw.url).get('/api/auth/me').set(as(second)).expect(200);
    await request(gw.url).post('/api/auth/login').send(VIEWER).expect(401);
    VIEWER.password = 'a brand new passphrase';
  });

  it('lists one’s own sessions and revokes one; another operator’s session is not found', async () => {
    const other = await login(VIEWER);
    const mine = (await request(gw.url).get('/api/auth/sessions').set(as(admin)).expect(200)).body as {
      id: string;
      current: boolean;
    }[];
    const viewerSessions = (await request(gw.url).get('/api/auth/sessions').set(as(other)).expect(200)).body as {
      id: string;
      current: boolean;
    }[];
    const theirs = viewerSessions.find((s) => s.current)!;
    await request(gw.url).delete(`/api/auth/sessions/${theirs.id}`).set(as(admin)).expect(404);
    await request(gw.url).get('/api/auth/me').set(as(other)).expect(200);

    const spare = await login(ADMIN);
    const spareId = (
      (await request(gw.url).get('/api/auth/sessions').set(as(spare)).expect(200)).body as {
        id: string;
        current: boolean;
      }[]
    ).find((s) => s.current)!.id;
    expect(mine.some((s) => s.current)).toBe(true);
    await request(gw.url).delete(`/api/auth/sessions/${spareId}`).set(as(admin)).expect(204);
    await request(gw.url).get('/api/auth/me').set(as(spare)).expect(401);
    // A viewer may end their own session too.
    await request(gw.url).delete(`/api/auth/sessions/${theirs.id}`).set(as(other)).expect(204);
    await request(gw.url).get('/api/auth/me').set(as(other)).expect(401);
  });

  it('deletes an operator (ending their sessions), never oneself or the last admin', async () => {
    const viewer = await login(VIEWER);
    const list = (await request(gw.url).get('/api/operators').set(as(admin))).body as {
      id: string;
      username: string;
    }[];
    const self = list.find((o) => o.username === ADMIN.username)!;
    const watcher = list.find((o) => o.username === 'watcher')!;
    expect((await request(gw.url).delete(`/api/operators/${self.id}`).set(as(admin)).expect(409)).body.message).toBe(
      'You cannot delete your own account',
    );
    await request(gw.url).delete(`/api/operators/${watcher.id}`).set(as(viewer)).expect(403);
    await request(gw.url).delete(`/api/operators/${watcher.id}`).set(as(admin)).expect(204);
    await request(gw.url).get('/api/auth/me').set(as(viewer)).expect(401);
    expect(await users()).toEqual([{ username: ADMIN.username, role: 'admin' }]);
  });
});
