import { type ChildProcess, fork } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, SandboxFetchRequest, SandboxFetchResponse, ToWorker } from './sandbox-protocol.js';

const here = fileURLToPath(import.meta.url);
/** The worker script beside this file (.js when built, .ts under the tests, run with type stripping). */
const WORKER_SCRIPT = join(dirname(here), `sandbox-worker${extname(here)}`);
/** Extra time the gateway gives a worker over a call's own limit before it kills the process. */
const KILL_GRACE_MS = 1000;

export interface SandboxLimits {
  memoryMb: number;
  timeoutMs: number;
  maxResultBytes: number;
}

/** Runs a skill's `fetch` (the gateway side of the capability): checks and sends it, or throws a reason. */
export type SandboxFetcher = (request: SandboxFetchRequest, signal: AbortSignal) => Promise<SandboxFetchResponse>;

export interface SandboxCall {
  code: string;
  input: unknown;
  limits: SandboxLimits;
  fetch?: SandboxFetcher;
  signal?: AbortSignal;
  /** The run that called the skill (container mode runs it in that run's container); omitted: a try. */
  runId?: string;
}

/** Where a skill's calls run: the sandbox below, or the run's container in container mode. */
export interface SkillCallRunner {
  /** Resolves with the JSON value the handler returned, rejects with a SkillCallError. */
  run(call: SandboxCall): Promise<unknown>;
}

/** The SkillCallRunner the skills use (see skills.module.ts). */
export const SKILL_CALL_RUNNER = Symbol('SKILL_CALL_RUNNER');

/** A skill call that failed in the sandbox; the message is written for the model (and the operator) to read. */
export class SkillCallError extends Error {}

type Job =
  | { kind: 'run'; call: SandboxCall; resolve: (value: unknown) => void; reject: (error: Error) => void }
  | {
      kind: 'check';
      code: string;
      memoryMb: number;
      resolve: (value: unknown) => void;
      reject: (error: Error) => void;
    };

/**
 * A pool of sandbox worker processes (`sandbox-worker.ts`), each running one call at a time in a fresh
 * isolate. Calls queue for a free worker. A worker that does not answer within a call's limit (plus a
 * grace) is killed and replaced; its call fails with a message, other calls and the gateway go on.
 */
export class SkillSandbox implements SkillCallRunner {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly queue: Job[] = [];
  private closed = false;
  private nextId = 0;

  constructor(private readonly size: number) {}

  /** Runs a handler with an input; resolves with the JSON value it returned, rejects with a SkillCallError. */
  run(call: SandboxCall): Promise<unknown> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'run', call, resolve, reject }));
  }

  /** Compiles a handler and runs its top level: rejects with the reason it cannot be a skill. */
  async check(code: string, memoryMb: number): Promise<void> {
    await new Promise((resolve, reject) => this.enqueue({ kind: 'check', code, memoryMb, resolve, reject }));
  }

  /** How many worker processes are alive (for tests and health). */
  get workers(): number {
    return this.all.size;
  }

  /** The worker processes' ids (tests check a killed worker was replaced). */
  get pids(): number[] {
    return [...this.all].map((worker) => worker.child.pid ?? 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new SkillCallError('the gateway is shutting down'));
    await Promise.all([...this.all].map((worker) => worker.kill()));
  }

  private enqueue(job: Job): void {
    if (this.closed) return job.reject(new SkillCallError('the gateway is shutting down'));
    if (job.kind === 'run' && job.call.signal?.aborted) return job.reject(new SkillCallError('the call was cancelled'));
    this.queue.push(job);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.all.size < this.size) worker = this.spawn();
      if (!worker) return;
      const job = this.queue.shift()!;
      void this.runOn(worker, job);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(
      fork(WORKER_SCRIPT, [], {
        // No secrets: the worker gets no environment; --no-node-snapshot is what isolated-vm needs on Node 20+.
        env: {},
        execArgv: ['--no-node-snapshot', '--max-old-space-size=256'],
        serialization: 'json',
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
    this.all.add(worker);
    worker.child.once('exit', () => this.all.delete(worker));
    return worker;
  }

  private async runOn(worker: Worker, job: Job): Promise<void> {
    try {
      const value = await worker.do(job, ++this.nextId);
      job.resolve(value);
    } catch (error) {
      job.reject(error instanceof Error ? error : new SkillCallError(String(error)));
    }
    if (worker.alive && !this.closed) this.idle.push(worker);
    else this.all.delete(worker);
    this.dispatch();
  }
}

/** One worker process and the call it is running. */
class Worker {
  alive = true;
  private readonly exited: Promise<void>;
  /** Messages sent before the worker listens would be lost: it says when it does. */
  private readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.alive = false;
        resolve();
      }),
    );
    this.ready = new Promise((resolve) => {
      const onReady = (message: FromWorker) => {
        if (message.type !== 'ready') return;
        child.off('message', onReady);
        resolve();
      };
      child.on('message', onReady);
    });
    child.on('error', () => (this.alive = false));
  }

  async do(job: Job, id: number): Promise<unknown> {
    await Promise.race([this.ready, this.exited]);
    if (!this.alive) throw new SkillCallError('the sandbox worker could not start');
    const message: ToWorker =
      job.kind === 'run'
        ? {
            type: 'run',
            id,
            code: job.call.code,
            input: JSON.stringify(job.call.input ?? null),
            memoryMb: job.call.limits.memoryMb,
            timeoutMs: job.call.limits.timeoutMs,
            maxResultBytes: job.call.limits.maxResultBytes,
            fetch: job.kind === 'run' && !!job.call.fetch,
          }
        : { type: 'check', id, code: job.code, memoryMb: job.memoryMb };
    const timeoutMs = (job.kind === 'run' ? job.call.limits.timeoutMs : 1000) + KILL_GRACE_MS;
    const signal = job.kind === 'run' ? job.call.signal : undefined;
    const fetches = new AbortController();
    return new Promise<unknown>((resolve, reject) => {
      const finish = (error: Error | null, value?: unknown) => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        fetches.abort();
        if (error) reject(error);
        else resolve(value);
      };
      const onMessage = (reply: FromWorker) => {
        if (reply.type === 'fetch' && reply.id === id && job.kind === 'run' && job.call.fetch) {
          void this.fetch(job.call.fetch, reply.request, fetches.signal).then((answer) =>
            this.post({ type: 'fetched', id, fetchId: reply.fetchId, ...answer }),
          );
          return;
        }
        if (reply.type !== 'result' || reply.id !== id) return;
        if (!reply.ok) return finish(new SkillCallError(reply.error));
        try {
          finish(null, JSON.parse(reply.value));
        } catch {
          finish(new SkillCallError('the skill returned something that is not JSON'));
        }
      };
      const onExit = () => finish(new SkillCallError('the sandbox worker stopped during the call'));
      const onAbort = () => {
        void this.kill();
        finish(new SkillCallError('the call was cancelled'));
      };
      // The worker stops a call at its limit itself; one that does not answer is stuck (or worse): kill it.
      const timer = setTimeout(() => {
        void this.kill();
        finish(
          new SkillCallError(
            `the skill did not finish within its ${timeoutMs - KILL_GRACE_MS} ms limit and was stopped`,
          ),
        );
      }, timeoutMs);
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!this.post(message)) finish(new SkillCallError('the sandbox worker is not running'));
    });
  }

  private async fetch(
    fetcher: SandboxFetcher,
    request: SandboxFetchRequest,
    signal: AbortSignal,
  ): Promise<{ response?: SandboxFetchResponse; error?: string }> {
    try {
      return { response: await fetcher(request, signal) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  private post(message: ToWorker): boolean {
    if (!this.alive || !this.child.connected) return false;
    this.child.send(message);
    return true;
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    this.alive = false;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
