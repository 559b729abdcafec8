import { Injectable, inject, signal } from '@angular/core';
import { type TaskDto, getTask, listTasks } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';
import { followGateway } from '../core/realtime/follow-gateway';
import { isTaskEvent } from './task-format';

/** How many tasks the list shows. */
const LIST_LIMIT = 100;

const newestFirst = (a: TaskDto, b: TaskDto) => Date.parse(b.createdAt) - Date.parse(a.createdAt);

/**
 * The tasks page's state: the latest loop tasks, newest first. A task named by a live `task:*` event is
 * fetched again, so its status and iteration count move without a reload. Provided by the page.
 */
@Injectable()
export class TasksStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly TaskDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly edits = new LocalEdits();

  readonly tasks = this.list.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();

  constructor() {
    followGateway(
      () => this.load(),
      (event) => this.receive(event),
    );
  }

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await this.edits.latest(() =>
      listTasks({ client: this.api, query: { limit: LIST_LIMIT } }),
    );
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The tasks could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set([...data].sort(newestFirst));
  }

  /** A task as the gateway returned it; an answer older than what is shown (they may cross) is ignored. */
  put(task: TaskDto): void {
    const shown = this.list().find((t) => t.id === task.id);
    if (shown && Date.parse(shown.updatedAt) > Date.parse(task.updatedAt)) return;
    this.edits.note();
    this.list.update((tasks) =>
      [task, ...tasks.filter((t) => t.id !== task.id)].sort(newestFirst).slice(0, LIST_LIMIT),
    );
  }

  receive(event: GatewayEvent): void {
    if (isTaskEvent(event)) void this.fetch(event.payload.taskId);
  }

  private async fetch(id: string): Promise<void> {
    const { data } = await getTask({ client: this.api, path: { id } });
    if (!data) return;
    const { iterationLog: _log, ...task } = data;
    this.put(task);
  }
}
