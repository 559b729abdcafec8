import request from 'supertest';
import { JSON_BODY_LIMIT_BYTES, JSON_BODY_MAX_DEPTH, JSON_BODY_MAX_VALUES } from '../src/common/json-body.js';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

/** `{"a":{"a":…}}` nested `depth` levels deep. */
const nested = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('malformed request bodies', () => {
  let gw: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const sendRaw = (method: 'post' | 'put', path: string, body: string) =>
    request(gw.url)[method](path).set(auth()).set('content-type', 'application/json').send(body);

  beforeAll(async () => {
    gw = await startTestApp();
    token = await setupAdmin(gw.url);
  });
  afterAll(async () => {
    await gw.close();
  });

  it('answers deeply nested JSON with a 400 naming the limit, before validation, on every kind of route', async () => {
    const deep = `{"username":"admin","password":${nested(20_000)}}`; // ~100 KB
    for (const path of ['/api/auth/setup', '/api/auth/login', '/api/agent-groups', '/webhook/invoke/lgw_x']) {
      const res = await sendRaw('post', path, deep);
      expect({ path, status: res.status, message: res.body.message }).toEqual({
        path,
        status: 400,
        message: `The JSON body is nested deeper than ${JSON_BODY_MAX_DEPTH} levels of objects and arrays`,
      });
    }
    // At the limit, the body reaches validation, which names the field.
    const atLimit = await sendRaw('post', '/api/agent-groups', `{"name":"x","channelStyles":${nested(31)}}`);
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.message).toContain('channelStyles.property a should not exist');
  });

  it('answers a body with too many values, or one that is not an object, with a 400 before validation', async () => {
    const wide = JSON.stringify({ message: 'hi', extra: Array.from({ length: JSON_BODY_MAX_VALUES }, () => ({})) });
    const res = await sendRaw('post', '/api/runs', wide);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      `The JSON body has more than ${JSON_BODY_MAX_VALUES} values (object members and array elements)`,
    );
    const array = await sendRaw('post', '/api/runs', JSON.stringify([{ message: 'hi' }]));
    expect(array.status).toBe(400);
    expect(array.body.message).toBe('The request body must be a JSON object');
  });

  it('answers a body over the size limit with 413', async () => {
    const res = await sendRaw(
      'post',
      '/api/auth/login',
      JSON.stringify({ username: 'x'.repeat(JSON_BODY_LIMIT_BYTES) }),
    );
    expect(res.status).toBe(413);
    expect(res.body.message).toBe(`The request body is larger than ${JSON_BODY_LIMIT_BYTES} bytes`);
  });

  it('refuses null in optional PUT fields that are not nullable, naming the field and changing nothing', async () => {
    const group = (await request(gw.url).post('/api/agent-groups').set(auth()).send({ name: 'G' }).expect(201)).body;
    const channel = (
      await request(gw.url)
        .post('/api/channels')
        .set(auth())
        .send({ type: 'telegram', name: 'C', config: { botToken: `123456:${'A'.repeat(35)}` }, enabled: false })
        .expect(201)
    ).body;
    const webhook = (await request(gw.url).post('/api/webhooks').set(auth()).send({ name: 'W' }).expect(201)).body;
    const cases: [string, string[]][] = [
      [`/api/agent-groups/${group.id}`, ['name', 'skills', 'channelStyles', 'isDefault']],
      [`/api/channels/${channel.id}`, ['name', 'config', 'allowedSenders', 'enabled']],
      [`/api/webhooks/${webhook.id}`, ['name', 'platform', 'events', 'enabled', 'rateLimitPerMinute']],
    ];
    for (const [path, fields] of cases) {
      const before = (await request(gw.url).get(path).set(auth()).expect(200)).body;
      for (const field of fields) {
        const res = await request(gw.url)
          .put(path)
          .set(auth())
          .send({ [field]: null });
        expect({ path, field, status: res.status }).toEqual({ path, field, status: 400 });
        expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${field} must`))]));
      }
      expect((await request(gw.url).get(path).set(auth()).expect(200)).body).toEqual(before);
    }
    // Where null has a documented meaning it still works.
    const cleared = await request(gw.url)
      .put(`/api/agent-groups/${group.id}`)
      .set(auth())
      .send({ systemPrompt: null, budgetMaxTokensDay: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ systemPrompt: null, budgetMaxTokensDay: null });
    await request(gw.url).put(`/api/webhooks/${webhook.id}`).set(auth()).send({ targetUrl: null }).expect(200);
  });

  it('refuses scheduler jobs whose trigger or action is missing, null or an array, or calendarContext an array', async () => {
    const job = {
      name: 'J',
      trigger: { type: 'interval', everySeconds: 60 },
      action: { type: 'agent', prompt: 'hi' },
    };
    const bad: [object, string][] = [
      [{ ...job, trigger: undefined }, 'trigger must be an object'],
      [{ ...job, action: undefined }, 'action must be an object'],
      [{ ...job, trigger: null }, 'trigger must be an object'],
      [{ ...job, trigger: [job.trigger] }, 'trigger must be an object'],
      [{ ...job, action: [] }, 'action must be an object'],
      [{ ...job, output: [] }, 'output must be an object'],
      [{ ...job, output: null }, 'output must not be null (leave it out instead)'],
      [{ ...job, action: { ...job.action, calendarContext: [] } }, 'action.calendarContext must be an object'],
      [{ ...job, action: { ...job.action, calendarContext: 'x' } }, 'action.calendarContext must be an object'],
    ];
    for (const [body, message] of bad) {
      const res = await request(gw.url).post('/api/scheduler/jobs').set(auth()).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toContain(message);
    }
    expect((await request(gw.url).get('/api/scheduler/jobs').set(auth()).expect(200)).body).toEqual([]);
    await request(gw.url).post('/api/scheduler/jobs').set(auth()).send(job).expect(201);
  });
});
