import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal } from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatProgressBar } from '@angular/material/progress-bar';
import {
  MatCell,
  MatCellDef,
  MatColumnDef,
  MatHeaderCell,
  MatHeaderCellDef,
  MatHeaderRow,
  MatHeaderRowDef,
  MatNoDataRow,
  MatRow,
  MatRowDef,
  MatTable,
} from '@angular/material/table';
import { MatTooltip } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { AgentGroupResponseDto, RunResponseDto } from '@loop-gateway/api-client';
import { RefreshButton } from '../core/ui/refresh-button';
import { clip, duration, shortId } from '../activity/event-summary';
import { Alert } from '../core/ui/alert';
import { originLabel, timeAgo } from './run-format';
import { RunStatusChip } from './run-status';
import { RecentRunsStore } from './recent-runs.store';

/** The recent runs, newest first, updated live as runs start and finish. */
@Component({
  selector: 'lg-recent-runs',
  imports: [
    RefreshButton,
    Alert,
    DecimalPipe,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatCell,
    MatCellDef,
    MatColumnDef,
    MatHeaderCell,
    MatHeaderCellDef,
    MatHeaderRow,
    MatHeaderRowDef,
    MatNoDataRow,
    MatProgressBar,
    MatRow,
    MatRowDef,
    MatTable,
    MatTooltip,
    RouterLink,
    RunStatusChip,
  ],
  templateUrl: './recent-runs.html',
  styleUrl: './recent-runs.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecentRuns {
  private readonly store = inject(RecentRunsStore);

  readonly groups = input<readonly AgentGroupResponseDto[]>([]);

  protected readonly runs = this.store.runs;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly columns = ['status', 'input', 'origin', 'group', 'tokens', 'duration', 'age'];
  protected readonly duration = duration;
  protected readonly clip = clip;
  protected readonly originLabel = originLabel;
  /** Ticks so "2 min ago" stays true. */
  protected readonly now = signal(Date.now());
  protected readonly trackRun = (_: number, run: RunResponseDto) => run.id;
  protected readonly groupNames = computed(() => new Map(this.groups().map((g) => [g.id, g.name])));

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 15_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected age(run: RunResponseDto): string {
    return timeAgo(run.createdAt, this.now());
  }

  protected groupName(id: string | null): string {
    if (!id) return '—';
    return this.groupNames().get(id) ?? shortId(id);
  }

  protected refresh(): Promise<void> {
    return this.store.load();
  }
}
