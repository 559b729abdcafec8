import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { ContinuationState, Run } from './entities/run.entity.js';
import { RunsRepository } from './runs.repository.js';

/**
 * What must happen when a run ends, stored with the run by its origin when it is submitted, so it is
 * carried out even if the run ends after a restart.
 */
export type RunContinuation =
  | { kind: 'channel-reply'; channelId: string; messageId: string }
  | { kind: 'job-output'; jobId: string; firingId: string }
  | { kind: 'task-iteration'; taskId: string; iterationId: string }
  | { kind: 'sync-webhook'; webhookId: string }
  /** A sub-agent's run answers the delegation or query message that started it, and wakes the asker. */
  | { kind: 'agent-answer'; messageId: string };

/** `later`: cannot be done now (e.g. its channel is not running); kept pending for `dispatchPending`. */
export type ContinuationResult = 'done' | 'later';

export interface ContinuationHandler<K extends RunContinuation['kind'] = RunContinuation['kind']> {
  readonly kind: K;
  /**
   * false: there is nothing to do after a restart (a synchronous webhook's caller is gone with the
   * process), so it is neither claimed nor recorded, and costs no write.
   */
  readonly durable: boolean;
  /** Carries out the continuation for the ended run. Must tolerate being called again after a crash. */
  handle(run: Run, continuation: Extract<RunContinuation, { kind: K }>): Promise<ContinuationResult>;
}

/**
 * The internal signal that a run has ended (completed, failed, refused or cancelled). Internal on
 * purpose: the public event catalog is for the console and webhooks, and a change to one of its
 * payloads must never break what the gateway does after a run.
 */
@Injectable()
export class RunLifecycle {
  private readonly endedSubject = new Subject<Run>();
  /** The run as it ended (its final status, reply and totals). */
  readonly ended$: Observable<Run> = this.endedSubject.asObservable();

  ended(run: Run): void {
    this.endedSubject.next(run);
  }
}

/** After a handler threw, the continuation is tried again after these pauses (then at the next start). */
export const CONTINUATION_RETRY_MS = [1_000, 5_000, 30_000, 120_000];

/**
 * Carries out each ended run's continuation exactly once: claimed compare-and-set (pending →
 * dispatching), then recorded as dispatched. On start, continuations a crash or stop left pending or
 * half-done are carried out; each handler checks what it already recorded, so a claim that a crash
 * interrupted is finished without doing it twice. A handler that throws (the database was busy, a
 * peer failed) leaves its continuation pending and is tried again after a pause, a few times, then at
 * the next start: a delegating run must not wait forever for an answer that was stored.
 */
@Injectable()
export class RunContinuations implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunContinuations.name);
  private readonly handlers = new Map<RunContinuation['kind'], ContinuationHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly subscription: Subscription;
  private stopped = false;

  constructor(
    private readonly runs: RunsRepository,
    lifecycle: RunLifecycle,
  ) {
    this.subscription = lifecycle.ended$.subscribe((run) => this.track(this.dispatch(run)));
  }

  register<K extends RunContinuation['kind']>(handler: ContinuationHandler<K>): void {
    this.handlers.set(handler.kind, handler as unknown as ContinuationHandler);
  }

  /** How a new run stores its continuation: pending until done, or not at all when it is not durable. */
  initialState(continuation: RunContinuation | undefined): ContinuationState | null {
    if (!continuation) return null;
    return this.handlers.get(continuation.kind)?.durable === false ? null : 'pending';
  }

  /** What a crash or stop left behind: ended runs whose continuation was not (or not surely) done. */
  async onApplicationBootstrap(): Promise<void> {
    const left = await this.runs.endedWithContinuation(['pending', 'dispatching']);
    for (const run of left) await this.run(run, true);
    if (left.length > 0) this.logger.log(`Carried out ${left.length} continuation(s) left from the last run`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.subscription.unsubscribe();
    for (const timer of this.retries) clearTimeout(timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Tries again the pending continuations of one kind (e.g. a channel that has started). */
  async dispatchPending(kind: RunContinuation['kind']): Promise<void> {
    for (const run of await this.runs.endedWithContinuation(['pending'])) {
      if (run.continuation?.kind === kind) await this.run(run, false);
    }
  }

  /** Carries out the continuation of a run that has just ended. */
  private async dispatch(run: Run): Promise<void> {
    const continuation = run.continuation;
    if (!continuation) return;
    const handler = this.handlers.get(continuation.kind);
    if (handler && !handler.durable) await handler.handle(run, continuation as never);
    else if (run.continuationState === 'pending') await this.run(run, false);
  }

  private async run(run: Run, reclaim: boolean, attempt = 0): Promise<void> {
    const continuation = run.continuation;
    if (!continuation || this.stopped) return;
    const handler = this.handlers.get(continuation.kind);
    if (!handler?.durable) return; // its module is not loaded: it stays pending
    const from = reclaim ? (['pending', 'dispatching'] as const) : (['pending'] as const);
    if (!(await this.runs.claimContinuation(run.id, [...from]))) return; // someone else has it
    let result: ContinuationResult | 'failed';
    try {
      result = await handler.handle(run, continuation as never);
    } catch (error) {
      result = 'failed';
      const retryMs = CONTINUATION_RETRY_MS[attempt];
      const next = retryMs === undefined ? 'at the next start' : `in ${retryMs / 1000} s`;
      this.logger.error(
        { err: error, runId: run.id },
        `The ${continuation.kind} continuation failed; it is tried again ${next}`,
      );
    }
    await this.runs.settleContinuation(run.id, result === 'done' ? 'dispatched' : 'pending');
    if (result === 'failed') this.retry(run, attempt);
  }

  private retry(run: Run, attempt: number): void {
    const delay = CONTINUATION_RETRY_MS[attempt];
    if (delay === undefined || this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.track(this.run(run, false, attempt + 1));
    }, delay);
    timer.unref();
    this.retries.add(timer);
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) =>
      this.logger.error({ err: error }, 'A run continuation could not be recorded'),
    );
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }
}
