import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { GroupsService } from '../src/groups/groups.service.js';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

describe('agent groups API', () => {
  let gw: TestApp;
  let token: string;
  const api = () => ({
    get: (path: string) => request(gw.url).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(gw.url)
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body ?? {}),
    put: (path: string, body: object) => request(gw.url).put(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => request(gw.url).delete(path).set('Authorization', `Bearer ${token}`),
  });
  /** A real (disabled) channel to assign: assignment 404s for channels that do not exist. */
  const newChannel = async (name: string): Promise<string> =>
    (
      await api()
        .post('/api/channels', {
          type: 'telegram',
          name,
          config: { botToken: `123456:${'A'.repeat(35)}` },
          enabled: false,
        })
        .expect(201)
    ).body.id as string;
  const count = async () =>
    Number((await gw.app.get(DataSource).query('SELECT COUNT(*) AS n FROM agent_groups'))[0].n as number);

  beforeEach(async () => {
    gw = await startTestApp({ ANTHROPIC_API_KEY: 'global-key-123', DEFAULT_MODEL: 'claude-test-default' });
    token = await setupAdmin(gw.url);
  });
  afterEach(async () => {
    await gw.close();
  });

  it('starts with a default group that uses the default model', async () => {
    const res = await api().get('/api/agent-groups').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ name: 'Default', isDefault: true, model: 'claude-test-default', hasApiKey: false }),
    ]);
  });

  it('takes the model’s context window from the table, the group or CONTEXT_WINDOW_TOKENS', async () => {
    const list = async () => (await api().get('/api/agent-groups').expect(200)).body as Record<string, unknown>[];
    // claude-test-default is not in the table: CONTEXT_WINDOW_TOKENS (200000 by default).
    expect((await list())[0]).toMatchObject({ contextWindowTokens: null, effectiveContextWindowTokens: 200_000 });
    const haiku = await api()
      .post('/api/agent-groups', { name: 'Small', model: 'claude-haiku-4-5', contextWindowTokens: 30_000 })
      .expect(201);
    expect(haiku.body).toMatchObject({ contextWindowTokens: 30_000, effectiveContextWindowTokens: 30_000 });
    const reset = await api().put(`/api/agent-groups/${haiku.body.id}`, { contextWindowTokens: null }).expect(200);
    expect(reset.body).toMatchObject({ contextWindowTokens: null, effectiveContextWindowTokens: 200_000 });
  });

  it('closes a conversation (the console’s “start a new conversation”), checking auth and the id', async () => {
    await request(gw.url).post(`/api/conversations/${randomUUID()}/close`).expect(401);
    expect((await api().post('/api/conversations/nope/close').expect(400)).body.message).toMatch(/uuid/);
    await api().post(`/api/conversations/${randomUUID()}/close`).expect(404);
  });

  it('creates a group and keeps its API key encrypted, never returning it', async () => {
    const created = await api()
      .post('/api/agent-groups', {
        name: 'Support',
        systemPrompt: 'You are the support bot.',
        model: 'claude-haiku-4-5',
        apiKey: 'sk-ant-group-secret-999',
        skills: ['web_browse'],
        budgetMaxTokensDay: 50_000,
        budgetMaxTokensMonth: 1_000_000,
        channelStyles: { email: 'Sign as Support Team.' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Support',
      model: 'claude-haiku-4-5',
      hasApiKey: true,
      skills: ['web_browse'],
      budgetMaxTokensDay: 50_000,
      budgetMaxTokensMonth: 1_000_000,
      channelStyles: { email: 'Sign as Support Team.' },
      isDefault: false,
      channelIds: [],
    });
    for (const res of [
      created,
      await api().get(`/api/agent-groups/${created.body.id}`),
      await api().get('/api/agent-groups'),
    ]) {
      expect(res.text).not.toContain('sk-ant-group-secret-999');
      expect(res.text).not.toMatch(/apiKeySealed|api_key_sealed/);
    }
    const [row] = await gw.app
      .get(DataSource)
      .query('SELECT api_key_sealed FROM agent_groups WHERE name = ?', ['Support']);
    expect(row.api_key_sealed).toMatch(/^v1:/);
    expect(row.api_key_sealed).not.toContain('group-secret');

    const service = gw.app.get(GroupsService);
    const group = await service.resolveForChannel(null);
    expect(service.apiKeyFor(group)).toBe('global-key-123'); // the default group has no key of its own
    await api()
      .post(`/api/agent-groups/${created.body.id}/assign/${await newChannel('Support bot')}`)
      .expect(200);
    const support = (await service.list()).find((g) => g.name === 'Support')!;
    const channelId = support.channelIds[0];
    expect(service.apiKeyFor(await service.resolveForChannel(channelId))).toBe('sk-ant-group-secret-999');
  });

  it('rejects bad input with a message naming the field, and stores nothing', async () => {
    const before = await count();
    const cases: [object, RegExp][] = [
      [{}, /name must be/],
      [{ name: 'x', budgetMaxTokensDay: 0 }, /budgetMaxTokensDay must not be less than 1/],
      [{ name: 'x', budgetMaxTokensMonth: 'lots' }, /budgetMaxTokensMonth must be an integer/],
      [{ name: 'x', model: 'gpt 4!' }, /model must be a model id/],
      [{ name: 'x', skills: 'web' }, /skills must be an array/],
      [{ name: 'x', channelStyles: { fax: 'beep' } }, /property fax should not exist/],
      [{ name: 'x', apiKey: 'short' }, /apiKey must be longer than or equal to 8 characters/],
      [{ name: 'x', owner: 'me' }, /property owner should not exist/],
      [
        { name: 'x', trustedDestinations: ['api.example.com', 'https://evil.example/'] },
        /trustedDestinations must be a list of hosts \(host, host:port, host:\* or \*\.domain\); \\"https:\/\/evil\.example\/\\" is not one/,
      ],
      [{ name: 'x', trustedDestinations: 'api.example.com' }, /trustedDestinations must be an array/],
      [{ name: 'x', contextWindowTokens: 500 }, /contextWindowTokens must not be less than 1000/],
      [{ name: '   ' }, /name must not be blank/],
      [{ name: 'x', budgetMaxTokensMonth: 1e30 }, /budgetMaxTokensMonth must not be greater than 1000000000000/],
      [{ name: 'x', skills: ['web_brwose', 'rm_rf'] }, /skills: \\"web_brwose\\", \\"rm_rf\\" are not skills/],
    ];
    for (const [body, message] of cases) {
      const res = await api().post('/api/agent-groups', body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it('refuses a duplicate name, unknown ids and malformed ids', async () => {
    await api().post('/api/agent-groups', { name: 'Ops' }).expect(201);
    const dup = await api().post('/api/agent-groups', { name: 'Ops' }).expect(409);
    expect(dup.body.message).toBe('An agent group named "Ops" already exists');
    const missing = randomUUID();
    expect((await api().get(`/api/agent-groups/${missing}`).expect(404)).body.message).toBe(
      `Agent group ${missing} not found`,
    );
    await api().put(`/api/agent-groups/${missing}`, { name: 'y' }).expect(404);
    await api().delete(`/api/agent-groups/${missing}`).expect(404);
    const malformed = await api().get('/api/agent-groups/not-a-uuid').expect(400);
    expect(malformed.body.message).toMatch(/uuid/);
  });

  it('updates fields, removes a key with null, and moves the default atomically', async () => {
    const ops = (await api().post('/api/agent-groups', { name: 'Ops', apiKey: 'sk-ant-ops-key-1' }).expect(201)).body;
    const updated = await api()
      .put(`/api/agent-groups/${ops.id}`, { name: 'Operations', apiKey: null, budgetMaxTokensDay: 10, isDefault: true })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: 'Operations',
      hasApiKey: false,
      budgetMaxTokensDay: 10,
      isDefault: true,
    });
    const groups = (await api().get('/api/agent-groups').expect(200)).body as { name: string; isDefault: boolean }[];
    expect(groups.filter((g) => g.isDefault).map((g) => g.name)).toEqual(['Operations']);
    const trusting = await api()
      .put(`/api/agent-groups/${ops.id}`, { trustedDestinations: ['API.example.com', '[::1]:8080', 'api.example.com'] })
      .expect(200);
    expect(trusting.body.trustedDestinations).toEqual(['api.example.com', '[::1]:8080']);
    expect((await api().get(`/api/agent-groups/${ops.id}`).expect(200)).body.trustedDestinations).toEqual([
      'api.example.com',
      '[::1]:8080',
    ]);
    const refused = await api().put(`/api/agent-groups/${ops.id}`, { isDefault: false }).expect(409);
    expect(refused.body.message).toMatch(/another group is made the default/);
  });

  it('deletes groups but never the default one', async () => {
    const [defaultGroup] = (await api().get('/api/agent-groups').expect(200)).body;
    expect((await api().delete(`/api/agent-groups/${defaultGroup.id}`).expect(409)).body.message).toMatch(
      /default group cannot be deleted/,
    );
    const temp = (await api().post('/api/agent-groups', { name: 'Temp' }).expect(201)).body;
    await api().delete(`/api/agent-groups/${temp.id}`).expect(204);
    await api().get(`/api/agent-groups/${temp.id}`).expect(404);
  });

  it('assigns a channel to one group at a time; unassigned channels fall back to the default', async () => {
    const service = gw.app.get(GroupsService);
    const a = (await api().post('/api/agent-groups', { name: 'A' }).expect(201)).body;
    const b = (await api().post('/api/agent-groups', { name: 'B' }).expect(201)).body;
    const channel = await newChannel('Team bot');
    const unknown = randomUUID();
    const missing = await api().post(`/api/agent-groups/${a.id}/assign/${unknown}`).expect(404);
    expect(missing.body.message).toBe(`Channel ${unknown} not found`);
    expect((await api().post(`/api/agent-groups/${a.id}/assign/${channel}`).expect(200)).body.channelIds).toEqual([
      channel,
    ]);
    expect((await service.resolveForChannel(channel)).name).toBe('A');
    expect((await api().get(`/api/channels/${channel}`).expect(200)).body.groupId).toBe(a.id);
    await api().post(`/api/agent-groups/${b.id}/assign/${channel}`).expect(200);
    expect((await api().get(`/api/agent-groups/${a.id}`)).body.channelIds).toEqual([]);
    expect((await service.resolveForChannel(channel)).name).toBe('B');

    const notThere = await api().post(`/api/agent-groups/${a.id}/unassign/${channel}`).expect(404);
    expect(notThere.body.message).toBe(`Channel ${channel} is not assigned to this group`);
    expect((await api().post(`/api/agent-groups/${b.id}/unassign/${channel}`).expect(200)).body.channelIds).toEqual([]);
    expect((await service.resolveForChannel(channel)).name).toBe('Default');
    await api().post(`/api/agent-groups/${a.id}/assign/not-a-uuid`).expect(400);
  });
});
