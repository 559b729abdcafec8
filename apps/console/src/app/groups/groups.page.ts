import { CurrencyPipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MatCard,
  MatCardActions,
  MatCardContent,
  MatCardHeader,
  MatCardSubtitle,
  MatCardTitle,
} from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatTooltip } from '@angular/material/tooltip';
import type { AgentGroupResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { BudgetBar } from './budget-bar';
import { GroupFormDialog, type GroupFormData } from './group-form-dialog';
import { GroupsStore } from './groups.store';
import { IfAdmin } from '../core/session/if-admin';

/** Agent groups: prompt, model, key, skills and budget per group; which one is the default. */
@Component({
  selector: 'lg-groups-page',
  imports: [
    IfAdmin,
    Alert,
    BudgetBar,
    CurrencyPipe,
    DecimalPipe,
    MatButton,
    MatCard,
    MatCardActions,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatIcon,
    MatProgressBar,
    MatTooltip,
    PageHeader,
  ],
  providers: [GroupsStore],
  templateUrl: './groups.page.html',
  styleUrl: './groups.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupsPage {
  private readonly store = inject(GroupsStore);
  private readonly dialog = inject(MatDialog);

  protected readonly groups = this.store.groups;
  protected readonly stats = this.store.stats;
  protected readonly channelNames = this.store.channels;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  /** Why the last action on the page failed. */
  protected readonly actionError = signal<string | null>(null);

  constructor() {
    void this.store.load();
  }

  protected openForm(group?: AgentGroupResponseDto): void {
    this.actionError.set(null);
    this.dialog
      .open<GroupFormDialog, GroupFormData, AgentGroupResponseDto>(GroupFormDialog, {
        data: { group },
        width: '640px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) void this.store.saved(saved);
      });
  }

  protected confirmDelete(group: AgentGroupResponseDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${group.name}?`,
        message:
          group.channelIds.length > 0
            ? `Its ${group.channelIds.length} channel(s) will be answered by the default group. Runs and usage stay recorded.`
            : 'Runs and usage stay recorded.',
        confirmLabel: 'Delete',
        action: () => this.store.remove(group),
      },
      width: '440px',
    });
  }

  protected async makeDefault(group: AgentGroupResponseDto): Promise<void> {
    this.actionError.set(null);
    this.actionError.set(await this.store.makeDefault(group));
  }
}
