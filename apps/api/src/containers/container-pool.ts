import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { AppConfig, type ContainerSettings } from '../config/app-config.js';
import { AGENT_LABEL, AgentContainer, type ContainerExit, OutdatedRunner } from './agent-container.js';

const INSTANCE_LABEL = 'loop-gateway.instance';
/** How long the state checks (ping, image) may take before the engine counts as unreachable. */
const CHECK_TIMEOUT_MS = 3_000;
/** After a warm container failed to start, the pool tries again after this, doubling up to the maximum. */
const REFILL_RETRY_MS = 5_000;
const REFILL_RETRY_MAX_MS = 60_000;

/** Container mode cannot serve a call: the engine is unreachable, the image is missing, … */
export class ContainerModeError extends Error {}

export interface ContainerModeState {
  enabled: boolean;
  dockerHost: string;
  engineReachable: boolean;
  engineVersion: string | null;
  image: string;
  imagePresent: boolean;
  /** What is wrong, in a sentence (null: nothing). */
  problem: string | null;
  maxConcurrent: number;
  timeoutMs: number;
  warmTarget: number;
  warm: number;
  running: number;
  waiting: number;
  runIds: string[];
}

/**
 * The engine client for DOCKER_HOST (dockerode's socket default when empty). dockerode (with its ssh
 * and gRPC dependencies) loads here, on first use: a gateway without container mode never loads it.
 */
export async function dockerClient(dockerHost: string): Promise<Docker> {
  const { default: Docker } = await import('dockerode');
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  if (dockerHost.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return new Docker({ host: url.hostname, port: Number(url.port), protocol: 'http' });
  }
  return new Docker({ socketPath: '/var/run/docker.sock' });
}

/**
 * The agent containers of this gateway: at most MAX_CONCURRENT_CONTAINERS at once (warm ones
 * included), calls beyond that wait in order; CONTAINER_WARM_POOL of them started ahead and waiting
 * for their first message. Each container serves one call (one run's execution) and is never reused.
 * Docker's failures become ContainerModeError sentences; nothing here throws into the gateway.
 */
@Injectable()
export class ContainerPool implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ContainerPool.name);
  private readonly settings: ContainerSettings;
  private client: Promise<Docker> | undefined;
  /** Label value of this gateway's containers (loop-gateway.instance). */
  readonly instance = randomUUID();
  private readonly constructedAt = Date.now();
  /** Containers that exist or are being started, warm or busy: never above maxConcurrent. */
  private slots = 0;
  private warmStarting = 0;
  private readonly warm: AgentContainer[] = [];
  private readonly busy = new Map<string, AgentContainer>();
  private readonly queue: { grant: () => void }[] = [];
  private lastProblem: string | null = null;
  private readonly observers: ((direction: 'in' | 'out', line: string) => void)[] = [];
  private stopped = false;
  /** Warm starts that failed in a row, and the pending retry after them. */
  private refillFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly starting = new Set<Promise<AgentContainer>>();

  constructor(config: AppConfig) {
    this.settings = config.container;
  }

  /** The engine client, made on first use. */
  private docker(): Promise<Docker> {
    this.client ??= dockerClient(this.settings.dockerHost);
    return this.client;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    void this.removeLeftovers();
    this.refill();
  }

  /**
   * Removes agent containers a gateway created but never started: a crash between create and start
   * leaves one behind, and nothing else would remove it (AutoRemove acts on exit only). Only
   * containers created before this pool existed are taken, so another live gateway's container on
   * its way to starting is left alone unless it was created in the moment before this boot.
   */
  private async removeLeftovers(): Promise<void> {
    try {
      const docker = await this.docker();
      const created = await docker.listContainers({
        all: true,
        filters: { label: [`${AGENT_LABEL}=1`], status: ['created'] },
      });
      for (const summary of created) {
        if (summary.Labels[INSTANCE_LABEL] === this.instance) continue;
        const container = docker.getContainer(summary.Id);
        const details = await container.inspect();
        if (Date.parse(details.Created) >= this.constructedAt) continue;
        await container.remove({ force: true });
        this.logger.log(`Container mode: removed ${details.Name.replace(/^\//, '')}, created and never started`);
      }
    } catch (error) {
      this.logger.warn(`Container mode: could not look for containers left unstarted: ${String(error)}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    // Containers being started end as soon as they are (see launch): none is left created on the engine.
    await Promise.allSettled([...this.starting]);
    const all = [...this.warm.splice(0), ...this.busy.values()];
    for (const container of all) container.kill('killed: the gateway is shutting down');
    await Promise.all(all.map((container) => container.exited));
  }

  /**
   * A container for `runId`'s call: a warm one, a new one, or (all slots taken) the next free one.
   * Throws ContainerModeError when Docker cannot provide it; `signal` gives up the wait.
   */
  async acquire(
    runId: string,
    signal: AbortSignal,
  ): Promise<{ container: AgentContainer; waitedMs: number; warm: boolean }> {
    const started = Date.now();
    let container = this.takeWarm();
    const warm = container !== null;
    if (!container) {
      await this.slot(signal);
      try {
        container = await this.startContainer();
      } catch (error) {
        this.freeSlot(false);
        throw this.explain(error);
      }
      if (signal.aborted) {
        container.kill('killed: the call was cancelled before it started');
        throw new Error('aborted');
      }
    }
    // Kept until released, exited or not: the run reads how it ended from it.
    this.busy.set(runId, container);
    container.limit(this.settings.timeoutMs);
    // The warm one taken is replaced (within the limit).
    this.refill();
    return { container, waitedMs: Date.now() - started, warm };
  }

  /** Watches every protocol line of every container started from now on (the tests' key check). */
  observe(observer: (direction: 'in' | 'out', line: string) => void): void {
    this.observers.push(observer);
  }

  /** The container serving `runId`'s call, if any. */
  forRun(runId: string): AgentContainer | null {
    return this.busy.get(runId) ?? null;
  }

  /** Ends `runId`'s container: asked to exit when `killReason` is null, killed otherwise. */
  async release(runId: string, killReason: string | null): Promise<ContainerExit | null> {
    const container = this.busy.get(runId);
    if (!container) return null;
    this.busy.delete(runId);
    if (killReason) container.kill(killReason);
    return container.end();
  }

  async state(): Promise<ContainerModeState> {
    const base = {
      enabled: this.enabled,
      dockerHost: this.settings.dockerHost || 'unix:///var/run/docker.sock',
      image: this.settings.image,
      maxConcurrent: this.settings.maxConcurrent,
      timeoutMs: this.settings.timeoutMs,
      warmTarget: this.settings.warmPool,
      warm: this.warm.length,
      running: [...this.busy.values()].filter((container) => !container.done).length,
      waiting: this.queue.length,
      // Runs only: a skill call outside a run (an operator's try) holds a container under its own key.
      runIds: [...this.busy]
        .filter(([key, container]) => !container.done && !key.startsWith('skill-call:'))
        .map(([runId]) => runId),
    };
    const docker = await this.docker();
    const engine = await withTimeout(docker.version() as Promise<{ Version?: string }>).then(
      (version) => ({ reachable: true, version: version.Version ?? null, problem: null }),
      (error: unknown) => ({ reachable: false, version: null, problem: this.explain(error).message }),
    );
    // With container mode off, an engine or image the gateway does not use is not a problem (the
    // fields still say what an operator would find on turning it on).
    if (!engine.reachable) {
      const problem = this.enabled ? engine.problem : null;
      return { ...base, engineReachable: false, engineVersion: null, imagePresent: false, problem };
    }
    const imagePresent = await withTimeout(docker.getImage(this.settings.image).inspect()).then(
      () => true,
      () => false,
    );
    return {
      ...base,
      engineReachable: true,
      engineVersion: engine.version,
      imagePresent,
      problem: !this.enabled ? null : imagePresent ? this.lastProblem : this.missingImage(),
    };
  }

  private takeWarm(): AgentContainer | null {
    while (this.warm.length > 0) {
      const container = this.warm.shift()!;
      if (!container.failure.aborted) return container;
    }
    return null;
  }

  /** Waits for a free slot and takes it. */
  private slot(signal: AbortSignal): Promise<void> {
    if (this.slots < this.settings.maxConcurrent) {
      this.slots += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      // A slot may be held by a warm container nobody took: it ends, and its slot goes to this call.
      void this.takeWarm()?.end();
    });
  }

  /** A container's slot is free again: the first waiting call gets it, or the warm pool refills. */
  private freeSlot(refill = true): void {
    const next = this.queue.shift();
    if (next) return next.grant();
    this.slots -= 1;
    if (refill) this.refill();
  }

  /** Starts a container; tracked until started, so a shutdown meanwhile ends it instead of leaving it created. */
  private startContainer(): Promise<AgentContainer> {
    const started = this.launch();
    this.starting.add(started);
    void started.finally(() => this.starting.delete(started)).catch(() => undefined);
    return started;
  }

  private async launch(): Promise<AgentContainer> {
    const container = await AgentContainer.start(
      await this.docker(),
      this.settings,
      { [INSTANCE_LABEL]: this.instance },
      (direction, line) => this.observers.forEach((observe) => observe(direction, line)),
    );
    if (this.stopped) {
      container.kill('killed: the gateway is shutting down');
      await container.exited;
      throw new ContainerModeError('Container mode: the gateway is shutting down');
    }
    void container.exited.then(() => this.freeSlot());
    this.lastProblem = null;
    return container;
  }

  /** Starts warm containers up to CONTAINER_WARM_POOL, in free slots only, never ahead of a waiting call. */
  private refill(): void {
    while (
      !this.stopped &&
      this.enabled &&
      this.queue.length === 0 &&
      this.warm.length + this.warmStarting < this.settings.warmPool &&
      this.slots < this.settings.maxConcurrent
    ) {
      this.slots += 1;
      this.warmStarting += 1;
      this.startContainer().then(
        (container) => {
          this.warmStarting -= 1;
          this.refillFailures = 0;
          if (this.stopped) container.kill('killed: the gateway is shutting down');
          else this.warm.push(container);
        },
        (error: unknown) => {
          this.warmStarting -= 1;
          this.lastProblem = this.explain(error).message;
          this.logger.warn(`Container mode: no warm container: ${this.lastProblem}`);
          // No tight loop against a broken engine: the next call tries again, and so does the pool after
          // a pause that doubles with each failure in a row (5 s up to a minute).
          this.freeSlot(false);
          this.retryRefill();
        },
      );
    }
  }

  private retryRefill(): void {
    if (this.retryTimer) return;
    const delay = Math.min(REFILL_RETRY_MAX_MS, REFILL_RETRY_MS * 2 ** this.refillFailures);
    this.refillFailures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.refill();
    }, delay);
    this.retryTimer.unref();
  }

  private missingImage(): string {
    const image = this.settings.image;
    return `Container mode: the image ${image} is missing. Build it with: docker build -t ${image} ./agent-runner`;
  }

  /** Docker's error as a sentence an operator can act on. */
  private explain(error: unknown): ContainerModeError {
    if (error instanceof ContainerModeError) return error;
    if (error instanceof OutdatedRunner) {
      const image = this.settings.image;
      return new ContainerModeError(
        `Container mode: the image ${image} is older than this gateway (${error.message}). Build it again with: docker build -t ${image} ./agent-runner`,
      );
    }
    const failure = error as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
    const host = this.settings.dockerHost || 'unix:///var/run/docker.sock';
    const code =
      failure.code ??
      /\b(ENOENT|ECONNREFUSED|EACCES|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\b/.exec(failure.message ?? '')?.[1];
    if (code && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) {
      return new ContainerModeError(
        `Container mode: the Docker engine is not reachable at ${host} (${code}). Start Docker or set DOCKER_HOST.`,
      );
    }
    if (failure.message === 'timeout') {
      return new ContainerModeError(`Container mode: the Docker engine at ${host} did not answer in time.`);
    }
    const message = failure.json?.message ?? failure.message ?? String(error);
    if (failure.statusCode === 404 && /no such image/i.test(message))
      return new ContainerModeError(this.missingImage());
    return new ContainerModeError(`Container mode: Docker could not start the agent container: ${message}`);
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timeout'))), CHECK_TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
