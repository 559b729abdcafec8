import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The real MCP server script (official SDK) the tests connect to, over stdio or Streamable HTTP. */
export const TEST_MCP_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'test-mcp-server.mjs');

/** What a gateway needs to start the test server over stdio: `{ command, args }`. */
export function testMcpStdioServer(): { command: string; args: string[] } {
  return { command: process.execPath, args: [TEST_MCP_SERVER] };
}

export interface TestMcpHttpServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The test server over Streamable HTTP in its own process, on 127.0.0.1; requests must carry
 * `Authorization: <authorization>`.
 */
export async function startTestMcpHttpServer(authorization: string, port = 0): Promise<TestMcpHttpServer> {
  const child: ChildProcess = spawn(process.execPath, [TEST_MCP_SERVER, '--http', String(port)], {
    env: { MCP_EXPECTED_AUTH: authorization },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`test MCP server exited (${String(code)})`))),
  ])) as [string];
  const listening = Number(/^listening (\d+)$/.exec(line)?.[1]);
  return {
    port: listening,
    url: `http://127.0.0.1:${listening}/mcp`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
