import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './test-app.js';

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
    expect(res.body).toEqual({ status: 'ok', version: '0.1.0', uptimeSeconds: expect.any(Number), database: 'sqlite' });
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
    const spec = (await request(gw.url).get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).toEqual(expect.arrayContaining(['authStatus', 'getHealth', 'login', 'logout', 'me', 'setup']));
    expect(ids).toEqual(expect.arrayContaining(['listAgentGroups', 'createAgentGroup', 'assignChannel']));
    expect(new Set(ids).size).toBe(ids.length);
    const docs = await request(gw.url).get('/api/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger-ui');
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
