import type { DestinationStream } from 'pino';
import request from 'supertest';
import { LocalClaude, startTestMcpHttpServer, testMcpStdioServer } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';
import { waitUntil } from './wait.js';

const SECRET = 'mcp-env-secret-5f1c9a';

interface McpServerBody {
  id: string;
  state: string;
  error: string | null;
  envKeys: string[];
  headerNames: string[];
  tools: { name: string; readOnly: boolean }[];
}

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** Polls the server until `ready(body)`. */
function waitForServer(
  { gw, auth }: Gateway,
  id: string,
  ready: (body: McpServerBody) => boolean,
  timeoutMs = 15_000,
): Promise<McpServerBody> {
  let last: McpServerBody | undefined;
  return waitUntil(
    () => `MCP server ${id} (last: ${JSON.stringify(last && { state: last.state, error: last.error })})`,
    async () => {
      last = (await request(gw.url).get(`/api/mcp-servers/${id}`).set(auth).expect(200)).body as McpServerBody;
      return ready(last) && last;
    },
    timeoutMs,
  );
}

/** Adds the test MCP server (stdio) as `tests`, and waits until it is ready. */
async function addTestServer(gateway: Gateway): Promise<string> {
  const { id } = (
    await request(gateway.gw.url)
      .post('/api/mcp-servers')
      .set(gateway.auth)
      .send({ name: 'tests', transport: 'stdio', ...testMcpStdioServer() })
      .expect(201)
  ).body as McpServerBody;
  await waitForServer(gateway, id, (body) => body.state === 'ready');
  return id;
}

describe('MCP servers as tool providers, through the local Claude', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start({ toolCommands: true });
  });
  afterAll(() => claude.stop());
  beforeEach(() => claude.reset());

  it('a stdio server: every page of tools registered, called by the agent, env secret write-only and never logged', async () => {
    const lines: string[] = [];
    const logStream = { write: (line: string) => void lines.push(line) } as DestinationStream;
    const gateway = await startGateway(claude, { LOG_LEVEL: 'debug' }, { logStream });
    const { gw, auth, submit, waitForRun } = gateway;
    try {
      const created = await request(gw.url)
        .post('/api/mcp-servers')
        .set(auth)
        .send({ name: 'tests', transport: 'stdio', ...testMcpStdioServer(), env: { MCP_SECRET: SECRET } })
        .expect(201);
      const ready = await waitForServer(gateway, created.body.id as string, (body) => body.state === 'ready');
      expect(ready.envKeys).toEqual(['MCP_SECRET']);
      // Seven tools in pages of three: all pages were read.
      expect(ready.tools.map((tool) => tool.name).sort()).toEqual(
        ['add_note', 'add_tool', 'crash', 'echo', 'env_names', 'fail', 'picture'].map((name) => `tests__${name}`),
      );
      expect(ready.tools.find((tool) => tool.name === 'tests__add_note')!.readOnly).toBe(false);

      const echo = await waitForRun((await submit({ message: '/tool tests__echo {"text":"hello mcp"}' })).runId);
      expect(echo.status).toBe('completed');
      expect(echo.toolCalls[0]).toMatchObject({ name: 'tests__echo', isError: false });
      expect(echo.toolCalls[0]!.output).toContain('<untrusted_data>');
      expect(echo.reply).toContain('echo: hello mcp');
      expect(claude.requests[0]!.body.tools!.find((tool) => tool.name === 'tests__echo')).toMatchObject({
        description: 'Repeats the text',
        input_schema: { type: 'object', properties: { text: { type: 'string' } } },
      });

      // The process has only the environment given.
      const env = await waitForRun((await submit({ message: '/tool tests__env_names {}' })).runId);
      expect(env.reply).toContain('MCP_SECRET');
      expect(env.reply).not.toContain('PATH');

      const failed = await waitForRun((await submit({ message: '/tool tests__fail {}' })).runId);
      expect(failed.toolCalls[0]).toMatchObject({ name: 'tests__fail', isError: true });
      expect(failed.toolCalls[0]!.output).toContain('the thing broke');

      const picture = await waitForRun((await submit({ message: '/tool tests__picture {}' })).runId);
      const pictureOutput = picture.toolCalls[0]!.output;
      expect(pictureOutput).toContain('Resource file:///notes.txt:\nresource body');
      const [png, jpeg] = [...pictureOutput.matchAll(/saved as ([0-9a-f-]{36})/g)].map((match) => match[1]!);
      const pngFile = await request(gw.url).get(`/api/tools/screenshots/${png}`).set(auth).expect(200);
      expect(pngFile.headers['content-type']).toBe('image/png');
      // A JPEG is stored as it came, and served with its own type.
      const jpegFile = await request(gw.url).get(`/api/tools/screenshots/${jpeg}`).set(auth).expect(200);
      expect(jpegFile.headers['content-type']).toBe('image/jpeg');
      expect((jpegFile.body as Buffer).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));

      const listed = (await request(gw.url).get('/api/mcp-servers').set(auth).expect(200)).text;
      expect(listed).not.toContain(SECRET);
      expect(lines.join('')).not.toContain(SECRET);
    } finally {
      await gw.close();
    }
  });

  it('picks up a tools/list_changed notification and recovers a server that crashed', async () => {
    const gateway = await startGateway(claude);
    const { gw, submit, waitForRun } = gateway;
    try {
      const id = await addTestServer(gateway);
      await waitForRun((await submit({ message: '/tool tests__add_tool {}' })).runId);
      await waitForServer(gateway, id, (body) => body.tools.some((tool) => tool.name === 'tests__extra'));
      const extra = await waitForRun((await submit({ message: '/tool tests__extra {}' })).runId);
      expect(extra.reply).toContain('extra works');

      const crash = await waitForRun((await submit({ message: '/tool tests__crash {}' })).runId);
      expect(crash.toolCalls[0]).toMatchObject({ name: 'tests__crash', isError: true });
      // Back after the crash, with a new process (the list change was in the old one's memory).
      const back = await waitForServer(gateway, id, (body) => body.state === 'ready');
      expect(back.tools.some((tool) => tool.name === 'tests__extra')).toBe(false);
      const echo = await waitForRun((await submit({ message: '/tool tests__echo {"text":"again"}' })).runId);
      expect(echo.reply).toContain('echo: again');
    } finally {
      await gw.close();
    }
  });

  it('a call to a tool the server does not mark read-only waits for approval', async () => {
    const gateway = await startGateway(claude);
    const { gw, auth, submit, waitForRun } = gateway;
    try {
      await addTestServer(gateway);
      const { runId } = await submit({ message: '/tool tests__add_note {"note":"buy milk"}' });
      await waitForRun(runId, 15_000, ['waiting']);
      const approvals = (await request(gw.url).get(`/api/approvals/run/${runId}`).set(auth).expect(200)).body as {
        id: string;
        toolName: string;
      }[];
      expect(approvals).toEqual([expect.objectContaining({ toolName: 'tests__add_note' })]);
      await request(gw.url).post(`/api/approvals/${approvals[0]!.id}/approve`).set(auth).send({}).expect(200);
      const run = await waitForRun(runId);
      expect(run.reply).toContain('noted: buy milk');
    } finally {
      await gw.close();
    }
  });

  it('a Streamable HTTP server: refused on loopback unless allow-listed, then called with its secret header', async () => {
    const authorization = 'Bearer http-header-secret-77';
    const server = await startTestMcpHttpServer(authorization);
    const gateway = await startGateway(claude, { TOOL_ALLOWED_HOSTS: `127.0.0.1:${server.port}` });
    const guarded = await startGateway(claude);
    try {
      const refused = (
        await request(guarded.gw.url)
          .post('/api/mcp-servers')
          .set(guarded.auth)
          .send({ name: 'remote', transport: 'http', url: server.url, headers: { Authorization: authorization } })
          .expect(201)
      ).body as McpServerBody;
      const error = await waitForServer(guarded, refused.id, (body) => body.state === 'error');
      expect(error.error).toMatch(/Refused to connect to 127\.0\.0\.1/);

      const { gw, auth, submit, waitForRun } = gateway;
      const created = (
        await request(gw.url)
          .post('/api/mcp-servers')
          .set(auth)
          .send({ name: 'remote', transport: 'http', url: server.url, headers: { Authorization: authorization } })
          .expect(201)
      ).body as McpServerBody;
      expect(created.headerNames).toEqual(['Authorization']);
      expect(JSON.stringify(created)).not.toContain('http-header-secret');
      await waitForServer(gateway, created.id, (body) => body.state === 'ready');
      const echo = await waitForRun((await submit({ message: '/tool remote__echo {"text":"over http"}' })).runId);
      expect(echo.reply).toContain('echo: over http');
      await waitForRun((await submit({ message: '/tool remote__add_tool {}' })).runId);
      await waitForServer(gateway, created.id, (body) => body.tools.some((tool) => tool.name === 'remote__extra'));

      await request(gw.url).delete(`/api/mcp-servers/${created.id}`).set(auth).expect(204);
      const tools = (await request(gw.url).get('/api/tools').set(auth).expect(200)).body as { name: string }[];
      expect(tools.some((tool) => tool.name.startsWith('remote__'))).toBe(false);
    } finally {
      await gateway.gw.close();
      await guarded.gw.close();
      await server.stop();
    }
  });

  it('notices an HTTP server that went away without a call (ping), shows it as error, and reconnects when it is back', async () => {
    const authorization = 'Bearer ping-test';
    let server = await startTestMcpHttpServer(authorization);
    const gateway = await startGateway(claude, {
      TOOL_ALLOWED_HOSTS: `127.0.0.1:${server.port}`,
      MCP_PING_SECONDS: '1',
    });
    const { gw, auth } = gateway;
    try {
      const { id } = (
        await request(gw.url)
          .post('/api/mcp-servers')
          .set(auth)
          .send({ name: 'remote', transport: 'http', url: server.url, headers: { Authorization: authorization } })
          .expect(201)
      ).body as McpServerBody;
      await waitForServer(gateway, id, (body) => body.state === 'ready');
      // /api/skills says where the tool comes from.
      const skills = (await request(gw.url).get('/api/skills').set(auth).expect(200)).body as {
        name: string;
        source: string;
        server: string | null;
      }[];
      expect(skills.find((skill) => skill.name === 'remote__echo')).toMatchObject({ source: 'mcp', server: 'remote' });
      expect(skills.find((skill) => skill.name === 'load_skill')).toMatchObject({ source: 'builtin', server: null });

      const port = server.port;
      await server.stop();
      // No run calls it: the ping finds out, and its tools go.
      const down = await waitForServer(gateway, id, (body) => body.state === 'error');
      expect(down.tools).toEqual([]);
      expect(down.error).toBeTruthy();
      const runs = (await request(gw.url).get('/api/runs').set(auth).expect(200)).body as unknown[];
      expect(runs).toEqual([]);

      server = await startTestMcpHttpServer(authorization, port);
      const back = await waitForServer(gateway, id, (body) => body.state === 'ready', 30_000);
      expect(back.tools.some((tool) => tool.name === 'remote__echo')).toBe(true);
    } finally {
      await gw.close();
      await server.stop();
    }
  });
});
