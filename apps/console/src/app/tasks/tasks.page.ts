import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { type AgentGroupResponseDto, type TaskDto, listAgentGroups } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';
import { RunStatusChip } from '../runs/run-status';
import { TaskDialog, type TaskDialogData } from './task-dialog';
import { completionLabel, isWorking } from './task-format';
import { TasksStore } from './tasks.store';
import { IfAdmin } from '../core/session/if-admin';

/** Loop tasks: agents working on their own, iteration after iteration, live. */
@Component({
  selector: 'lg-tasks-page',
  imports: [
    IfAdmin,
    Alert,
    DatePipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatIcon,
    MatProgressBar,
    PageHeader,
    RefreshButton,
    RouterLink,
    RunStatusChip,
  ],
  providers: [TasksStore],
  templateUrl: './tasks.page.html',
  styleUrl: './tasks.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TasksPage {
  private readonly store = inject(TasksStore);
  private readonly dialog = inject(MatDialog);
  private readonly api = inject(API_CLIENT);

  protected readonly tasks = this.store.tasks;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly groups = signal<readonly AgentGroupResponseDto[]>([]);
  protected readonly completionLabel = completionLabel;
  protected readonly isWorking = isWorking;

  constructor() {
    void this.loadGroups();
  }

  protected refresh(): void {
    void this.store.load();
  }

  protected openNew(): void {
    this.dialog
      .open<TaskDialog, TaskDialogData, TaskDto>(TaskDialog, {
        data: { groups: this.groups() },
        width: '640px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((task) => {
        if (task) this.store.put(task);
      });
  }

  /** For the group picker; the page works without them. */
  private async loadGroups(): Promise<void> {
    const { data } = await listAgentGroups({ client: this.api });
    if (data) this.groups.set(data);
  }
}
