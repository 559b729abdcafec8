import request from 'supertest';
import { DataSource } from 'typeorm';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';
import { waitUntil } from './wait.js';

const MISSING_PROGRAM = '/nonexistent/mcp-server';

describe('MCP servers API', () => {
  let gw: TestApp;
  let token: string;
  const auth = (req: request.Test) => req.set('Authorization', `Bearer ${token}`);
  const api = {
    get: (path: string) => auth(request(gw.url).get(path)),
    post: (path: string, body?: unknown) => auth(request(gw.url).post(path)).send(body as object),
    put: (path: string, body: unknown) => auth(request(gw.url).put(path)).send(body as object),
    delete: (path: string) => auth(request(gw.url).delete(path)),
  };

  beforeAll(async () => {
    gw = await startTestApp();
    token = await setupAdmin(gw.url);
  });
  afterAll(() => gw.close());

  it('needs a session on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    await request(gw.url).get('/api/mcp-servers').expect(401);
    await request(gw.url).post('/api/mcp-servers').send({}).expect(401);
    await request(gw.url).get(`/api/mcp-servers/${id}`).expect(401);
    await request(gw.url).put(`/api/mcp-servers/${id}`).send({}).expect(401);
    await request(gw.url).delete(`/api/mcp-servers/${id}`).expect(401);
    await request(gw.url).post(`/api/mcp-servers/${id}/refresh`).expect(401);
  });

  it.each([
    [{ name: 'Bad Name', transport: 'stdio', command: 'x' }, 'name must be 1-30 lowercase letters'],
    [{ name: 'ok', transport: 'pipe', command: 'x' }, 'transport must be "stdio" or "http"'],
    [{ name: 'ok', transport: 'stdio' }, 'command is required for a stdio server'],
    [{ name: 'ok', transport: 'http' }, 'url is required for an http server'],
    [{ name: 'ok', transport: 'http', url: 'ftp://x.example/' }, 'url must be an http:// or https:// URL'],
    [{ name: 'ok', transport: 'stdio', command: 'x', env: { TOKEN: 5 } }, 'env .TOKEN must be a string'],
    [{ name: 'ok', transport: 'stdio', command: 'x', env: { 'BAD-NAME': 'v' } }, 'not a valid environment variable'],
    [
      { name: 'ok', transport: 'http', url: 'https://x.example/', headers: { 'X-A': 'a\r\nb' } },
      'headers .X-A must not contain line breaks',
    ],
  ])('refuses %j with a 400 naming the problem, storing nothing', async (body, message) => {
    const res = await api.post('/api/mcp-servers', body).expect(400);
    expect(String(res.body.message)).toContain(message);
    expect((await api.get('/api/mcp-servers').expect(200)).body).toEqual([]);
  });

  it('stores env sealed, returns only its names, shows a server that fails to start, and keeps env on a partial update', async () => {
    const created = await api
      .post('/api/mcp-servers', {
        name: 'broken',
        transport: 'stdio',
        command: MISSING_PROGRAM,
        env: { API_TOKEN: 'very-secret-token-1' },
      })
      .expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ name: 'broken', envKeys: ['API_TOKEN'], enabled: true });
    expect(JSON.stringify(created.body)).not.toContain('very-secret-token-1');
    const [row] = (await gw.app.get(DataSource).query('SELECT env_sealed FROM mcp_servers')) as {
      env_sealed: string;
    }[];
    expect(row!.env_sealed).toMatch(/^v1:/);
    expect(row!.env_sealed).not.toContain('very-secret');

    const failing = await waitUntil('the server to fail', async () => {
      const body = (await api.get(`/api/mcp-servers/${id}`).expect(200)).body as { state: string; error: string };
      return body.state === 'error' && body;
    });
    expect(failing.error).toContain('ENOENT');

    await api.post('/api/mcp-servers', { name: 'broken', transport: 'stdio', command: 'x' }).expect(409);
    const updated = await api.put(`/api/mcp-servers/${id}`, { enabled: false, args: ['--flag'] }).expect(200);
    expect(updated.body).toMatchObject({ envKeys: ['API_TOKEN'], args: ['--flag'], enabled: false, state: 'stopped' });
    await api.post(`/api/mcp-servers/${id}/refresh`).expect(409);
    const replaced = await api.put(`/api/mcp-servers/${id}`, { env: { OTHER: 'x' } }).expect(200);
    expect(replaced.body.envKeys).toEqual(['OTHER']);
    await api.delete(`/api/mcp-servers/${id}`).expect(204);
    await api.get(`/api/mcp-servers/${id}`).expect(404);
    await api.get('/api/mcp-servers/not-a-uuid').expect(400);
  });

  it("lets a group's skills name a tool of a configured server that is not ready, and no other server's", async () => {
    const { id } = (
      await api
        .post('/api/mcp-servers', { name: 'later', transport: 'stdio', command: MISSING_PROGRAM, enabled: false })
        .expect(201)
    ).body as { id: string };
    expect((await api.get(`/api/mcp-servers/${id}`).expect(200)).body).toMatchObject({ state: 'stopped', tools: [] });
    const group = await api.post('/api/agent-groups', { name: 'mcp-early', skills: ['later__search'] }).expect(201);
    expect(group.body.skills).toEqual(['later__search']);
    const unknown = await api
      .post('/api/agent-groups', { name: 'mcp-unknown', skills: ['nowhere__search'] })
      .expect(400);
    expect(unknown.body.message).toContain('skills: "nowhere__search" is not a skill');
    // The bare prefix names no tool.
    await api.post('/api/agent-groups', { name: 'mcp-bare', skills: ['later__'] }).expect(400);
    await api.delete(`/api/agent-groups/${group.body.id}`).expect(204);
    await api.delete(`/api/mcp-servers/${id}`).expect(204);
    await api.post('/api/agent-groups', { name: 'mcp-gone', skills: ['later__search'] }).expect(400);
  });
});
