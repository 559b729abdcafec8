import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

describe('platform API', () => {
  let gw: TestApp;

  beforeEach(async () => {
    gw = await startTestApp();
  });
  afterEach(async () => {
    await gw.close();
  });

  it('serves health without a token: status, version and uptime', async () => {
    const res = await request(gw.url).get('/api/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: '0.1.0',
      uptimeSeconds: expect.any(Number),
      database: 'sqlite',
      containers: 'off',
    });
  });

  it('tags every response with a request id, reusing a sane incoming one', async () => {
    const generated = await request(gw.url).get('/api/health').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const reused = await request(gw.url).get('/api/health').set('X-Request-Id', 'n8n-run-42').expect(200);
    expect(reused.headers['x-request-id']).toBe('n8n-run-42');
    const replaced = await request(gw.url).get('/api/health').set('X-Request-Id', '<script>').expect(200);
    expect(replaced.headers['x-request-id']).not.toBe('<script>');
  });

  it('answers unexpected errors with a stable 500 body and no stack trace', async () => {
    await gw.app.get(DataSource).destroy(); // the database goes away under a running gateway
    const res = await request(gw.url).get('/api/auth/status').expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An unexpected error occurred',
      requestId: res.headers['x-request-id'],
    });
    expect(res.text).not.toMatch(/at \w+ \(|node_modules|\.ts:/);
    const health = await request(gw.url).get('/api/health').expect(200);
    expect(health.body.status).toBe('degraded');
  });

  it('answers unknown API routes with a 404 JSON body, not with the console page', async () => {
    const res = await request(gw.url).get('/api/no-such-route').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404 });
  });

  it('publishes the OpenAPI document with operationId = controller method name, and browsable docs', async () => {
    const token = await setupAdmin(gw.url);
    const spec = (await request(gw.url).get('/api/openapi.json').set('Authorization', `Bearer ${token}`).expect(200))
      .body as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).toEqual(expect.arrayContaining(['authStatus', 'getHealth', 'login', 'logout', 'me', 'setup']));
    expect(ids).toEqual(expect.arrayContaining(['listAgentGroups', 'createAgentGroup', 'assignChannel']));
    expect(new Set(ids).size).toBe(ids.length);
    const docs = await request(gw.url).get('/api/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger-ui');
  });

  it('serves the OpenAPI document to signed-in operators only', async () => {
    const none = await request(gw.url).get('/api/openapi.json').expect(401);
    expect(none.body.message).toMatch(/Missing bearer token/);
    await request(gw.url).get('/api/openapi.json').set('Authorization', 'Bearer lgs_forged-token-value').expect(401);
    const token = await setupAdmin(gw.url);
    const spec = await request(gw.url).get('/api/openapi.json').set('Authorization', `Bearer ${token}`).expect(200);
    expect(spec.headers['content-type']).toMatch(/application\/json/);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/agent-groups', '/api/auth/setup']));
    // The docs route is not in the document it serves.
    expect(Object.keys(spec.body.paths)).not.toContain('/api/openapi.json');
  });

  it('serves a docs page shell that holds nothing of the API, with Swagger UI and the loader script', async () => {
    const page = await request(gw.url)
      .get('/api/docs')
      .expect(200)
      .expect('content-type', /text\/html/);
    const script = await request(gw.url)
      .get('/api/docs/docs.js')
      .expect(200)
      .expect('content-type', /javascript/);
    for (const text of [page.text, script.text]) {
      expect(text).not.toMatch(/agent-groups|operationId|"paths"/);
    }
    expect(script.text).toContain("fetch('/api/openapi.json'");
    expect(script.text).toContain('Sign in to the console');
    await request(gw.url)
      .get('/api/docs/assets/swagger-ui-bundle.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await request(gw.url).get('/api/docs/assets/swagger-ui.css').expect(200);
    // Nothing else of Swagger UI's default set-up is left that would embed the document.
    await request(gw.url).get('/api/docs/swagger-ui-init.js').expect(404);
    await request(gw.url)
      .get('/api/docs/assets/swagger-initializer.js')
      .expect((res) => {
        expect(res.text).not.toContain('agent-groups');
      });
  });
});

describe('API docs with PUBLIC_API_DOCS=true', () => {
  it('serves the OpenAPI document without a session', async () => {
    const gw = await startTestApp({ PUBLIC_API_DOCS: 'true' });
    try {
      const spec = await request(gw.url).get('/api/openapi.json').expect(200);
      expect(Object.keys(spec.body.paths)).toContain('/api/agent-groups');
    } finally {
      await gw.close();
    }
  });
});

describe('console hosting', () => {
  it('serves the built console at / with deep links falling back to index.html, and keeps /api JSON', async () => {
    const probe = await startTestApp();
    const consoleDir = join(probe.dataDir, 'console-build');
    await probe.close({ keepData: true });
    mkdirSync(consoleDir);
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Loop Gateway</title><app-root></app-root>');
    const gw = await startTestApp({ CONSOLE_DIR: consoleDir }, { dataDir: probe.dataDir });
    try {
      const root = await request(gw.url).get('/');
      expect([root.status, root.text]).toEqual([200, expect.stringContaining('<app-root>')]);
      expect((await request(gw.url).get('/overview').expect(200)).text).toContain('<app-root>');
      await request(gw.url).get('/api/no-such-route').expect(404).expect('content-type', /json/);
      await request(gw.url).get('/api/health').expect(200).expect('content-type', /json/);
    } finally {
      await gw.close();
    }
  });
});
