import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LoopSlices } from '../common/loop-slices.js';
import { AppConfig } from '../config/app-config.js';
import { AgentRunner, type StartedRun } from './agent-runner.js';

interface QueuedRun {
  runId: string;
  conversationId: string;
  /** Stored as started with its request (see `claim`). */
  started?: StartedRun;
}

/**
 * A running run's hold on a work slot. While the run only waits on I/O (the model's answer) it lets
 * the slot go, so another run can work meanwhile, and takes one back before it goes on.
 */
export interface RunSlot {
  /** Runs `wait` without holding the slot; resolves once the slot is held again. */
  whileWaiting<T>(wait: () => Promise<T>): Promise<T>;
}

/**
 * Bounded run queue. Two bounds: RUN_CONCURRENCY runs *working* at a time (storing steps, preparing
 * prompts, running tools: what costs the gateway CPU and memory), and RUN_QUEUE_LIMIT runs accepted
 * and not yet ended (waiting for a slot, working, or waiting on the model). A run waiting on the
 * model holds no slot, so thousands of conversations can wait on Claude at once while only a few
 * runs compete for the event loop. A run whose answer has come takes a slot back before any new run
 * starts, so runs in flight finish first.
 * One run at a time per conversation (its history is a sequence). A waiting run (for an approval)
 * frees its slot but keeps its conversation held, so later runs of that conversation wait until it
 * has resumed and finished. The queue lives in memory; the runs themselves are stored first, so on
 * restart unfinished ones are queued again.
 */
@Injectable()
export class RunQueue implements OnModuleDestroy {
  private readonly logger = new Logger(RunQueue.name);
  private readonly waiting: QueuedRun[] = [];
  private readonly waitingIds = new Set<string>();
  private readonly active = new Map<string, Promise<void>>();
  /** Each active run's own abort, for a cancel. */
  private readonly controllers = new Map<string, AbortController>();
  private readonly busyConversations = new Set<string>();
  /** Conversations whose run is waiting (for an approval), with that run's id. */
  private readonly heldConversations = new Map<string, string>();
  /** Runs told to resume while they were still on their way to pausing. */
  private readonly resumeRequested = new Set<string>();
  private readonly shutdown = new AbortController();
  /** Runs holding a work slot (claimed ones too). */
  private working = 0;
  /** Slots claimed for runs being stored as started (see `claim`). */
  private claimed = 0;
  /** Runs whose model answered, waiting to take a slot back (ahead of new runs). */
  private readonly returning: (() => void)[] = [];

  constructor(
    private readonly runner: AgentRunner,
    private readonly config: AppConfig,
    private readonly slices: LoopSlices,
  ) {}

  /** Whether a new run would be refused: RUN_QUEUE_LIMIT runs are accepted and not yet ended. */
  get full(): boolean {
    return this.waiting.length + this.active.size + this.claimed >= this.config.runQueueLimit;
  }

  /**
   * Takes a work slot and the conversation for a new run that can start at once (a slot is free and
   * nothing waits before it), so it can be stored as started with its request. The claim ends with
   * `startClaimed` once it is stored, or `unclaim` when it is not. False when it must queue.
   */
  claim(conversationId: string): boolean {
    if (this.shutdown.signal.aborted || this.working >= this.config.runConcurrency || this.full) return false;
    if (this.waiting.length > 0 || this.returning.length > 0) return false;
    if (this.busyConversations.has(conversationId) || this.heldConversations.has(conversationId)) return false;
    this.claimed++;
    this.working++;
    this.busyConversations.add(conversationId);
    return true;
  }

  /** A claimed run is stored as started: it works in the claimed slot (after a restart, it resumes). */
  startClaimed(started: StartedRun): void {
    const { id: runId, conversationId } = started.run;
    this.claimed--;
    if (this.shutdown.signal.aborted) {
      this.busyConversations.delete(conversationId);
      this.working--;
      return;
    }
    this.start({ runId, conversationId, started }, true);
  }

  /** A claimed run was not stored as started: its slot and conversation are free again. */
  unclaim(conversationId: string): void {
    this.claimed--;
    this.busyConversations.delete(conversationId);
    this.releaseSlot();
  }

  /** False when the queue is full. A run already waiting or running is not queued twice. */
  enqueue(runId: string, conversationId: string): boolean {
    if (this.has(runId)) return true;
    if (this.full) return false;
    this.waiting.push({ runId, conversationId });
    this.waitingIds.add(runId);
    this.pump();
    return true;
  }

  /** Puts a paused run back to work, ahead of its conversation's other runs and regardless of the limit. */
  resume(runId: string, conversationId: string): void {
    if (this.active.has(runId)) {
      this.resumeRequested.add(runId);
      return;
    }
    if (this.heldConversations.get(conversationId) === runId) this.heldConversations.delete(conversationId);
    if (!this.has(runId)) {
      this.waiting.unshift({ runId, conversationId });
      this.waitingIds.add(runId);
    }
    this.pump();
  }

  /**
   * Takes a cancelled run out: off the waiting line, its conversation no longer held, and, if it is
   * running, its model stream and tool call aborted. Its status is already stored as cancelled.
   */
  cancel(runId: string, conversationId: string): void {
    const index = this.waiting.findIndex((run) => run.runId === runId);
    if (index !== -1) this.waiting.splice(index, 1);
    this.waitingIds.delete(runId);
    this.resumeRequested.delete(runId);
    if (this.heldConversations.get(conversationId) === runId) this.heldConversations.delete(conversationId);
    this.controllers.get(runId)?.abort();
    this.pump();
  }

  /** 1 for the next run to start, 2 for the one after…; null when the run is not waiting in line. */
  position(runId: string): number | null {
    const index = this.waiting.findIndex((run) => run.runId === runId);
    return index === -1 ? null : index + 1;
  }

  get depth(): number {
    return this.waiting.length;
  }

  /** Runs started and not yet ended (working or waiting on the model). */
  get inFlight(): number {
    return this.active.size;
  }

  /** Resolves when nothing is running or waiting (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  async onModuleDestroy(): Promise<void> {
    this.waiting.length = 0;
    this.waitingIds.clear();
    this.shutdown.abort();
    await this.idle();
  }

  private has(runId: string): boolean {
    return this.active.has(runId) || this.waitingIds.has(runId);
  }

  private pump(): void {
    while (this.working < this.config.runConcurrency) {
      const index = this.waiting.findIndex(
        (run) => !this.busyConversations.has(run.conversationId) && !this.heldConversations.has(run.conversationId),
      );
      if (index === -1) return;
      const [next] = this.waiting.splice(index, 1);
      this.waitingIds.delete(next!.runId);
      this.start(next!);
    }
  }

  /** `claimed`: the run already holds its slot (see `claim`). */
  private start(run: QueuedRun, claimed = false): void {
    this.busyConversations.add(run.conversationId);
    // Aborted by a cancel of this run, or by the shutdown (then the run resumes at the next start).
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.shutdown.signal.addEventListener('abort', abort, { once: true });
    this.controllers.set(run.runId, controller);
    if (!claimed) this.working++;
    let holding = true;
    const slot: RunSlot = {
      whileWaiting: async (wait) => {
        holding = false;
        this.releaseSlot();
        try {
          return await wait();
        } finally {
          await this.takeSlotBack();
          holding = true;
        }
      },
    };
    // Its work takes turns with the rest of the event loop's (see LoopSlices).
    const work = this.slices
      .turn()
      .then(() => this.runner.execute(run.runId, controller.signal, slot, run.started))
      .then((outcome) => {
        if (outcome !== 'paused' || controller.signal.aborted) return; // aborted: cancelled as it paused
        if (this.resumeRequested.delete(run.runId)) {
          this.waiting.unshift({ runId: run.runId, conversationId: run.conversationId });
          this.waitingIds.add(run.runId);
        } else this.heldConversations.set(run.conversationId, run.runId);
      })
      .catch((error: unknown) => this.logger.error({ err: error, runId: run.runId }, 'Run could not be recorded'))
      .finally(() => {
        this.shutdown.signal.removeEventListener('abort', abort);
        this.controllers.delete(run.runId);
        this.active.delete(run.runId);
        // A resume asked for while the run went on to end (not pause) has nothing left to wake.
        this.resumeRequested.delete(run.runId);
        this.busyConversations.delete(run.conversationId);
        if (holding) this.releaseSlot();
      });
    this.active.set(run.runId, work);
  }

  /** A slot is free: a run whose answer has come gets it first, else the next queued run starts. */
  private releaseSlot(): void {
    this.working--;
    const next = this.returning.shift();
    if (next) {
      this.working++;
      next();
    } else if (!this.shutdown.signal.aborted) this.pump();
  }

  private async takeSlotBack(): Promise<void> {
    if (this.working < this.config.runConcurrency && this.returning.length === 0) this.working++;
    else await new Promise<void>((resolve) => this.returning.push(resolve));
    await this.slices.turn();
  }
}
