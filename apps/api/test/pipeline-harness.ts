import type { DestinationStream } from 'pino';
import request from 'supertest';
import type { LocalClaude } from '@loop-gateway/testing';
import type { Clock } from '../src/common/clock.js';
import { ADMIN, type ProviderOverride, setupAdmin, startTestApp } from './test-app.js';
import { waitUntil } from './wait.js';

export const FINAL_STATUSES = ['completed', 'failed', 'refused', 'cancelled'];

export interface RunBody {
  id: string;
  status: string;
  reply: string | null;
  error: string | null;
  conversationId: string;
  inputTokens: number;
  outputTokens: number;
  iterations: number;
  toolCalls: {
    id: string;
    name: string;
    status: string;
    output: string;
    isError: boolean;
    toolVersion: string | null;
  }[];
  modelCalls: { status: string; inputTokens: number; outputTokens: number; error: string | null }[];
  messages: { role: string; content: { type: string }[] }[];
}

export interface GatewayOptions {
  /** An existing data folder: the gateway restarts on it and logs in instead of setting up. */
  dataDir?: string;
  clock?: Clock;
  /** Where the log goes (to read what was logged). */
  logStream?: DestinationStream;
  /** Providers replaced before boot (e.g. an adapter factory driven by the test). */
  providers?: ProviderOverride[];
}

/**
 * The gateway in-process against a local Claude, with an admin session and helpers to start runs and
 * wait for them.
 */
export async function startGateway(
  claude: LocalClaude,
  env: Record<string, string> = {},
  options: GatewayOptions = {},
) {
  const { dataDir } = options;
  const gw = await startTestApp(
    { ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_API_KEY: 'global-test-key', MODEL_MAX_RETRIES: '0', ...env },
    options,
  );
  const token = await (dataDir ? login(gw.url) : setupAdmin(gw.url));
  const auth = { Authorization: `Bearer ${token}` };
  /** Polls the run until its status is one of `statuses` (default: finished). */
  const waitForRun = async (runId: string, timeoutMs = 15_000, statuses = FINAL_STATUSES): Promise<RunBody> => {
    let run: RunBody | undefined;
    return waitUntil(
      () => `run ${runId} (still ${run?.status})`,
      async () => {
        run = (await request(gw.url).get(`/api/runs/${runId}`).set(auth).expect(200)).body as RunBody;
        return statuses.includes(run.status) && run;
      },
      timeoutMs,
    );
  };
  const submit = async (body: object) =>
    (await request(gw.url).post('/api/runs').set(auth).send(body).expect(202)).body;
  return { gw, token, auth, waitForRun, submit };
}

async function login(url: string): Promise<string> {
  const res = await request(url).post('/api/auth/login').send(ADMIN);
  return res.body.token as string;
}

/** A scheduled job's firings (newest first), once there are `count` and none is still running. */
export async function waitForFirings<T extends { status: string }>(
  gateway: { gw: { url: string }; auth: Record<string, string> },
  jobId: string,
  count: number,
  timeoutMs = 15_000,
): Promise<T[]> {
  let runs: T[] = [];
  return waitUntil(
    () => `${count} firings of job ${jobId}: ${JSON.stringify(runs)}`,
    async () => {
      runs = (await request(gateway.gw.url).get(`/api/scheduler/jobs/${jobId}/runs`).set(gateway.auth).expect(200))
        .body as T[];
      return runs.length >= count && runs.every((r) => r.status !== 'running') && runs;
    },
    timeoutMs,
  );
}
