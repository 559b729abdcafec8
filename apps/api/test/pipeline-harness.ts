import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { type GatewayProcess, LocalClaude, startGatewayProcess } from '@loop-gateway/testing';
import type { Clock } from '../src/common/clock.js';
import { ADMIN, type ProviderOverride, setupAdmin, startTestApp } from './test-app.js';
import { waitUntil } from './wait.js';
import { RecordingSocket } from './ws-client.js';

export const FINAL_STATUSES = ['completed', 'failed', 'refused', 'cancelled'];
export const WAITING = ['waiting'];

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
  return { gw, token, ...runHelpers(gw.url, token) };
}

/** An approval as GET /api/approvals/run/:runId lists it (the fields tests read). */
export interface ApprovalBody {
  id: string;
  status: string;
  toolName: string;
  input: unknown;
  reason: string;
}

/**
 * What every pipeline test does with a gateway at `url` (in-process or a child process): start runs,
 * wait for them, find what a run holds for approval, and listen to the events on a signed-in socket.
 */
function runHelpers(url: string, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  /** Polls the run until its status is one of `statuses` (default: finished). */
  const waitForRun = async (runId: string, timeoutMs = 15_000, statuses = FINAL_STATUSES): Promise<RunBody> => {
    let run: RunBody | undefined;
    return waitUntil(
      () => `run ${runId} (still ${run?.status})`,
      async () => {
        run = (await request(url).get(`/api/runs/${runId}`).set(auth).expect(200)).body as RunBody;
        return statuses.includes(run.status) && run;
      },
      timeoutMs,
    );
  };
  const submit = async (body: object) => (await request(url).post('/api/runs').set(auth).send(body).expect(202)).body;
  /** A run's approvals, oldest first. */
  const approvalsOf = async (runId: string): Promise<ApprovalBody[]> =>
    (await request(url).get(`/api/approvals/run/${runId}`).set(auth).expect(200)).body as ApprovalBody[];
  /** The one call a run holds for approval, once the run waits for it. */
  const heldApproval = async (runId: string): Promise<ApprovalBody> => {
    await waitForRun(runId, 15_000, WAITING);
    const approvals = await approvalsOf(runId);
    if (approvals.length !== 1) throw new Error(`run ${runId} holds ${approvals.length} approvals, not one`);
    return approvals[0]!;
  };
  /** A WebSocket signed in as the admin, recording every event from then on. */
  const signedInSocket = async (): Promise<RecordingSocket> => {
    const socket = new RecordingSocket(url.replace('http', 'ws') + '/ws');
    await socket.opened();
    socket.send({ type: 'auth', token });
    await socket.waitFor((m) => m.type === 'ready');
    return socket;
  };
  return { auth, waitForRun, submit, approvalsOf, heldApproval, signedInSocket };
}

/** One local Claude for a describe block: started before, stopped after, reset (and quick) before each test. */
export function useLocalClaude(options?: Parameters<typeof LocalClaude.start>[0]): () => LocalClaude {
  let claude: LocalClaude | undefined;
  beforeAll(async () => {
    claude = await LocalClaude.start(options);
  });
  afterAll(async () => {
    await claude?.stop();
  });
  beforeEach(() => {
    claude!.reset();
    claude!.latencyMs = 0;
  });
  return () => claude!;
}

/** A fresh folder for each test of a describe block, removed after it. */
export function useScratchDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(dir!, { recursive: true, force: true }));
  return () => dir!;
}

/**
 * The built gateway as a child process on a data folder of the test's, so it can be killed with
 * SIGKILL (`kill`) and started again on the same data (`first: false` logs in instead of setting up).
 * `env` adds to the gateway's environment (e.g. NODE_OPTIONS for `pauseAt`).
 */
export async function startGatewayProcessOn(
  claude: LocalClaude,
  dataDir: string,
  first: boolean,
  env: Record<string, string> = {},
) {
  const gw = await startGatewayProcess({
    dataDir,
    env: { ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_API_KEY: 'global-test-key', MODEL_MAX_RETRIES: '0', ...env },
  });
  const token = await (first ? setupAdmin(gw.url) : login(gw.url));
  /** kill -9: no shutdown hook runs. */
  const kill = async (): Promise<void> => {
    const exited = new Promise((resolve) => gw.child.once('exit', resolve));
    gw.child.kill('SIGKILL');
    await exited;
  };
  return { gw: gw as GatewayProcess, token, kill, ...runHelpers(gw.url, token) };
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
