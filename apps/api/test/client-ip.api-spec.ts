import request from 'supertest';
import { DataSource } from 'typeorm';
import { ADMIN, setupAdmin, startTestApp, type TestApp } from './test-app.js';

/**
 * Behind reverse proxies, each per-IP limit keys on the address the trusted proxies saw, never on the
 * left-most X-Forwarded-For entry that the client writes. The test's loopback socket is the proxy next
 * to the gateway; `chain` are further proxies that appended themselves after the client.
 */
const PROXY_SETUPS = [
  { name: 'true (one hop)', TRUST_PROXY: 'true', chain: [] as string[] },
  { name: 'two hops', TRUST_PROXY: '2', chain: ['10.0.0.2'] },
  { name: 'proxy addresses', TRUST_PROXY: '127.0.0.1, 10.0.0.0/24', chain: ['10.0.0.2'] },
];

const ATTACKER = '203.0.113.9';
const OTHER_CLIENT = '198.51.100.7';

describe.each(PROXY_SETUPS)('client IPs with TRUST_PROXY=$TRUST_PROXY ($name)', ({ TRUST_PROXY, chain }) => {
  let gw: TestApp | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  /** What the proxies send on: whatever the client wrote, then the client's address, then the inner proxies. */
  const forwardedFor = (client: string, forged: string) => [forged, client, ...chain].join(', ');

  it('keeps the login lockout on the proxied address whatever the client forges', async () => {
    gw = await startTestApp({ TRUST_PROXY, LOGIN_MAX_FAILURES: '3' });
    await setupAdmin(gw.url);
    const login = (client: string, forged: string) =>
      request(gw!.url).post('/api/auth/login').set('X-Forwarded-For', forwardedFor(client, forged));
    for (let i = 0; i < 3; i++) {
      await login(ATTACKER, `192.0.2.${i}`)
        .send({ ...ADMIN, password: `guess number ${i}` })
        .expect(401);
    }
    const blocked = await login(ATTACKER, '192.0.2.200').send(ADMIN).expect(429);
    expect(blocked.body.message).toMatch(/Too many failed logins/);
    await login(ATTACKER, OTHER_CLIENT).send(ADMIN).expect(429);

    // Another client behind the same proxies is a different address, and the session records it.
    await login(OTHER_CLIENT, ATTACKER).send(ADMIN).expect(200);
    const rows: { ip: string }[] = await gw.app.get(DataSource).query('SELECT ip FROM sessions ORDER BY created_at');
    expect(rows.map((row) => row.ip)).toEqual(['127.0.0.1', OTHER_CLIENT]);
  });

  it('keeps the /api rate limit on the proxied address whatever the client forges', async () => {
    gw = await startTestApp({ TRUST_PROXY, RATE_LIMIT_PER_MINUTE: '5' });
    const status = (client: string, forged: string) =>
      request(gw!.url).get('/api/auth/status').set('X-Forwarded-For', forwardedFor(client, forged));
    for (let i = 0; i < 5; i++) await status(ATTACKER, `192.0.2.${i}`).expect(200);
    const limited = await status(ATTACKER, '192.0.2.200').expect(429);
    expect(limited.body.message).toMatch(/Rate limit/);
    await status(OTHER_CLIENT, ATTACKER).expect(200);
  });

  it('keeps the webhook bad-token limit on the proxied address whatever the client forges', async () => {
    gw = await startTestApp({ TRUST_PROXY, WEBHOOK_TOKEN_FAILURES_PER_MINUTE: '3' });
    const guess = (client: string, forged: string, i: number) =>
      request(gw!.url).get(`/webhook/health/lgw_guess${i}`).set('X-Forwarded-For', forwardedFor(client, forged));
    for (let i = 0; i < 3; i++) await guess(ATTACKER, `192.0.2.${i}`, i).expect(401);
    const blocked = await guess(ATTACKER, '192.0.2.200', 3).expect(429);
    expect(blocked.body.message).toContain('Too many invalid webhook tokens');
    await guess(OTHER_CLIENT, ATTACKER, 4).expect(401);
  });
});

describe('client IPs without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For and keys the limits on the socket address', async () => {
    const gw = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) {
        await request(gw.url).get('/api/auth/status').set('X-Forwarded-For', `192.0.2.${i}`).expect(200);
      }
      await request(gw.url).get('/api/auth/status').set('X-Forwarded-For', OTHER_CLIENT).expect(429);
    } finally {
      await gw.close();
    }
  });
});
