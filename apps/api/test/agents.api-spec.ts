import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

describe('agents and A2A API', () => {
  let gw: TestApp;
  let token: string;
  const get = (path: string) => request(gw.url).get(path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    gw = await startTestApp();
    token = await setupAdmin(gw.url);
  });
  afterAll(() => gw.close());

  it('needs a session or key on every route', async () => {
    await request(gw.url).get('/api/agents').expect(401);
    await request(gw.url).get('/api/a2a/messages').expect(401);
    await request(gw.url).get('/api/a2a/conversations/6f1c7a8e-7a4b-4c1e-9d7a-0a8f7c1e2b3d').expect(401);
  });

  it('answers an empty gateway with no agents, zero stats and the shipped roles', async () => {
    const body = (await get('/api/agents').expect(200)).body;
    expect(body.agents).toEqual([]);
    expect(body.stats).toEqual({
      spawnedToday: 0,
      active: 0,
      messages: 0,
      averageDelegationMs: null,
      tokensByRole: [],
    });
    expect(body.roles.map((role: { name: string }) => role.name)).toEqual([
      'coder',
      'planner',
      'researcher',
      'reviewer',
      'writer',
    ]);
    expect(body.roles.find((role: { name: string }) => role.name === 'researcher')).toMatchObject({
      skills: ['web_browse', 'http_request'],
      model: null,
      source: 'builtin',
      systemPrompt: expect.stringContaining('You are a researcher agent'),
    });
    expect((await get('/api/a2a/messages').expect(200)).body).toEqual([]);
  });

  it('adds the operator’s roles from DATA_DIR/roles, replacing a shipped one of the same name', async () => {
    const dir = join(gw.dataDir, 'roles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'translator.md'),
      '---\ndescription: Translates text.\nmodel: claude-haiku-4-5\nskills:\n---\nYou translate what you are given.\n',
    );
    writeFileSync(join(dir, 'writer.md'), 'You write in haiku.\n');
    writeFileSync(join(dir, 'Not A Role.md'), 'ignored');
    const roles = (await get('/api/agents').expect(200)).body.roles as { name: string }[];
    expect(roles.map((role) => role.name)).toEqual([
      'coder',
      'planner',
      'researcher',
      'reviewer',
      'translator',
      'writer',
    ]);
    expect(roles.find((role) => role.name === 'translator')).toEqual({
      name: 'translator',
      description: 'Translates text.',
      systemPrompt: 'You translate what you are given.',
      model: 'claude-haiku-4-5',
      skills: [],
      source: 'custom',
    });
    expect(roles.find((role) => role.name === 'writer')).toMatchObject({
      systemPrompt: 'You write in haiku.',
      skills: null,
      source: 'custom',
    });
  });

  it('refuses bad queries with a message naming the problem', async () => {
    expect((await get('/api/agents?limit=0').expect(400)).body.message).toEqual(['limit must not be less than 1']);
    expect((await get('/api/agents?runId=nope').expect(400)).body.message).toEqual(['runId must be a UUID']);
    expect((await get('/api/a2a/messages?type=shout').expect(400)).body.message).toEqual([
      'type must be one of the following values: delegate, result, broadcast, query, answer, error',
    ]);
    expect((await get('/api/a2a/messages?agentId=1').expect(400)).body.message).toEqual(['agentId must be a UUID']);
    expect((await get('/api/a2a/conversations/nope').expect(400)).body.message).toContain('uuid is expected');
    expect((await get('/api/a2a/conversations/6f1c7a8e-7a4b-4c1e-9d7a-0a8f7c1e2b3d').expect(404)).body.message).toBe(
      'A2A conversation 6f1c7a8e-7a4b-4c1e-9d7a-0a8f7c1e2b3d not found',
    );
  });
});
