import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { PassThrough, type Duplex } from 'node:stream';
import { createInterface } from 'node:readline';
import type { ContainerSettings } from '../config/app-config.js';

/** Label every agent container carries, so the state page and the tests can find them. */
export const AGENT_LABEL = 'loop-gateway.agent';
const WORK_TMPFS = 'rw,noexec,nosuid,nodev,size=64m,mode=1777';
/** How long a runner may take to say it is ready. */
const READY_TIMEOUT_MS = 30_000;
/** After `end`, how long the runner gets to exit on its own before it is killed. */
const END_GRACE_MS = 5_000;
const MAX_LINE_CHARS = 2 * 1024 * 1024;
const STDERR_TAIL_CHARS = 2_000;
/** After the attach stream closed, how long the exit status may take before the engine counts as gone. */
const STREAM_CLOSE_GRACE_MS = 1_000;

/** A line the runner sends (see agent-runner/runner.js for the protocol). */
export interface RunnerMessage {
  type: string;
  id?: string | null;
  message?: string;
  [field: string]: unknown;
}

/** How a container ended, as operators read it. `failed`: it did not end because the gateway ended it. */
export interface ContainerExit {
  containerId: string;
  description: string;
  failed: boolean;
  statusCode: number | null;
}

/**
 * Makes a call the runner brokers for the code it runs (a skill's `fetch`: the container has no
 * network): resolves with the answer's fields (`response`), or rejects with the sentence the code reads.
 */
export type Broker = (message: RunnerMessage) => Promise<Record<string, unknown>>;

/** The runner protocol this gateway speaks (agent-runner/runner.js says which it speaks in `ready`). */
export const RUNNER_PROTOCOL = 3;

/** The image's runner is older than this gateway: the image must be built again from agent-runner/. */
export class OutdatedRunner extends Error {
  constructor(readonly protocol: number) {
    super(`its runner speaks protocol ${protocol}, this gateway needs ${RUNNER_PROTOCOL}`);
  }
}

/** The container failed the call it served (timeout, OOM, crash, garbled line, engine gone). */
export class ContainerFailure extends Error {}

/**
 * One agent container: started with every isolation flag, attached over the engine's socket, speaking
 * the runner's line-delimited JSON protocol. It serves one call and is never reused: `end` (or a
 * kill) finishes it, and the engine removes it (AutoRemove).
 */
export class AgentContainer {
  readonly id: string;
  /** Aborted (with a ContainerFailure) when the container fails the call it serves. */
  readonly failure: AbortSignal;
  readonly exited: Promise<ContainerExit>;
  languages: string[] = [];
  /** The container has exited. */
  done = false;
  private readonly abort = new AbortController();
  private readonly pending = new Map<
    string,
    { resolve: (m: RunnerMessage) => void; reject: (e: Error) => void; broker?: Broker }
  >();
  private killReason: string | null = null;
  private ending = false;
  private stderrTail = '';
  private resolveExit!: (exit: ContainerExit) => void;
  private readyWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** Lines seen on the protocol, both ways; for the tests' "the key is never in the stream". */
  private readonly observers: ((direction: 'in' | 'out', line: string) => void)[] = [];

  private constructor(
    private readonly container: Docker.Container,
    private readonly stream: Duplex,
    waited: Promise<{ StatusCode?: number }>,
    modem: Docker['modem'],
  ) {
    this.id = container.id;
    this.failure = this.abort.signal;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    modem.demuxStream(stream, stdout, stderr);
    stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    stream.on('error', () => undefined);
    // The stream ends when the container exits, or when the engine goes away: then no exit status
    // comes either, and the call must not wait for one forever.
    let closed = false;
    const onClosed = () => {
      if (closed) return;
      closed = true;
      stdout.end();
      stderr.end();
      setTimeout(() => {
        if (!this.done) this.onExit(null, new Error('the connection to the engine closed'));
      }, STREAM_CLOSE_GRACE_MS).unref();
    };
    stream.on('end', onClosed);
    stream.on('close', onClosed);
    waited.then(
      (result) => this.onExit(typeof result.StatusCode === 'number' ? result.StatusCode : null, null),
      (error: unknown) => this.onExit(null, error),
    );
  }

  /** Creates, attaches and starts a container; resolves once its runner said it is ready. */
  static async start(
    docker: Docker,
    settings: ContainerSettings,
    labels: Record<string, string>,
    observer?: (direction: 'in' | 'out', line: string) => void,
  ): Promise<AgentContainer> {
    const container = await docker.createContainer({
      name: `loop-gateway-agent-${randomUUID().slice(0, 12)}`,
      Image: settings.image,
      Labels: { [AGENT_LABEL]: '1', ...labels },
      // Nothing from the gateway's environment: the image's own variables only.
      Env: [],
      User: '1000:1000',
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: true,
      // When the gateway's connection goes (it stopped, or lost the engine), stdin closes and the runner exits.
      StdinOnce: true,
      Tty: false,
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        Tmpfs: { '/work': WORK_TMPFS },
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: settings.pidsLimit,
        Memory: settings.memoryMb * 1024 * 1024,
        MemorySwap: settings.memoryMb * 1024 * 1024,
        NanoCpus: Math.round(settings.cpus * 1e9),
        Init: true,
        AutoRemove: true,
        Binds: [],
        Privileged: false,
      },
    });
    try {
      const stream = (await container.attach({
        stream: true,
        hijack: true,
        stdin: true,
        stdout: true,
        stderr: true,
      })) as Duplex;
      const waited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode?: number }>;
      const agent = new AgentContainer(container, stream, waited, docker.modem);
      if (observer) agent.observers.push(observer);
      const ready = agent.waitReady();
      await container.start();
      await ready;
      return agent;
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Kills the container after `ms`; the call it serves ends with that reason. */
  limit(ms: number): void {
    this.timer = setTimeout(() => this.kill(`killed after CONTAINER_TIMEOUT_MS (${ms} ms)`), ms);
    this.timer.unref();
  }

  /**
   * Sends a request and waits for the runner's answer with the same id. Meanwhile `broker` makes the
   * calls the runner asks for on this request's behalf (`broker` lines), each answered by a `brokered` line.
   */
  request<T>(message: Record<string, unknown>, signal?: AbortSignal, broker?: Broker): Promise<T> {
    if (this.failure.aborted) return Promise.reject(this.failure.reason as Error);
    if (this.ending) return Promise.reject(new ContainerFailure('The container has ended'));
    const id = randomUUID();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer as unknown as T);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        ...(broker ? { broker } : {}),
      });
      this.send({ ...message, id });
    });
  }

  /** Ends the container: asks the runner to exit, kills it if it does not. */
  async end(): Promise<ContainerExit> {
    if (!this.ending && this.killReason === null) {
      this.ending = true;
      this.send({ type: 'end' });
      this.stream.end();
      const grace = setTimeout(() => this.kill('killed: the runner did not exit when asked'), END_GRACE_MS);
      grace.unref();
      const exit = await this.exited;
      clearTimeout(grace);
      return exit;
    }
    return this.exited;
  }

  /** Kills the container; the call it serves fails with `reason` (unless it was ending anyway). */
  kill(reason: string): void {
    if (this.killReason !== null) return;
    this.killReason = reason;
    if (!this.ending) this.fail(reason);
    this.container.kill().catch(() => undefined);
    // Without the engine, closing the attach stream still ends the runner (stdin closes).
    this.stream.destroy();
  }

  private send(message: Record<string, unknown>): void {
    const line = JSON.stringify(message);
    for (const observe of this.observers) observe('out', line);
    this.stream.write(`${line}\n`);
  }

  private waitReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ContainerFailure(`the runner did not start within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      this.readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private onLine(line: string): void {
    for (const observe of this.observers) observe('in', line);
    let message: RunnerMessage | null = null;
    try {
      const parsed: unknown = line.length <= MAX_LINE_CHARS ? JSON.parse(line) : null;
      if (parsed && typeof parsed === 'object' && typeof (parsed as RunnerMessage).type === 'string') {
        message = parsed as RunnerMessage;
      }
    } catch {
      // handled below
    }
    if (!message) {
      const shown = line.length > 120 ? `${line.slice(0, 120)}…` : line;
      this.kill(`killed: the runner wrote a line that is not the protocol (${JSON.stringify(shown)})`);
      return;
    }
    if (message.type === 'ready') {
      this.languages = Array.isArray(message['languages']) ? (message['languages'] as string[]) : [];
      const protocol = typeof message['protocol'] === 'number' ? message['protocol'] : 0;
      if (protocol < RUNNER_PROTOCOL) {
        // An image built from an older agent-runner/ (before an upgrade of the gateway).
        this.readyWaiter?.reject(new OutdatedRunner(protocol));
        this.kill(`killed: its runner speaks protocol ${protocol}, this gateway needs ${RUNNER_PROTOCOL}`);
        return;
      }
      this.readyWaiter?.resolve();
      return;
    }
    const waiter = typeof message.id === 'string' ? this.pending.get(message.id) : undefined;
    if (!waiter) {
      if (message.type === 'error') return this.kill(`killed: the runner reported an error: ${message.message ?? ''}`);
      return this.kill(`killed: the runner answered a request it was not sent (${message.type})`);
    }
    if (message.type === 'broker') return this.broker(message, waiter.broker);
    this.pending.delete(message.id as string);
    if (message.type === 'error') waiter.reject(new ContainerFailure(`The agent container: ${message.message ?? ''}`));
    else waiter.resolve(message);
  }

  /** Makes a brokered call and answers it; a request without a broker gets a refusal, not a hang. */
  private broker(message: RunnerMessage, broker: Broker | undefined): void {
    const answer = (fields: Record<string, unknown>) => {
      if (!this.done && !this.ending && this.pending.has(message.id as string)) {
        this.send({ type: 'brokered', id: message.id, callId: message['callId'], ...fields });
      }
    };
    if (!broker) return answer({ error: `${String(message['call'])} is not available to this call` });
    broker(message).then(answer, (error: unknown) =>
      answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  }

  private onExit(statusCode: number | null, error: unknown): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    let description: string;
    if (this.killReason !== null) description = this.killReason;
    else if (error) {
      const detail = error instanceof Error ? error.message : String(error);
      description = `lost the Docker engine while the call ran (${detail})`;
    } else if (statusCode === 0) description = 'exit code 0';
    else if (statusCode === 137) description = 'killed by the OOM killer or the engine (exit code 137)';
    else {
      const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      description = `the runner crashed (exit code ${statusCode ?? 'unknown'})${tail ? `: ${tail}` : ''}`;
    }
    if (!this.ending) this.fail(description);
    else this.rejectPending(new ContainerFailure('The agent container has ended'));
    this.readyWaiter?.reject(new ContainerFailure(description));
    this.stream.destroy();
    // Failed: it did not end because the call was over (a kill, a crash, the engine gone).
    this.resolveExit({ containerId: this.id, description, failed: this.failure.aborted, statusCode });
  }

  private fail(reason: string): void {
    if (this.abort.signal.aborted) return;
    const failure = new ContainerFailure(`The agent container ${reason}`);
    this.abort.abort(failure);
    this.rejectPending(failure);
  }

  private rejectPending(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
