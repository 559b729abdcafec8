import { Injectable } from '@nestjs/common';
import { map, merge } from 'rxjs';
import { EventBus } from '../events/event-bus.js';
import { isFinished, RunsService } from './runs.service.js';

/**
 * GET /api/runs/:id?waitSeconds=N: one request that answers when the run has ended or waits for
 * something (an approval), or N seconds passed, so automation clients wait without polling into
 * their rate limit.
 */
@Injectable()
export class RunWaiter {
  constructor(
    private readonly runs: RunsService,
    private readonly bus: EventBus,
  ) {}

  async settle(runId: string, waitMs: number): Promise<void> {
    let wake = () => {};
    const settled = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(() => wake(), waitMs);
    // Woken by the run's end, or by its being stored as waiting (not by `approval:required`, which
    // comes before the run's status says it waits).
    const subscription = merge(
      this.bus.on('agent:run:complete'),
      this.bus.on('agent:run:error'),
      this.bus.on('agent:run:cancelled'),
      this.bus.runPaused$.pipe(map((id) => ({ payload: { runId: id } }))),
    ).subscribe((event) => {
      if (event.payload.runId === runId) wake();
    });
    try {
      // Subscribed first, so a change between this look and the wait is not missed.
      const run = await this.runs.find(runId);
      if (!run || isFinished(run.status) || run.status === 'waiting') return;
      await settled;
    } finally {
      clearTimeout(timer);
      subscription.unsubscribe();
    }
  }
}
