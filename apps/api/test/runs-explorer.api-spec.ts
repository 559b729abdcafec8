import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

/** The runs explorer's, conversations' and webhook deliveries' bad input: a 400 (or 404) naming what is wrong. */
describe('runs explorer API input', () => {
  let gw: TestApp;
  let token: string;
  const get = (path: string) => request(gw.url).get(path).set('Authorization', `Bearer ${token}`);
  const post = (path: string) => request(gw.url).post(path).set('Authorization', `Bearer ${token}`).send({});

  beforeAll(async () => {
    gw = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    token = await setupAdmin(gw.url);
  });
  afterAll(async () => {
    await gw.close();
  });

  it('answers 400 naming the filter for every bad runs filter', async () => {
    const cases: [string, string][] = [
      ['status=done', 'status must be one of the following values'],
      ['origin=fax', 'origin must be one of the following values'],
      ['groupId=default', 'groupId must be a UUID'],
      ['channelId=42', 'channelId must be a UUID'],
      ['from=yesterday', 'from must be an ISO 8601 date-time'],
      ['to=2026-13-45T00:00:00Z', 'to must be an ISO 8601 date-time'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to must be later than from'],
      [`q=${'x'.repeat(201)}`, 'q must be shorter than or equal to 200 characters'],
      ['q=', 'q must be longer than or equal to 1 characters'],
      ['limit=0', 'limit must not be less than 1'],
      ['limit=501', 'limit must not be greater than 500'],
      ['cursor=not%20a%20cursor', 'cursor must be the X-Next-Cursor of an earlier page'],
      [
        `cursor=${Buffer.from('yesterday|nobody').toString('base64url')}`,
        'cursor must be the X-Next-Cursor of an earlier page',
      ],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/runs?${query}`);
      expect({ query, status: res.status, message: String(res.body.message) }).toEqual({
        query,
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    // The same filters, well formed, are fine (and match nothing yet).
    const fine = await get(
      `/api/runs?status=failed&origin=telegram&groupId=${randomUUID()}&channelId=${randomUUID()}&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&q=50%25_off&limit=5`,
    ).expect(200);
    expect(fine.body).toEqual([]);
    expect(fine.headers['x-total-count']).toBe('0');
    expect(fine.headers['x-next-cursor']).toBeUndefined();
  });

  it('answers 400 naming the filter for bad conversation filters, and 404 for an unknown conversation', async () => {
    for (const [query, message] of [
      ['origin=fax', 'origin must be one of the following values'],
      ['channelId=42', 'channelId must be a UUID'],
      ['cursor=%2F%2F', 'cursor must be the X-Next-Cursor of an earlier page'],
    ] as const) {
      const res = await get(`/api/conversations?${query}`);
      expect({ query, status: res.status, message: String(res.body.message) }).toEqual({
        query,
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    await get('/api/conversations/not-a-uuid').expect(400);
    const missing = randomUUID();
    expect((await get(`/api/conversations/${missing}`).expect(404)).body.message).toBe(
      `Conversation ${missing} not found`,
    );
  });

  it('answers 404 for retrying an unknown run and for unknown deliveries, 400 for malformed ids', async () => {
    const run = randomUUID();
    expect((await post(`/api/runs/${run}/retry`).expect(404)).body.message).toBe(`Run ${run} not found`);
    await post('/api/runs/nope/retry').expect(400);
    const webhook = (
      await request(gw.url)
        .post('/api/webhooks')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'out', targetUrl: 'http://127.0.0.1:9/hook' })
        .expect(201)
    ).body as { id: string };
    const delivery = randomUUID();
    expect((await get(`/api/webhooks/${webhook.id}/deliveries/${delivery}`).expect(404)).body.message).toBe(
      `Delivery ${delivery} of webhook ${webhook.id} not found`,
    );
    await post(`/api/webhooks/${webhook.id}/deliveries/${delivery}/redeliver`).expect(404);
    await get(`/api/webhooks/${webhook.id}/deliveries/nope`).expect(400);
    await get(`/api/webhooks/${randomUUID()}/deliveries/${delivery}`).expect(404);
  });
});
