import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { EventName, GatewayEvent } from '@loop-gateway/contracts';
import { EventBus } from '../src/events/event-bus.js';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

const README_MANIFEST = {
  name: 'my-tool',
  description: 'Does something useful',
  version: '1.0.0',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
};
const README_HANDLER = 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });';

interface Skill {
  name: string;
  source: string;
  version: string;
  enabled: boolean;
  loadError: string | null;
  [key: string]: unknown;
}

describe('skills API', () => {
  let gw: TestApp;
  let token: string;
  const events: GatewayEvent[] = [];
  const auth = (req: request.Test) => req.set('Authorization', `Bearer ${token}`);
  const api = {
    get: (path: string) => auth(request(gw.url).get(path)),
    post: (path: string, body?: unknown) => auth(request(gw.url).post(path)).send(body as object),
    put: (path: string, body: unknown) => auth(request(gw.url).put(path)).send(body as object),
    delete: (path: string) => auth(request(gw.url).delete(path)),
  };
  const skills = async () => (await api.get('/api/skills').expect(200)).body as Skill[];
  const skill = async (name: string) => (await skills()).find((entry) => entry.name === name);
  const emitted = (event: EventName) => events.filter((e) => e.event === event).map((e) => e.payload);

  beforeAll(async () => {
    gw = await startTestApp();
    gw.app.get(EventBus).events$.subscribe((event) => events.push(event));
    token = await setupAdmin(gw.url);
  });
  afterAll(() => gw.close());

  it('needs a session on every route', async () => {
    await request(gw.url).get('/api/skills').expect(401);
    await request(gw.url).post('/api/skills').send({}).expect(401);
    await request(gw.url).put('/api/skills/x').send({}).expect(401);
    await request(gw.url).delete('/api/skills/x').expect(401);
    await request(gw.url).post('/api/skills/x/toggle').send({}).expect(401);
    await request(gw.url).post('/api/skills/x/try').send({ input: {} }).expect(401);
    await request(gw.url).get('/api/skills/x/tries').expect(401);
  });

  it('lists the built-in tools as skills, consistent with /api/tools', async () => {
    const list = await skills();
    const builtins = list.filter((entry) => entry.source === 'builtin');
    expect(builtins.map((entry) => entry.name).sort()).toEqual([
      'broadcast',
      'delegate',
      'http_request',
      'load_skill',
      'query',
      'read_skill_file',
      'run_script',
      'web_browse',
    ]);
    const tools = (await api.get('/api/tools').expect(200)).body as Record<string, unknown>[];
    for (const tool of tools) {
      expect(builtins.find((entry) => entry.name === tool.name)).toMatchObject({
        description: tool.description,
        inputSchema: tool.inputSchema,
        riskLevel: tool.riskLevel,
        enabled: tool.enabled,
        requiresApproval: tool.acts,
        approvalDefault: tool.approvalDefault,
        version: gw.config.version,
        loadError: null,
        handler: null,
      });
    }
  });

  it('installs the README example as files, lists it and runs it through the sandbox', async () => {
    const res = await api.post('/api/skills', { manifest: README_MANIFEST, handler: README_HANDLER }).expect(201);
    expect(res.body).toMatchObject({
      ...README_MANIFEST,
      source: 'custom',
      enabled: true,
      riskLevel: 'medium',
      requiresApproval: false,
      approvalDefault: 'no call',
      timeoutMs: 5000,
      permissions: { fetch: [] },
      loadError: null,
      handler: README_HANDLER,
      installedAt: expect.any(String),
    });
    const folder = join(gw.dataDir, 'skills', 'my-tool');
    expect(JSON.parse(readFileSync(join(folder, 'skill.json'), 'utf8'))).toEqual(README_MANIFEST);
    expect(readFileSync(join(folder, 'handler.js'), 'utf8')).toBe(README_HANDLER);
    expect(emitted('skill:installed')).toContainEqual({ name: 'my-tool', version: '1.0.0' });
    expect((await api.get('/api/tools').expect(200)).body).toContainEqual(
      expect.objectContaining({ name: 'my-tool', enabled: true }),
    );
    const tried = await api.post('/api/skills/my-tool/try', { input: { query: 'hello' } }).expect(200);
    expect(tried.body).toMatchObject({ isError: false, version: '1.0.0' });
    expect(tried.body.content).toContain('{"result":"HELLO"}');
  });

  it('answers 409 for a name in use, custom or built-in', async () => {
    const again = await api.post('/api/skills', { manifest: README_MANIFEST, handler: README_HANDLER }).expect(409);
    expect(again.body.message).toMatch(/already installed/);
    const builtin = await api
      .post('/api/skills', { manifest: { ...README_MANIFEST, name: 'http_request' }, handler: README_HANDLER })
      .expect(409);
    expect(builtin.body.message).toMatch(/built-in tool/);
  });

  it.each([
    [{ handler: README_HANDLER }, /manifest/],
    [{ manifest: README_MANIFEST }, /handler/],
    [{ manifest: { ...README_MANIFEST, name: 'Bad Name' }, handler: README_HANDLER }, /name must start/],
    [{ manifest: { ...README_MANIFEST, name: 'a'.repeat(65) }, handler: README_HANDLER }, /name must start/],
    [{ manifest: { ...README_MANIFEST, version: '1.0' }, handler: README_HANDLER }, /version must be a semantic/],
    [
      { manifest: { ...README_MANIFEST, inputSchema: [] }, handler: README_HANDLER },
      /inputSchema must be a JSON Schema/,
    ],
    [
      { manifest: { ...README_MANIFEST, inputSchema: { type: 'string' } }, handler: README_HANDLER },
      /manifest.inputSchema must be a JSON Schema of type object/,
    ],
    [
      {
        manifest: { ...README_MANIFEST, inputSchema: { type: 'object', properties: { q: 3 } } },
        handler: README_HANDLER,
      },
      /inputSchema properties.q must be a schema object/,
    ],
    [{ manifest: { ...README_MANIFEST, riskLevel: 'extreme' }, handler: README_HANDLER }, /riskLevel must be one of/],
    [
      { manifest: { ...README_MANIFEST, timeoutMs: 10 }, handler: README_HANDLER },
      /timeoutMs must not be less than 100/,
    ],
    [{ manifest: { ...README_MANIFEST, riskLevel: null }, handler: README_HANDLER }, /riskLevel must not be null/],
    [
      { manifest: { ...README_MANIFEST, permissions: { fetch: ['http://x'] } }, handler: README_HANDLER },
      /permissions.fetch must be a list of hosts/,
    ],
    [
      { manifest: { ...README_MANIFEST, permissions: { exec: true } }, handler: README_HANDLER },
      /exec should not exist/,
    ],
    [{ manifest: { ...README_MANIFEST, extra: 1 }, handler: README_HANDLER }, /extra should not exist/],
    [
      { manifest: { ...README_MANIFEST, name: 'syntax' }, handler: 'module.exports = async (' },
      /^"handler does not compile: Unexpected token .*handler.js:2/,
    ],
    [
      { manifest: { ...README_MANIFEST, name: 'nofn' }, handler: 'module.exports = 42;' },
      /handler it must export a function/,
    ],
    [
      { manifest: { ...README_MANIFEST, name: 'thrower' }, handler: "throw new Error('at load')" },
      /handler failed when loaded: at load/,
    ],
  ])('refuses a bad install (%j) with a 400 naming the field, storing nothing', async (body, message) => {
    const res = await api.post('/api/skills', body).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
    const name = (body as { manifest?: { name?: string } }).manifest?.name;
    if (name && name !== 'my-tool') expect(existsSync(join(gw.dataDir, 'skills', name))).toBe(false);
  });

  it('updates a skill to a new version; the next call runs it', async () => {
    const res = await api
      .put('/api/skills/my-tool', { handler: 'module.exports = async ({ query }) => ({ result: query + "!" });' })
      .expect(200);
    expect(res.body).toMatchObject({ version: '1.0.1', description: README_MANIFEST.description });
    const tried = await api.post('/api/skills/my-tool/try', { input: { query: 'x' } }).expect(200);
    expect(tried.body).toMatchObject({ version: '1.0.1' });
    expect(tried.body.content).toContain('{"result":"x!"}');
    const manifest = await api
      .put('/api/skills/my-tool', { manifest: { version: '2.0.0', riskLevel: 'high', description: 'Louder' } })
      .expect(200);
    expect(manifest.body).toMatchObject({
      version: '2.0.0',
      riskLevel: 'high',
      requiresApproval: true,
      description: 'Louder',
      handler: expect.stringContaining('"!"'),
    });
    expect(emitted('skill:updated')).toContainEqual({ name: 'my-tool', version: '2.0.0', enabled: true });
  });

  it('refuses bad updates', async () => {
    await api.put('/api/skills/nope', { handler: README_HANDLER }).expect(404);
    const builtin = await api.put('/api/skills/run_script', { handler: README_HANDLER }).expect(409);
    expect(builtin.body.message).toMatch(/built-in tool/);
    expect((await api.put('/api/skills/my-tool', {}).expect(400)).body.message).toMatch(
      /manifest fields and\/or a handler/,
    );
    expect((await api.put('/api/skills/my-tool', { handler: '(' }).expect(400)).body.message).toMatch(/^handler /);
    const renamed = await api.put('/api/skills/my-tool', { manifest: { name: 'other' } }).expect(400);
    expect(JSON.stringify(renamed.body.message)).toMatch(/manifest.property name should not exist/);
    expect((await skill('my-tool'))?.version).toBe('2.0.0');
  });

  it('toggles built-in and custom skills, consistently with /api/tools', async () => {
    const off = await api.post('/api/skills/web_browse/toggle').expect(200);
    expect(off.body).toMatchObject({ name: 'web_browse', source: 'builtin', enabled: false });
    expect((await api.get('/api/tools').expect(200)).body).toContainEqual(
      expect.objectContaining({ name: 'web_browse', enabled: false }),
    );
    await api.post('/api/skills/web_browse/toggle', { enabled: true }).expect(200);
    const custom = await api.post('/api/skills/my-tool/toggle', { enabled: false }).expect(200);
    expect(custom.body).toMatchObject({ enabled: false });
    expect(emitted('skill:updated')).toContainEqual({ name: 'my-tool', version: '2.0.0', enabled: false });
    await api.post('/api/skills/my-tool/toggle').expect(200);
    expect((await skill('my-tool'))?.enabled).toBe(true);
    await api.post('/api/skills/nope/toggle').expect(404);
    expect((await api.post('/api/skills/my-tool/toggle', { enabled: 'yes' }).expect(400)).body.message).toEqual([
      'enabled must be a boolean value',
    ]);
  });

  it('validates a group’s skills against known names', async () => {
    const bad = await api.post('/api/agent-groups', { name: 'g1', skills: ['my-tool', 'ghost'] }).expect(400);
    expect(bad.body.message).toMatch(/skills: "ghost" is not a skill/);
    const group = await api.post('/api/agent-groups', { name: 'g1', skills: ['my-tool', 'http_request'] }).expect(201);
    await api.put(`/api/agent-groups/${group.body.id}`, { skills: ['nothing'] }).expect(400);
  });

  it('keeps each try as a record: input, result or error, version, who and when, newest first', async () => {
    const failing = await api
      .post('/api/skills', {
        manifest: { ...README_MANIFEST, name: 'thrower' },
        handler: 'module.exports = async ({ query }) => { throw new Error("no " + query); };',
      })
      .expect(201);
    expect(failing.body.name).toBe('thrower');
    const tried = await api.post('/api/skills/thrower/try', { input: { query: 'luck' } }).expect(200);
    expect(tried.body).toMatchObject({ isError: true, skillName: 'thrower', triedBy: 'admin' });
    const [record] = (await api.get('/api/skills/thrower/tries').expect(200)).body as Record<string, unknown>[];
    expect(record).toEqual({
      id: tried.body.id,
      skillName: 'thrower',
      version: '1.0.0',
      input: { query: 'luck' },
      isError: true,
      content: expect.stringMatching(/failed: .*no luck/),
      durationMs: expect.any(Number),
      triedBy: 'admin',
      createdAt: expect.any(String),
    });
    // The README example was tried twice above, as 1.0.0 and then 1.0.1.
    const tries = (await api.get('/api/skills/my-tool/tries').expect(200)).body as Record<string, unknown>[];
    expect(tries.map(({ version, input, isError }) => ({ version, input, isError }))).toEqual([
      { version: '1.0.1', input: { query: 'x' }, isError: false },
      { version: '1.0.0', input: { query: 'hello' }, isError: false },
    ]);
    expect((await api.get('/api/skills/http_request/tries').expect(409)).body.message).toMatch(/built-in/);
    await api.get('/api/skills/nope/tries').expect(404);
    await api.delete('/api/skills/thrower').expect(204);
  });

  it('deletes custom skills (folder and tool), not built-ins', async () => {
    expect((await api.delete('/api/skills/http_request').expect(409)).body.message).toMatch(/built-in/);
    await api.delete('/api/skills/nope').expect(404);
    await api.delete('/api/skills/my-tool').expect(204);
    expect(existsSync(join(gw.dataDir, 'skills', 'my-tool'))).toBe(false);
    expect(await skill('my-tool')).toBeUndefined();
    expect(((await api.get('/api/tools').expect(200)).body as { name: string }[]).map((t) => t.name)).not.toContain(
      'my-tool',
    );
    expect(emitted('skill:removed')).toContainEqual({ name: 'my-tool' });
    await api.delete('/api/skills/my-tool').expect(404);
  });
});
