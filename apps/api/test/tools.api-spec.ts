import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ToolRegistry } from '../src/tools/tool-registry.js';
import { ScreenshotStore } from '../src/tools/web-browse/screenshot-store.js';
import { ADMIN, setupAdmin, startTestApp, type TestApp } from './test-app.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('tools API', () => {
  let dataDir: string;
  let gw: TestApp;
  let token: string;
  const api = () => ({
    get: (path: string) => request(gw.url).get(path).set('Authorization', `Bearer ${token}`),
    put: (path: string, body: unknown) =>
      request(gw.url)
        .put(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body as object),
  });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lg-tools-api-'));
    gw = await startTestApp({}, { dataDir });
    token = await setupAdmin(gw.url);
  });
  afterEach(async () => {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the built-in tools with their input schemas, risk levels and approval defaults', async () => {
    const res = await api().get('/api/tools').expect(200);
    const byName = Object.fromEntries((res.body as { name: string }[]).map((tool) => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual([
      'broadcast',
      'delegate',
      'http_request',
      'load_skill',
      'query',
      'read_skill_file',
      'run_script',
      'web_browse',
    ]);
    // Reading Agent Skills acts on nothing.
    expect(byName.load_skill).toMatchObject({ riskLevel: 'low', acts: false, inputSchema: { required: ['name'] } });
    expect(byName.read_skill_file).toMatchObject({ acts: false, inputSchema: { required: ['skill', 'path'] } });
    expect(byName.http_request).toEqual({
      name: 'http_request',
      description: expect.stringContaining('HTTP'),
      inputSchema: expect.objectContaining({
        type: 'object',
        required: ['url'],
        properties: expect.objectContaining({
          method: expect.objectContaining({ enum: expect.arrayContaining(['GET', 'POST']) }),
        }),
      }),
      riskLevel: 'medium',
      enabled: true,
      acts: true,
      approvalDefault: 'methods other than GET and HEAD',
    });
    expect(byName.run_script).toMatchObject({
      riskLevel: 'high',
      acts: true,
      approvalDefault: 'every call',
      inputSchema: {
        required: ['language', 'script'],
        properties: { language: { enum: expect.arrayContaining(['bash', 'node']) } },
      },
    });
    expect(byName.web_browse).toMatchObject({
      riskLevel: 'low',
      acts: false,
      approvalDefault: 'no call',
      inputSchema: { required: ['url'], properties: { screenshot: { type: 'boolean' } } },
    });
    // Handing work to other agents acts on nothing itself: the sub-agents' own calls pass the gate.
    expect(byName.delegate).toMatchObject({
      riskLevel: 'low',
      acts: false,
      approvalDefault: 'no call',
      inputSchema: { required: ['task'], properties: { role: { type: 'string' }, agentId: { type: 'string' } } },
    });
  });

  it('disables and enables a tool, and the choice survives a restart', async () => {
    const disabled = await api().put('/api/tools/run_script', { enabled: false }).expect(200);
    expect(disabled.body).toMatchObject({ name: 'run_script', enabled: false });
    expect(
      gw.app
        .get(ToolRegistry)
        .available([])
        .map((tool) => tool.name),
    ).not.toContain('run_script');
    await api().put('/api/tools/web_browse', { enabled: false }).expect(200);
    await api().put('/api/tools/web_browse', { enabled: true }).expect(200);

    await gw.close({ keepData: true });
    gw = await startTestApp({}, { dataDir });
    const login = await request(gw.url).post('/api/auth/login').send(ADMIN).expect(200);
    token = login.body.token as string;
    const tools = (await api().get('/api/tools').expect(200)).body as { name: string; enabled: boolean }[];
    expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.enabled]))).toEqual({
      broadcast: true,
      delegate: true,
      http_request: true,
      load_skill: true,
      query: true,
      read_skill_file: true,
      run_script: false,
      web_browse: true,
    });
    expect(
      gw.app
        .get(ToolRegistry)
        .available([])
        .map((tool) => tool.name)
        .sort(),
    ).toEqual(['broadcast', 'delegate', 'http_request', 'load_skill', 'query', 'read_skill_file', 'web_browse']);
  });

  it('answers 404 for an unknown tool and 400 for a bad body', async () => {
    const missing = await api().put('/api/tools/no_such_tool', { enabled: false }).expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, message: 'Tool "no_such_tool" not found' });
    expect((await api().put('/api/tools/run_script', {}).expect(400)).body.message).toEqual([
      'enabled must be a boolean value',
    ]);
    expect((await api().put('/api/tools/run_script', { enabled: 'yes' }).expect(400)).body.message).toEqual([
      'enabled must be a boolean value',
    ]);
    expect((await api().put('/api/tools/run_script', { enabled: true, risk: 'low' }).expect(400)).body.message).toEqual(
      ['property risk should not exist'],
    );
  });

  it('serves a stored screenshot as PNG, and only by a valid id', async () => {
    const id = await gw.app.get(ScreenshotStore).save(PNG);
    const res = await api().get(`/api/tools/screenshots/${id}`).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(Buffer.from(res.body as Buffer)).toEqual(PNG);
    await api().get('/api/tools/screenshots/4a3f0c56-0000-4000-8000-000000000000').expect(404);
    const bad = await api().get('/api/tools/screenshots/..%2Fsecret.key').expect(400);
    expect(bad.body.message).toBe('id must be a screenshot id (a UUID)');
  });

  it('needs a session for every route', async () => {
    await request(gw.url).get('/api/tools').expect(401);
    await request(gw.url).put('/api/tools/run_script').send({ enabled: false }).expect(401);
    await request(gw.url).get('/api/tools').set('Authorization', 'Bearer nope').expect(401);
    const id = await gw.app.get(ScreenshotStore).save(PNG);
    await request(gw.url).get(`/api/tools/screenshots/${id}`).expect(401);
  });
});
