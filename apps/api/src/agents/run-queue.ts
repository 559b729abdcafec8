import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AgentRunner } from './agent-runner.js';

interface QueuedRun {
  runId: string;
  conversationId: string;
}

/**
 * Bounded run queue: RUN_CONCURRENCY runs at a time, RUN_QUEUE_LIMIT waiting, and one run at a time
 * per conversation (its history is a sequence). The queue lives in memory; the runs themselves are
 * stored first, so on restart unfinished ones are queued again.
 */
@Injectable()
export class RunQueue implements OnModuleDestroy {
  private readonly logger = new Logger(RunQueue.name);
  private readonly waiting: QueuedRun[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private readonly busyConversations = new Set<string>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly runner: AgentRunner,
    private readonly config: AppConfig,
  ) {}

  /** False when the queue is full. */
  enqueue(runId: string, conversationId: string): boolean {
    if (this.waiting.length >= this.config.runQueueLimit) return false;
    this.waiting.push({ runId, conversationId });
    this.pump();
    return true;
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
    this.shutdown.abort();
    await this.idle();
  }

  private pump(): void {
    while (this.active.size < this.config.runConcurrency) {
      const index = this.waiting.findIndex((run) => !this.busyConversations.has(run.conversationId));
      if (index === -1) return;
      const [next] = this.waiting.splice(index, 1);
      this.start(next!);
    }
  }

  private start(run: QueuedRun): void {
    this.busyConversations.add(run.conversationId);
    const work = this.runner
      .execute(run.runId, this.shutdown.signal)
      .catch((error: unknown) => this.logger.error({ err: error, runId: run.runId }, 'Run could not be recorded'))
      .finally(() => {
        this.active.delete(run.runId);
        this.busyConversations.delete(run.conversationId);
        if (!this.shutdown.signal.aborted) this.pump();
      });
    this.active.set(run.runId, work);
  }
}
