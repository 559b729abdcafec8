import request from 'supertest';
import type { DestinationStream } from 'pino';
import { LocalClaude } from '@loop-gateway/testing';
import { startTestApp } from './test-app.js';

// Its own file: nestjs-pino keeps one request logger per process (module), made by the first app.
describe('request logging of inbound webhooks', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });

  it('never writes a webhook token to the request log', async () => {
    const lines: string[] = [];
    const logStream = { write: (line: string) => void lines.push(line) } as DestinationStream;
    const gw = await startTestApp(
      { ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_API_KEY: 'k', LOG_LEVEL: 'info' },
      { logStream },
    );
    try {
      const setup = await request(gw.url)
        .post('/api/auth/setup')
        .send({ username: 'admin', password: 'correct horse battery' });
      const auth = { Authorization: `Bearer ${setup.body.token}` };
      const { body } = await request(gw.url).post('/api/webhooks').set(auth).send({ name: 'logged' }).expect(201);
      claude.script({ text: 'logged reply' });
      await request(gw.url).post(`/webhook/invoke/${body.token}`).send({ message: 'hi', sync: true }).expect(200);
      await request(gw.url).get(`/webhook/health/${body.token}?x=1`).expect(200);
      await request(gw.url).post('/webhook/invoke').set('X-Webhook-Token', body.token).send({ message: 'hi' });
      await request(gw.url)
        .post('/webhook/invoke')
        .set('Authorization', `Bearer ${body.token}`)
        .set('Cookie', 'sid=cookie-secret')
        .send({});
      await request(gw.url).get('/webhook/health/lgw_wrong-guess-token').expect(401);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const log = lines.join('');
      // Logged once each, with the token replaced.
      expect(log.split('"url":"/webhook/invoke/[token]"')).toHaveLength(2);
      expect(log).toContain('"url":"/webhook/health/[token]?x=1"');
      expect(log).toContain('"url":"/webhook/invoke"');
      expect(log).not.toContain(body.token);
      expect(log).not.toContain(body.token.slice(4));
      expect(log).not.toContain('wrong-guess-token');
      // Credential headers are logged, as [Redacted].
      expect(log).toContain('"authorization":"[Redacted]"');
      expect(log).toContain('"x-webhook-token":"[Redacted]"');
      expect(log).toContain('"cookie":"[Redacted]"');
      expect(log).not.toContain('cookie-secret');
    } finally {
      await gw.close();
    }
  });
});
