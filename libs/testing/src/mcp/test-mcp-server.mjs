// A real MCP server for the tests, written with the official SDK. Run it as
//   node test-mcp-server.mjs            (stdio: the gateway starts it as a child process)
//   node test-mcp-server.mjs --http 0   (Streamable HTTP on 127.0.0.1, prints "listening <port>")
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

/** A 1×1 PNG. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
/** A 1×1 JPEG: images other than PNG are kept too. */
const JPEG_PIXEL =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=';
const object = (properties = {}) => ({ type: 'object', properties });
/** Tools list in pages of this many, so a client must follow nextCursor. */
const PAGE_SIZE = 3;

const tools = [
  {
    name: 'echo',
    description: 'Repeats the text',
    inputSchema: object({ text: { type: 'string' } }),
    annotations: { readOnlyHint: true },
  },
  { name: 'add_note', description: 'Stores a note', inputSchema: object({ note: { type: 'string' } }) },
  { name: 'fail', description: 'Always fails', inputSchema: object(), annotations: { readOnlyHint: true } },
  {
    name: 'env_names',
    description: 'The names of the environment variables the server has',
    inputSchema: object(),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'picture',
    description: 'An image and a resource',
    inputSchema: object(),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'crash',
    description: 'Exits the server process',
    inputSchema: object(),
    annotations: { readOnlyHint: true },
  },
  {
    name: 'add_tool',
    description: 'Adds the tool "extra"',
    inputSchema: object(),
    annotations: { readOnlyHint: true },
  },
];
const servers = new Set();

const text = (value) => ({ content: [{ type: 'text', text: value }] });

async function call(name, args) {
  switch (name) {
    case 'echo':
      return text(`echo: ${args.text}`);
    case 'add_note':
      return text(`noted: ${args.note}`);
    case 'fail':
      return { content: [{ type: 'text', text: 'the thing broke' }], isError: true };
    case 'env_names':
      return text(Object.keys(process.env).sort().join(','));
    case 'picture':
      return {
        content: [
          { type: 'image', data: PIXEL, mimeType: 'image/png' },
          { type: 'image', data: JPEG_PIXEL, mimeType: 'image/jpeg' },
          { type: 'resource', resource: { uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'resource body' } },
        ],
      };
    case 'crash':
      process.stderr.write('crashing on request\n');
      process.exit(3);
      break;
    case 'add_tool':
      if (!tools.some((tool) => tool.name === 'extra')) {
        tools.push({
          name: 'extra',
          description: 'Added later',
          inputSchema: object(),
          annotations: { readOnlyHint: true },
        });
      }
      for (const server of servers) await server.sendToolListChanged();
      return text('added extra');
    case 'extra':
      return text('extra works');
    default:
      return { content: [{ type: 'text', text: `unknown tool ${name}` }], isError: true };
  }
}

function mcpServer() {
  const server = new Server(
    { name: 'test-mcp-server', version: '1.2.3' },
    { capabilities: { tools: { listChanged: true } } },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const start = Number(request.params?.cursor ?? 0);
    const page = tools.slice(start, start + PAGE_SIZE);
    return { tools: page, ...(start + PAGE_SIZE < tools.length ? { nextCursor: String(start + PAGE_SIZE) } : {}) };
  });
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    call(request.params.name, request.params.arguments ?? {}),
  );
  servers.add(server);
  server.onclose = () => servers.delete(server);
  return server;
}

const httpAt = process.argv.indexOf('--http');
if (httpAt === -1) {
  await mcpServer().connect(new StdioServerTransport());
} else {
  // Stateful Streamable HTTP: one transport and server per session, so list changes reach the client.
  const sessions = new Map();
  const http = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    if (req.headers.authorization !== process.env.MCP_EXPECTED_AUTH) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const id = req.headers['mcp-session-id'];
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (id) {
        res.writeHead(404).end('unknown session');
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => sessions.set(sessionId, transport),
      });
      transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
      await mcpServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  });
  http.listen(Number(process.argv[httpAt + 1] ?? 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${http.address().port}\n`);
  });
}
