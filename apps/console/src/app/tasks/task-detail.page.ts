import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import {
  type TaskDetailDto,
  type TaskOutputDto,
  type TaskPromptDto,
  deleteTask,
  getTask,
  getTaskOutput,
  getTaskPrompt,
  startTask,
  stopTask,
} from '@loop-gateway/api-client';
import { shortId } from '../activity/event-summary';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { RunStatusChip } from '../runs/run-status';
import { canStart, canStop, completionLabel, concernsTask, isWorking, progressLabel } from './task-format';
import { IfAdmin } from '../core/session/if-admin';

/**
 * One loop task: its iterations (each a run), its files (prompt, plan, output) and Stop / Start /
 * Delete; it follows the task live while it works.
 */
@Component({
  selector: 'lg-task-detail-page',
  imports: [
    IfAdmin,
    Alert,
    DatePipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatIcon,
    MatProgressBar,
    RouterLink,
    RunStatusChip,
  ],
  templateUrl: './task-detail.page.html',
  styleUrl: './task-detail.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TaskDetailPage {
  private readonly api = inject(API_CLIENT);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);

  /** From the route (`/tasks/:id`). */
  readonly id = input.required<string>();

  protected readonly task = signal<TaskDetailDto | null>(null);
  protected readonly files = signal<TaskPromptDto | null>(null);
  protected readonly output = signal<TaskOutputDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loading = signal(false);
  /** Why the last Stop or Start was refused (a 409 says what the task is doing). */
  protected readonly actionError = signal<string | null>(null);
  protected readonly acting = signal(false);

  protected readonly working = computed(() => {
    const task = this.task();
    return task !== null && isWorking(task.status);
  });
  protected readonly progress = computed(() => {
    const task = this.task();
    return task ? progressLabel(task) : '';
  });
  protected readonly canStop = canStop;
  protected readonly canStart = canStart;
  protected readonly completionLabel = completionLabel;
  protected readonly shortId = shortId;

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.task.set(null);
        this.files.set(null);
        this.output.set(null);
        this.actionError.set(null);
        void this.load(id);
      });
    });
    const subscription = inject(GatewaySocket).events.subscribe((event) => {
      if (concernsTask(event, this.id())) void this.load(this.id());
    });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected async load(id: string): Promise<void> {
    this.loading.set(true);
    const path = { id };
    const [task, files, output] = await Promise.all([
      getTask({ client: this.api, path }),
      getTaskPrompt({ client: this.api, path }),
      getTaskOutput({ client: this.api, path }),
    ]);
    this.loading.set(false);
    if (id !== this.id()) return;
    if (!task.data) {
      this.error.set(apiErrorMessage(task.error, 'The task could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.task.set(task.data);
    if (files.data) this.files.set(files.data);
    if (output.data) this.output.set(output.data);
  }

  protected stop(): Promise<void> {
    return this.act(stopTask, 'The task could not be stopped.');
  }

  protected start(): Promise<void> {
    return this.act(startTask, 'The task could not be started.');
  }

  protected confirmDelete(): void {
    const task = this.task();
    if (!task) return;
    this.actionError.set(null);
    this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
        data: {
          title: `Delete ${task.name}?`,
          message: isWorking(task.status)
            ? 'The task stops, and its iterations, plan and output are deleted. Its runs stay recorded.'
            : 'Its iterations, plan and output are deleted. Its runs stay recorded.',
          confirmLabel: 'Delete task',
          action: async () => {
            const { error, response } = await deleteTask({ client: this.api, path: { id: task.id } });
            return response?.ok ? null : apiErrorMessage(error, 'The task could not be deleted.');
          },
        },
        width: '440px',
      })
      .afterClosed()
      .subscribe((deleted) => {
        if (deleted) void this.router.navigateByUrl('/tasks');
      });
  }

  private async act(call: typeof stopTask | typeof startTask, fallback: string): Promise<void> {
    const id = this.id();
    this.acting.set(true);
    this.actionError.set(null);
    const { data, error } = await call({ client: this.api, path: { id } });
    this.acting.set(false);
    if (!data) this.actionError.set(apiErrorMessage(error, fallback));
    await this.load(id);
  }
}
