import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { RunResponseDto } from '../agents/dto/run.dto.js';
import { RunsService } from '../agents/runs.service.js';
import { EventBus } from '../events/event-bus.js';

const FINAL = new Set(['completed', 'failed', 'refused']);

/**
 * Waits for runs to finish, for synchronous webhook invocations: one bus subscription wakes the
 * waiters of the run that completed or failed. The run is read from the database before waiting, so
 * one that finished already (an idempotent retry) answers at once.
 */
@Injectable()
export class RunWaiter implements OnModuleInit, OnModuleDestroy {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly runs: RunsService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.bus.events$.subscribe((e) => {
      if (e.event === 'agent:run:complete' || e.event === 'agent:run:error') {
        this.wake((e.payload as { runId: string }).runId);
      }
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    for (const runId of [...this.waiters.keys()]) this.wake(runId);
  }

  /** The run once it has finished, or as it is when `timeoutMs` has passed (null if unknown). */
  async wait(runId: string, timeoutMs: number): Promise<{ run: RunResponseDto | null; finished: boolean }> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const set = this.waiters.get(runId) ?? new Set();
    set.add(wake);
    this.waiters.set(runId, set);
    let timer: NodeJS.Timeout | undefined;
    try {
      const before = await this.runs.find(runId);
      if (!before || FINAL.has(before.status)) return { run: before, finished: before !== null };
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([woken, timedOut]);
      const run = await this.runs.find(runId);
      return { run, finished: run !== null && FINAL.has(run.status) };
    } finally {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0) this.waiters.delete(runId);
    }
  }

  private wake(runId: string): void {
    for (const wake of this.waiters.get(runId) ?? []) wake();
  }
}
