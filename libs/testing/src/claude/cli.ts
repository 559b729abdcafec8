// `npm run mock:claude`: runs LocalClaude standalone so the gateway can be tried without Claude.
//   MOCK_CLAUDE_PORT (default 4010), MOCK_CLAUDE_HOST (default 127.0.0.1), MOCK_CLAUDE_LATENCY_MS (default 0),
//   MOCK_CLAUDE_API_KEYS (optional, comma-separated allow-list), MOCK_CLAUDE_CONTEXT_WINDOW (tokens; optional:
//   longer prompts get 400 "prompt is too long").
// It echoes the last user message; `/tool <name> <json>` in a user message answers with that tool call.
import { LocalClaude } from './local-claude.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const apiKeys = process.env.MOCK_CLAUDE_API_KEYS?.split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  const claude = await LocalClaude.start({
    port: intFromEnv('MOCK_CLAUDE_PORT', 4010),
    host: process.env.MOCK_CLAUDE_HOST || '127.0.0.1',
    latencyMs: intFromEnv('MOCK_CLAUDE_LATENCY_MS', 0),
    contextWindowTokens: intFromEnv('MOCK_CLAUDE_CONTEXT_WINDOW', 0) || undefined,
    apiKeys: apiKeys?.length ? apiKeys : undefined,
    toolCommands: true,
    log: (line) => console.log(line),
  });
  const key = apiKeys?.[0] ?? 'local';
  console.log(`Local Claude (Anthropic Messages API) listening on ${claude.url}`);
  console.log(`Point the gateway at it:  ANTHROPIC_BASE_URL=${claude.url} ANTHROPIC_API_KEY=${key}`);
  console.log('It echoes the last user message; "/tool <name> <json>" answers with that tool call. Ctrl+C stops.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    claude.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
