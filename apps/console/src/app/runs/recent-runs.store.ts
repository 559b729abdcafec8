import { DestroyRef, Injectable, InjectionToken, effect, inject, signal, untracked } from '@angular/core';
import {
  type RunDetailResponseDto,
  type RunResponseDto,
  cancelRun,
  getRun,
  listRuns,
  retryRun,
} from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { type RunFilters, filtersToQuery, isFiltered } from './run-filters';
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
        retryOf: null,
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
  const { messages, toolCalls, modelCalls, compactions, ...fields } = run;
  return fields;
}

/** What the last retry or cancel from the list did, for the notice above it. */
export interface RunActionNotice {
  kind: 'retried' | 'cancelled' | 'error';
  text: string;
  /** The new run (a retry). */
  runId?: string;
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
  private readonly matching = signal<number | null>(null);
  private readonly cursor = signal<string | null>(null);
  private readonly lastAction = signal<RunActionNotice | null>(null);
  private filters: RunFilters = {};
  /** Answers to an older load are dropped when filters changed meanwhile. */
  private generation = 0;

  readonly runs = this.list.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();
  /** How many runs match the filters in all (X-Total-Count); null before the first answer. */
  readonly total = this.matching.asReadonly();
  /** Whether older runs are left to load. */
  readonly hasMore = () => this.cursor() !== null;
  readonly notice = this.lastAction.asReadonly();

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

  /** Shows the runs matching these filters, from the newest. */
  setFilters(filters: RunFilters): Promise<void> {
    this.filters = filters;
    return this.load();
  }

  /** The first page again (with the current filters). */
  async load(): Promise<void> {
    const generation = ++this.generation;
    this.busy.set(true);
    const { data, error, response } = await listRuns({
      client: this.api,
      query: { limit: this.limit, ...filtersToQuery(this.filters) },
    });
    if (generation !== this.generation) return;
    this.busy.set(false);
    if (data) {
      this.list.set(data);
      this.problem.set(null);
      this.readPaging(response);
    } else {
      this.list.set([]);
      this.matching.set(null);
      this.cursor.set(null);
      this.problem.set(apiErrorMessage(error, 'The runs could not be loaded.'));
    }
  }

  /** The next page of older runs, after the ones shown. */
  async loadMore(): Promise<void> {
    const cursor = this.cursor();
    if (!cursor) return;
    const generation = this.generation;
    this.busy.set(true);
    const { data, error, response } = await listRuns({
      client: this.api,
      query: { limit: this.limit, cursor, ...filtersToQuery(this.filters) },
    });
    if (generation !== this.generation) return;
    this.busy.set(false);
    if (data) {
      const known = new Set(this.list().map((run) => run.id));
      this.list.update((runs) => [...runs, ...data.filter((run) => !known.has(run.id))]);
      this.readPaging(response);
    } else {
      this.problem.set(apiErrorMessage(error, 'The older runs could not be loaded.'));
    }
  }

  /** Starts a run again with the same input (POST /api/runs/:id/retry). */
  async retry(run: RunResponseDto): Promise<void> {
    const { data, error } = await retryRun({ client: this.api, path: { id: run.id } });
    if (data) {
      this.lastAction.set({ kind: 'retried', text: 'Retry started as a new run.', runId: data.runId });
      if (isFiltered(this.filters)) void this.load();
    } else {
      this.lastAction.set({ kind: 'error', text: apiErrorMessage(error, 'The run could not be retried.') });
    }
  }

  /** Cancels a run that has not ended. */
  async cancel(run: RunResponseDto): Promise<void> {
    const { data, error } = await cancelRun({ client: this.api, path: { id: run.id } });
    if (data) {
      this.list.update((runs) => mergeRun(runs, data, this.bound()));
      this.lastAction.set({ kind: 'cancelled', text: `Run ${run.id.slice(0, 8)} cancelled.` });
    } else {
      this.lastAction.set({ kind: 'error', text: apiErrorMessage(error, 'The run could not be cancelled.') });
    }
  }

  dismissNotice(): void {
    this.lastAction.set(null);
  }

  private readPaging(response: Response | undefined): void {
    const total = response?.headers.get('X-Total-Count');
    this.matching.set(total ? Number(total) : null);
    this.cursor.set(response?.headers.get('X-Next-Cursor') ?? null);
  }

  /** How many rows the list keeps: a page, or all that were loaded (older pages stay). */
  private bound(): number {
    return Math.max(this.limit, this.list().length + 1);
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
    const known = this.list().some((run) => run.id === event.payload.runId);
    // With filters set, a new run may not match them: only the runs shown are kept current.
    if (!known && isFiltered(this.filters)) return;
    this.list.update((runs) => applyRunEvent(runs, event, this.bound()));
    void this.refresh(event.payload.runId);
  }

  private async refresh(runId: string): Promise<void> {
    const { data } = await getRun({ client: this.api, path: { id: runId } });
    if (!data) return;
    if (isFiltered(this.filters) && !this.list().some((run) => run.id === runId)) return;
    this.list.update((runs) => mergeRun(runs, summary(data), this.bound()));
  }
}
