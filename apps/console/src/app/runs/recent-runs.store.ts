import { DestroyRef, Injectable, InjectionToken, effect, inject, signal, untracked } from '@angular/core';
import { type RunDetailResponseDto, type RunResponseDto, getRun, listRuns } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { type RunEvent, isApprovalEvent, isFinished, isRunEvent, statusAfterApproval } from './run-format';

/** How many runs the list shows. */
export const RECENT_RUNS_LIMIT = new InjectionToken<number>('RECENT_RUNS_LIMIT', {
  providedIn: 'root',
  factory: () => 50,
});

/** queued < running or awaiting approval < finished: a stored run never goes back. */
function stage(run: RunResponseDto): number {
  if (isFinished(run.status)) return 2;
  return run.status === 'queued' ? 0 : 1;
}

/**
 * What a live event changes in the list (newest first, at most `limit`): a started run appears at
 * the top (or turns "running"), a finished one gets its status, tokens and duration.
 */
export function applyRunEvent(
  runs: readonly RunResponseDto[],
  event: RunEvent,
  limit: number,
): readonly RunResponseDto[] {
  switch (event.event) {
    case 'agent:run:start': {
      const p = event.payload;
      if (runs.some((run) => run.id === p.runId)) {
        return runs.map((run) =>
          run.id === p.runId && !isFinished(run.status)
            ? { ...run, status: 'running', groupId: p.groupId, startedAt: run.startedAt ?? event.timestamp }
            : run,
        );
      }
      const started: RunResponseDto = {
        id: p.runId,
        conversationId: p.conversationId,
        groupId: p.groupId,
        status: 'running',
        waitingFor: null,
        origin: p.origin,
        input: '',
        reply: null,
        error: null,
        model: null,
        iterations: 0,
        inputTokens: 0,
        outputTokens: 0,
        durationMs: null,
        createdAt: event.timestamp,
        startedAt: event.timestamp,
        finishedAt: null,
        isolated: false,
        containerExit: null,
      };
      return [started, ...runs].slice(0, limit);
    }
    case 'agent:run:complete': {
      const p = event.payload;
      return runs.map((run) =>
        run.id === p.runId
          ? {
              ...run,
              status: 'completed',
              inputTokens: p.inputTokens,
              outputTokens: p.outputTokens,
              durationMs: p.durationMs,
              finishedAt: event.timestamp,
            }
          : run,
      );
    }
    case 'agent:run:error': {
      const p = event.payload;
      return runs.map((run) =>
        run.id === p.runId
          ? { ...run, status: 'failed', error: p.error, durationMs: p.durationMs, finishedAt: event.timestamp }
          : run,
      );
    }
    case 'agent:run:cancelled': {
      const p = event.payload;
      return runs.map((run) =>
        run.id === p.runId
          ? {
              ...run,
              status: 'cancelled',
              error: `Cancelled by ${p.cancelledBy}`,
              durationMs: p.durationMs,
              finishedAt: event.timestamp,
            }
          : run,
      );
    }
    default:
      return runs;
  }
}

/**
 * Puts a run as the gateway stored it into the list, unless the list already knows a later state of it
 * (the answer to an older request can arrive after a newer event).
 */
export function mergeRun(
  runs: readonly RunResponseDto[],
  stored: RunResponseDto,
  limit: number,
): readonly RunResponseDto[] {
  const known = runs.find((run) => run.id === stored.id);
  if (known) return stage(stored) >= stage(known) ? runs.map((run) => (run.id === stored.id ? stored : run)) : runs;
  return [...runs, stored].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)).slice(0, limit);
}

/** The list fields of a run detail. */
function summary(run: RunDetailResponseDto): RunResponseDto {
  const { messages, toolCalls, modelCalls, ...fields } = run;
  return fields;
}

/**
 * The recent runs list: GET /api/runs, kept current by the live run events. A run that starts or
 * ends is fetched once more so the row shows what was stored (input, model, refused vs failed).
 * Provided by the page that shows it.
 */
@Injectable()
export class RecentRunsStore {
  private readonly api = inject(API_CLIENT);
  private readonly limit = inject(RECENT_RUNS_LIMIT);
  private readonly socket = inject(GatewaySocket);

  private readonly list = signal<readonly RunResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);

  readonly runs = this.list.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();

  constructor() {
    const subscription = this.socket.events.subscribe((event) => this.receive(event));
    // Loads at once, and again when the live connection is back (events may have been missed).
    void this.load();
    let wasConnected = this.socket.state() === 'connected';
    effect(() => {
      const connected = this.socket.state() === 'connected';
      if (connected && !wasConnected) untracked(() => void this.load());
      wasConnected = connected;
    });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await listRuns({ client: this.api, query: { limit: this.limit } });
    this.busy.set(false);
    if (data) {
      this.list.set(data);
      this.problem.set(null);
    } else {
      this.problem.set(apiErrorMessage(error, 'The runs could not be loaded.'));
    }
  }

  receive(event: GatewayEvent): void {
    if (isApprovalEvent(event)) {
      // A held call pauses its run, a decision lets it go on; the stored status follows a moment later.
      const { runId } = event.payload;
      this.list.update((runs) =>
        runs.map((run) => (run.id === runId ? { ...run, status: statusAfterApproval(run.status, event) } : run)),
      );
      return;
    }
    if (!isRunEvent(event) || event.event === 'agent:run:text') return;
    this.list.update((runs) => applyRunEvent(runs, event, this.limit));
    void this.refresh(event.payload.runId);
  }

  private async refresh(runId: string): Promise<void> {
    const { data } = await getRun({ client: this.api, path: { id: runId } });
    if (data) this.list.update((runs) => mergeRun(runs, summary(data), this.limit));
  }
}
