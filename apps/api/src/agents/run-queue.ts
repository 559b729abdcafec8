import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AgentRunner } from './agent-runner.js';

interface QueuedRun {
  runId: string;
  conversationId: string;
}

/**
 * Bounded run queue: RUN_CONCURRENCY runs at a time, RUN_QUEUE_LIMIT waiting, and one run at a time
 * per conversation (its history is a sequence). A waiting run (for an approval) frees its slot but keeps
 * its conversation held, so later runs of that conversation wait until it has resumed and finished.
 * The queue lives in memory; the runs themselves are stored first, so on restart unfinished ones are
 * queued again.
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

  constructor(
    private readonly runner: AgentRunner,
    private readonly config: AppConfig,
  ) {}

  /** False when the queue is full. A run already waiting or running is not queued twice. */
  enqueue(runId: string, conversationId: string): boolean {
    if (this.has(runId)) return true;
    if (this.waiting.length >= this.config.runQueueLimit) return false;
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
    while (this.active.size < this.config.runConcurrency) {
      const index = this.waiting.findIndex(
        (run) => !this.busyConversations.has(run.conversationId) && !this.heldConversations.has(run.conversationId),
      );
      if (index === -1) return;
      const [next] = this.waiting.splice(index, 1);
      this.waitingIds.delete(next!.runId);
      this.start(next!);
    }
  }

  private start(run: QueuedRun): void {
    this.busyConversations.add(run.conversationId);
    // Aborted by a cancel of this run, or by the shutdown (then the run resumes at the next start).
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.shutdown.signal.addEventListener('abort', abort, { once: true });
    this.controllers.set(run.runId, controller);
    const work = this.runner
      .execute(run.runId, controller.signal)
      .then((outcome) => {
        if (outcome !== 'paused' || controller.signal.aborted) return; // aborted: cancelled as it paused
        if (this.resumeRequested.delete(run.runId)) {
          this.waiting.unshift(run);
          this.waitingIds.add(run.runId);
        } else this.heldConversations.set(run.conversationId, run.runId);
      })
      .catch((error: unknown) => this.logger.error({ err: error, runId: run.runId }, 'Run could not be recorded'))
      .finally(() => {
        this.shutdown.signal.removeEventListener('abort', abort);
        this.controllers.delete(run.runId);
        this.active.delete(run.runId);
        this.busyConversations.delete(run.conversationId);
        if (!this.shutdown.signal.aborted) this.pump();
      });
    this.active.set(run.runId, work);
  }
}
