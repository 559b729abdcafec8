import { Injectable } from '@nestjs/common';
import { EventBus } from '../events/event-bus.js';
import { isFinished, RunsService } from './runs.service.js';

/**
 * GET /api/runs/:id?waitSeconds=N: one request that answers when the run has ended or stopped for an
 * approval (or N seconds passed), so automation clients wait without polling into their rate limit.
 */
@Injectable()
export class RunWaiter {
  constructor(
    private readonly runs: RunsService,
    private readonly bus: EventBus,
  ) {}

  async settle(runId: string, waitMs: number): Promise<void> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), waitMs);
    const held = this.bus.on('approval:required').subscribe((event) => {
      if (event.payload.runId === runId) stop.abort();
    });
    try {
      // Subscribed first, so a hold between this look and the wait is not missed.
      const run = await this.runs.find(runId);
      if (!run || isFinished(run.status) || run.status === 'awaiting_approval') return;
      await this.runs.waitForEnd(runId, stop.signal);
    } finally {
      clearTimeout(timer);
      held.unsubscribe();
    }
  }
}
