import request from 'supertest';
import { ADMIN, startTestApp, type TestApp } from './test-app.js';

const SECRETS = {
  ANTHROPIC_API_KEY: 'sk-ant-settings-page-must-never-show-this',
  SECRET_KEY: 'a3'.repeat(32),
  SETUP_TOKEN: 'setup-token-nobody-may-read',
};
const VIEWER = { username: 'watcher', password: 'only looking, thanks' };

describe('GET /api/settings', () => {
  let gw: TestApp;
  let admin: string;

  beforeAll(async () => {
    gw = await startTestApp({ ...SECRETS, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', RUN_CONCURRENCY: '7' });
    admin = (
      await request(gw.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: SECRETS.SETUP_TOKEN })
        .expect(201)
    ).body.token as string;
  });
  afterAll(() => gw.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('shows every documented variable with its value in effect, and secrets only as set or unset', async () => {
    const res = await request(gw.url).get('/api/settings').set(as(admin)).expect(200);
    const text = JSON.stringify(res.body);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toContain(gw.config.secretKey.toString('hex'));

    const byName = new Map((res.body.variables as { name: string }[]).map((entry) => [entry.name, entry]));
    const { CONFIG_SCHEMA } = await import('../src/config/config.schema.js');
    expect([...byName.keys()]).toEqual(Object.keys(CONFIG_SCHEMA));
    for (const name of Object.keys(SECRETS)) {
      expect(byName.get(name)).toMatchObject({ secret: true, set: true, value: null, source: 'environment' });
    }
    expect(byName.get('RUN_CONCURRENCY')).toMatchObject({ value: '7', source: 'environment', secret: false });
    expect(byName.get('RUN_QUEUE_LIMIT')).toMatchObject({ value: '20000', source: 'default' });
    expect(byName.get('DATABASE_URL')).toMatchObject({ value: '', set: false, source: 'default' });
    expect(byName.get('ANTHROPIC_BASE_URL')).toMatchObject({ value: 'http://127.0.0.1:9', source: 'environment' });
    expect(res.body).toMatchObject({
      version: gw.config.version,
      database: 'sqlite',
      dataDir: gw.dataDir,
      // Off: an engine or image it does not use is no problem to report.
      containerMode: { enabled: false, state: 'off', problem: null },
    });
  });

  it('is for admins: a viewer and an API key get 403, no token 401', async () => {
    await request(gw.url)
      .post('/api/operators')
      .set(as(admin))
      .send({ ...VIEWER, role: 'viewer' })
      .expect(201);
    const viewer = (await request(gw.url).post('/api/auth/login').send(VIEWER).expect(200)).body.token as string;
    const refused = await request(gw.url).get('/api/settings').set(as(viewer)).expect(403);
    expect(refused.body.message).toMatch(/viewer: the settings are for admins/);
    const key = (
      await request(gw.url).post('/api/api-keys').set(as(admin)).send({ name: 'k', scope: 'full' }).expect(201)
    ).body.key as string;
    await request(gw.url).get('/api/settings').set(as(key)).expect(403);
    await request(gw.url).get('/api/settings').expect(401);
  });
});
