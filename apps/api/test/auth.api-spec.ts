import { createHash } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SessionService } from '../src/auth/session.service.js';
import { ADMIN, ManualClock, setupAdmin, startTestApp, type TestApp } from './test-app.js';

const json = { 'content-type': 'application/json' };

describe('auth API', () => {
  let gw: TestApp;

  beforeEach(async () => {
    gw = await startTestApp();
  });
  afterEach(async () => {
    await gw.close();
  });

  const db = () => gw.app.get(DataSource);

  it('reports that set-up is needed until the first admin exists', async () => {
    await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: false });
    await setupAdmin(gw.url);
    await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: false, setupCodeRequired: false });
  });

  it('rejects bad set-up input with a message naming the field, and stores nothing', async () => {
    const cases: [object, RegExp][] = [
      [{ username: 'admin' }, /password/],
      [{ password: 'long enough password' }, /username/],
      [{ username: 'admin', password: 'short' }, /password must be at least 10 characters/],
      [{ username: 'a b', password: 'long enough password' }, /username must be 3–64 letters/],
      [{ username: 'admin', password: 'long enough password', role: 'root' }, /property role should not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await request(gw.url).post('/api/auth/setup').send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    const malformed = await request(gw.url).post('/api/auth/setup').set(json).send('{"username":').expect(400);
    expect(malformed.body.statusCode).toBe(400);
    expect(await db().query('SELECT COUNT(*) AS n FROM users')).toEqual([{ n: 0 }]);
    await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: false });
  });

  it('creates exactly one admin even when set-up is raced, and refuses set-up afterwards', async () => {
    const attempts = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        request(gw.url)
          .post('/api/auth/setup')
          .send({ username: `admin${i}`, password: ADMIN.password }),
      ),
    );
    expect(attempts.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const again = await request(gw.url).post('/api/auth/setup').send(ADMIN).expect(409);
    expect(again.body.message).toMatch(/already complete/);
    expect(await db().query('SELECT COUNT(*) AS n FROM users')).toEqual([{ n: 1 }]);
  });

  it('stores the password as argon2id and the session token only as a SHA-256 hash', async () => {
    const token = await setupAdmin(gw.url);
    expect(token).toMatch(/^lgs_[A-Za-z0-9_-]{43}$/); // 256 random bits
    const [user] = await db().query('SELECT password_hash FROM users');
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(user.password_hash).not.toContain(ADMIN.password);
    const sessions: { token_hash: string }[] = await db().query('SELECT token_hash FROM sessions');
    expect(sessions).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
  });

  it('logs in with the right password only, and the token authorises API calls', async () => {
    await setupAdmin(gw.url);
    const wrong = await request(gw.url)
      .post('/api/auth/login')
      .send({ ...ADMIN, password: 'not the password' })
      .expect(401);
    expect(wrong.body.message).toBe('Invalid username or password');
    const unknown = await request(gw.url)
      .post('/api/auth/login')
      .send({ ...ADMIN, username: 'nobody' })
      .expect(401);
    expect(unknown.body.message).toBe('Invalid username or password');
    await request(gw.url).post('/api/auth/login').send({ username: 'admin' }).expect(400);

    const login = await request(gw.url).post('/api/auth/login').send(ADMIN).expect(200);
    expect(login.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(new Date(login.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = await request(gw.url).get('/api/auth/me').set('Authorization', `Bearer ${login.body.token}`).expect(200);
    expect(me.body).toEqual(login.body.user);
  });

  it('revokes the session server-side on logout', async () => {
    const token = await setupAdmin(gw.url);
    await request(gw.url).post('/api/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    const after = await request(gw.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(after.body.message).toBe('Invalid or expired session token');
    const [row] = await db().query('SELECT revoked_at FROM sessions');
    expect(row.revoked_at).not.toBeNull();
  });

  it('answers 401 on every protected route without a token, with a bad token, or with another scheme', async () => {
    const spec = (
      await request(gw.url)
        .get('/api/openapi.json')
        .set('Authorization', `Bearer ${await setupAdmin(gw.url)}`)
        .expect(200)
    ).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const protectedOps = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.length)
        .map(([method, op]) => ({ method, path: path.replace(/\{[^}]+\}/g, 'x'), op })),
    );
    expect(protectedOps.length).toBeGreaterThanOrEqual(2);
    for (const { method, path } of protectedOps) {
      const call = () => (request(gw.url) as unknown as Record<string, (p: string) => request.Test>)[method](path);
      const none = await call();
      expect([method, path, none.status]).toEqual([method, path, 401]);
      const bad = await call().set('Authorization', 'Bearer lgs_forged-token-value');
      expect([method, path, bad.status]).toEqual([method, path, 401]);
      const basic = await call().set('Authorization', 'Basic YWRtaW46YWRtaW4=');
      expect([method, path, basic.status]).toEqual([method, path, 401]);
    }
  });
});

describe('auth API: sessions over time and restarts', () => {
  it('ends a session after the idle timeout, and after the absolute expiry even when used', async () => {
    const clock = new ManualClock();
    const gw = await startTestApp({ SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '2' }, { clock });
    try {
      const idleToken = await setupAdmin(gw.url);
      const auth = (token: string) => request(gw.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      await auth(idleToken).expect(200);
      clock.advance(29 * 60_000);
      await auth(idleToken).expect(200); // used: idle timer restarts
      clock.advance(29 * 60_000);
      await auth(idleToken).expect(200);
      clock.advance(31 * 60_000);
      await auth(idleToken).expect(401);

      const busy = (await request(gw.url).post('/api/auth/login').send(ADMIN).expect(200)).body.token as string;
      for (let minutes = 0; minutes < 120; minutes += 20) {
        await auth(busy).expect(200);
        clock.advance(20 * 60_000);
      }
      await auth(busy).expect(401);

      // A day after their expiry, ended sessions are swept from the table.
      const sessions = gw.app.get(SessionService);
      expect(await sessions.sweep()).toBe(0);
      clock.advance(25 * 3_600_000);
      expect(await sessions.sweep()).toBe(2);
      expect(await gw.app.get(DataSource).query('SELECT COUNT(*) AS n FROM sessions')).toEqual([{ n: 0 }]);
    } finally {
      await gw.close();
    }
  });

  it('keeps a session in use alive past the idle limit at SESSION_IDLE_MINUTES=1, and ends it when idle', async () => {
    const clock = new ManualClock();
    const gw = await startTestApp({ SESSION_IDLE_MINUTES: '1' }, { clock });
    try {
      const token = await setupAdmin(gw.url);
      const auth = () => request(gw.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      for (let seconds = 0; seconds < 300; seconds += 30) {
        clock.advance(30_000);
        await auth().expect(200); // used every 30 s: alive for 5 minutes, not just the first one
      }
      clock.advance(59_000);
      await auth().expect(200);
      clock.advance(62_000);
      await auth().expect(401);
    } finally {
      await gw.close();
    }
  });

  it('keeps the admin and live sessions across a restart (data in DATA_DIR)', async () => {
    const first = await startTestApp();
    const token = await setupAdmin(first.url);
    await first.close({ keepData: true });
    const second = await startTestApp({}, { dataDir: first.dataDir });
    try {
      await request(second.url).get('/api/auth/status').expect(200, { needsSetup: false, setupCodeRequired: false });
      await request(second.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      await request(second.url).post('/api/auth/login').send(ADMIN).expect(200);
    } finally {
      await second.close();
    }
  });
});

describe('first set-up on a gateway that listens beyond loopback', () => {
  const users = (gw: TestApp) => gw.app.get(DataSource).query('SELECT username FROM users');
  const TOKEN = 'my own set-up token 42';

  it('refuses set-up without the code (401) or with a wrong one (403), naming where to find it', async () => {
    // It still listens on loopback; HOST is what decides whether a code is needed.
    const gw = await startTestApp({ HOST: '0.0.0.0' });
    try {
      await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: true });
      const missing = await request(gw.url).post('/api/auth/setup').send(ADMIN).expect(401);
      expect(missing.body.message).toBe(
        "setupCode is required to set up this gateway: it is printed in the gateway's log at start, or is the SETUP_TOKEN you set",
      );
      const wrong = await request(gw.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: 'AAAA-BBBB-CCCC' })
        .expect(403);
      expect(wrong.body.message).toBe(
        "setupCode is wrong: it is printed in the gateway's log at start, or is the SETUP_TOKEN you set",
      );
      expect(await users(gw)).toEqual([]);
      // Only the code's SHA-256 is stored, and no admin came of the attempts.
      const [row] = await gw.app.get(DataSource).query(`SELECT value FROM settings WHERE key = 'setup.code'`);
      expect(row.value).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await gw.close();
    }
  });

  it('takes SETUP_TOKEN as the code, exactly, and only once', async () => {
    const gw = await startTestApp({ HOST: '0.0.0.0', SETUP_TOKEN: TOKEN });
    try {
      await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: true });
      // No generated code when SETUP_TOKEN is set.
      expect(await gw.app.get(DataSource).query(`SELECT key FROM settings WHERE key = 'setup.code'`)).toEqual([]);
      await request(gw.url).post('/api/auth/setup').send(ADMIN).expect(401);
      await request(gw.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: TOKEN.toUpperCase() })
        .expect(403);
      const created = await request(gw.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: TOKEN })
        .expect(201);
      await request(gw.url).get('/api/auth/me').set('Authorization', `Bearer ${created.body.token}`).expect(200);
      await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: false, setupCodeRequired: false });
      await request(gw.url)
        .post('/api/auth/setup')
        .send({ username: 'second', password: ADMIN.password, setupCode: TOKEN })
        .expect(409);
      expect(await users(gw)).toEqual([{ username: ADMIN.username }]);
    } finally {
      await gw.close();
    }
  });

  it('asks for SETUP_TOKEN on a loopback gateway too, when it is set', async () => {
    const gw = await startTestApp({ SETUP_TOKEN: TOKEN });
    try {
      await request(gw.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: true });
      await request(gw.url).post('/api/auth/setup').send(ADMIN).expect(401);
    } finally {
      await gw.close();
    }
  });

  it('limits wrong codes per address (429), even when the right one follows', async () => {
    const gw = await startTestApp({ HOST: '0.0.0.0', SETUP_TOKEN: TOKEN });
    try {
      for (let i = 0; i < 10; i++) {
        await request(gw.url)
          .post('/api/auth/setup')
          .send({ ...ADMIN, setupCode: `wrong guess ${i}` })
          .expect(403);
      }
      const limited = await request(gw.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: TOKEN })
        .expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.message).toMatch(/Too many wrong set-up codes/);
      expect(await users(gw)).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

describe('rate limits', () => {
  it(`limits /api to RATE_LIMIT_PER_MINUTE per IP with 429 and Retry-After`, async () => {
    const gw = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      for (let i = 0; i < 5; i++) await request(gw.url).get('/api/auth/status').expect(200);
      const limited = await request(gw.url).get('/api/auth/status').expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.body.message).toMatch(/Rate limit/);
    } finally {
      await gw.close();
    }
  });

  it('refuses an address that keeps failing to log in, without locking the admin out from elsewhere', async () => {
    const gw = await startTestApp({ LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'true' });
    try {
      await setupAdmin(gw.url);
      const attacker = () => request(gw.url).post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9');
      for (let i = 0; i < 3; i++)
        await attacker()
          .send({ ...ADMIN, password: `guess number ${i}` })
          .expect(401);
      // Now even the right password is refused from that address.
      const blocked = await attacker().send(ADMIN).expect(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.body.message).toMatch(/Too many failed logins/);
      // The real admin, from their own address, is not affected.
      await request(gw.url).post('/api/auth/login').set('X-Forwarded-For', '198.51.100.7').send(ADMIN).expect(200);
    } finally {
      await gw.close();
    }
  });
});
