import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import {
  type JobDto,
  type JobRunDto,
  type SchedulerStatsDto,
  deleteJob,
  getSchedulerStats,
  listJobRuns,
  listJobs,
  runJob,
  toggleJob,
} from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';
import { followGateway } from '../core/realtime/follow-gateway';

/** How many firings a job's history shows. */
const RUNS_LIMIT = 20;
/** How often an open history with a queued delivery is read again, until the delivery settles. */
const QUEUED_RECHECK_MS = 3000;

const byName = (a: JobDto, b: JobDto) => a.name.localeCompare(b.name);

/**
 * The scheduler page's state: the jobs, the counts, and the firing history of the jobs whose history
 * is open. A `scheduler:job:complete` event refreshes the jobs (last and next run), the counts and
 * that job's history. An open history with a result still queued for its webhook is read again every
 * few seconds until the delivery settles (delivered or failed). Provided by the page.
 */
@Injectable()
export class SchedulerStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly JobDto[]>([]);
  private readonly counts = signal<SchedulerStatsDto | null>(null);
  private readonly runsByJob = signal<ReadonlyMap<string, readonly JobRunDto[]>>(new Map());
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly savingIds = signal<ReadonlySet<string>>(new Set());
  private readonly edits = new LocalEdits();
  private recheck: ReturnType<typeof setTimeout> | null = null;

  /** By name. */
  readonly jobs = this.list.asReadonly();
  readonly stats = this.counts.asReadonly();
  /** The firings (newest first) of each job whose history is open. */
  readonly runs = this.runsByJob.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();
  /** Jobs with a toggle or "Run now" on its way. */
  readonly saving = this.savingIds.asReadonly();

  constructor() {
    followGateway(
      () => this.load(),
      (event) => this.receive(event),
    );
    inject(DestroyRef).onDestroy(() => {
      if (this.recheck) clearTimeout(this.recheck);
      this.recheck = null;
    });
  }

  async load(): Promise<void> {
    this.busy.set(true);
    const [{ data, error }] = await Promise.all([
      this.edits.latest(() => listJobs({ client: this.api })),
      this.loadStats(),
    ]);
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The scheduled jobs could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set([...data].sort(byName));
    await Promise.all([...this.runsByJob().keys()].map((id) => this.loadRuns(id)));
  }

  receive(event: GatewayEvent): void {
    if (event.event !== 'scheduler:job:complete') return;
    void this.load();
  }

  /** A job the dialog created or changed. */
  saved(job: JobDto): void {
    this.put(job);
    void this.loadStats();
  }

  /** Opens a job's firing history (fetching it), or closes it. */
  async toggleHistory(job: JobDto): Promise<void> {
    if (this.runsByJob().has(job.id)) this.setRuns(job.id, null);
    else await this.loadRuns(job.id);
  }

  /** Enables or disables a job; null when done, else the gateway's reason. */
  async toggle(job: JobDto): Promise<string | null> {
    const { data, error } = await this.whileSaving(job.id, () => toggleJob({ client: this.api, path: { id: job.id } }));
    if (!data) return apiErrorMessage(error, `${job.name} could not be ${job.enabled ? 'disabled' : 'enabled'}.`);
    this.put(data);
    void this.loadStats();
    return null;
  }

  /** Fires a job now and opens its history with the new firing; null when fired, else the gateway's reason. */
  async runNow(job: JobDto): Promise<string | null> {
    const { data, error } = await this.whileSaving(job.id, () => runJob({ client: this.api, path: { id: job.id } }));
    if (!data) return apiErrorMessage(error, `${job.name} could not be run.`);
    this.setRuns(job.id, [data, ...(this.runsByJob().get(job.id) ?? []).filter((run) => run.id !== data.id)]);
    // Its last run, the counts, and its full history (in case it was not open) changed too.
    await this.load();
    return null;
  }

  /** null when deleted, else the gateway's reason. */
  async remove(job: JobDto): Promise<string | null> {
    const { error, response } = await deleteJob({ client: this.api, path: { id: job.id } });
    if (!response?.ok) return apiErrorMessage(error, `${job.name} could not be deleted.`);
    this.edits.note();
    this.list.update((jobs) => jobs.filter((j) => j.id !== job.id));
    this.setRuns(job.id, null);
    void this.loadStats();
    return null;
  }

  private put(job: JobDto): void {
    this.edits.note();
    this.list.update((jobs) => [...jobs.filter((j) => j.id !== job.id), job].sort(byName));
  }

  /** `onlyIfOpen`: a re-read for a history that may have been closed meanwhile (then it stays closed). */
  private async loadRuns(id: string, onlyIfOpen = false): Promise<void> {
    const { data } = await listJobRuns({ client: this.api, path: { id }, query: { limit: RUNS_LIMIT } });
    if (data && (!onlyIfOpen || this.runsByJob().has(id))) this.setRuns(id, data);
  }

  private async loadStats(): Promise<void> {
    const { data } = await getSchedulerStats({ client: this.api });
    if (data) this.counts.set(data);
  }

  private setRuns(id: string, runs: readonly JobRunDto[] | null): void {
    this.runsByJob.update((all) => {
      const next = new Map(all);
      if (runs) next.set(id, runs);
      else next.delete(id);
      return next;
    });
    this.followQueued();
  }

  /** While an open history shows a queued delivery (or a firing still running), reads it again soon. */
  private followQueued(): void {
    if (this.recheck) return;
    const waiting = [...this.runsByJob()].filter(([, runs]) =>
      runs.some((run) => run.delivery === 'queued' || run.status === 'running'),
    );
    if (waiting.length === 0) return;
    this.recheck = setTimeout(() => {
      this.recheck = null;
      void Promise.all(waiting.map(([id]) => this.loadRuns(id, true))).finally(() => this.followQueued());
    }, QUEUED_RECHECK_MS);
  }

  private async whileSaving<T>(id: string, call: () => Promise<T>): Promise<T> {
    this.savingIds.update((ids) => new Set(ids).add(id));
    try {
      return await call();
    } finally {
      this.savingIds.update((ids) => {
        const next = new Set(ids);
        next.delete(id);
        return next;
      });
    }
  }
}
