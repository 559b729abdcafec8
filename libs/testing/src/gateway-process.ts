import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const GATEWAY_MAIN = join(REPO_ROOT, 'apps/api/dist/main.js');
export const CONSOLE_BUILD = join(REPO_ROOT, 'apps/console/dist/browser');

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface GatewayProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its DATA_DIR unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Runs the built gateway (`node apps/api/dist/main.js`, what `npm start` runs) as a child process on
 * a free loopback port with its own DATA_DIR, and waits until /api/health answers. Only PATH and HOME
 * are inherited, and the working directory defaults to the DATA_DIR, so neither the caller's
 * environment nor a developer's .env changes what is tested.
 */
export async function startGatewayProcess(
  options: {
    env?: Record<string, string | undefined>;
    dataDir?: string;
    cwd?: string;
    timeoutMs?: number;
    /** How often /api/health is tried while the process starts (default 100 ms; the bench times the start). */
    pollMs?: number;
  } = {},
): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run npm run build first`);
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lg-gw-'));
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    cwd: options.cwd ?? dataDir,
    // A variable given as undefined is left out, so the gateway's .env or default applies.
    env: withoutUndefined({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const url = `http://127.0.0.1:${port}`;

  const stop = async ({ keepData = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`gateway exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { url, dataDir, child, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, options.pollMs ?? 100));
  }
  await stop();
  throw new Error(`gateway did not answer /api/health within the timeout:\n${output}`);
}

/** Runs the built gateway expecting it to refuse to start; resolves with its exit code and output. */
export async function runGatewayExpectingExit(env: Record<string, string>, cwd?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lg-gw-'));
  try {
    const child = spawn(process.execPath, [GATEWAY_MAIN], {
      cwd: cwd ?? dataDir,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    clearTimeout(timer);
    return { code, output };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
