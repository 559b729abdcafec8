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
import { MatButton } from '@angular/material/button';
import { MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AgentGroupResponseDto,
  type ChannelResponseDto,
  type RunResponseDto,
  listChannels,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { RefreshButton } from '../core/ui/refresh-button';
import { clip, duration, shortId } from '../activity/event-summary';
import { Alert } from '../core/ui/alert';
import { originLabel, timeAgo } from './run-format';
import { RunStatusChip } from './run-status';
import { RecentRunsStore } from './recent-runs.store';
import {
  ORIGIN_OPTIONS,
  type RunFilters,
  STATUS_OPTIONS,
  canCancel,
  canRetry,
  filtersFromParams,
  filtersToParams,
  isFiltered,
} from './run-filters';
import { IfAdmin } from '../core/session/if-admin';

/**
 * The runs explorer: runs newest first, updated live as they start and finish; filters kept in the
 * URL's query (so a filtered list can be shared and survives a reload), older pages on demand, and
 * Retry / Cancel on each row.
 */
/** One of the runs list's filters chosen from a list. */
interface FilterSelect {
  key: 'status' | 'origin' | 'groupId' | 'channelId';
  label: string;
  testId: string;
  options: readonly { value: string; label: string }[];
}

@Component({
  selector: 'lg-recent-runs',
  imports: [
    RefreshButton,
    Alert,
    IfAdmin,
    DecimalPipe,
    MatButton,
    MatFormField,
    MatInput,
    MatLabel,
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
  private readonly api = inject(API_CLIENT);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  readonly groups = input<readonly AgentGroupResponseDto[]>([]);

  protected readonly runs = this.store.runs;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly total = this.store.total;
  protected readonly hasMore = this.store.hasMore;
  protected readonly notice = this.store.notice;
  protected readonly columns = ['status', 'input', 'origin', 'group', 'tokens', 'duration', 'age', 'actions'];
  protected readonly duration = duration;
  protected readonly clip = clip;
  protected readonly originLabel = originLabel;
  protected readonly canRetry = canRetry;
  protected readonly canCancel = canCancel;
  protected readonly channels = signal<readonly ChannelResponseDto[]>([]);
  /** The filters chosen from a list: each applies as soon as it is chosen. */
  protected readonly selects = computed<readonly FilterSelect[]>(() => [
    {
      key: 'status',
      label: 'Status',
      testId: 'filter-status',
      options: STATUS_OPTIONS.map((status) => ({ value: status, label: status })),
    },
    { key: 'origin', label: 'Origin', testId: 'filter-origin', options: ORIGIN_OPTIONS },
    {
      key: 'groupId',
      label: 'Group',
      testId: 'filter-group',
      options: this.groups().map((group) => ({ value: group.id, label: group.name })),
    },
    {
      key: 'channelId',
      label: 'Channel',
      testId: 'filter-channel',
      options: this.channels().map((channel) => ({ value: channel.id, label: channel.name })),
    },
  ]);
  /** The filters as the URL has them; the form shows them. */
  protected readonly filters = signal<RunFilters>({});
  protected readonly filtered = computed(() => isFiltered(this.filters()));
  /** Ticks so "2 min ago" stays true. */
  protected readonly now = signal(Date.now());
  protected readonly trackRun = (_: number, run: RunResponseDto) => run.id;
  protected readonly groupNames = computed(() => new Map(this.groups().map((g) => [g.id, g.name])));

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 15_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((params) => {
      const filters = filtersFromParams(Object.fromEntries(params.keys.map((key) => [key, params.get(key)])));
      this.filters.set(filters);
      void this.store.setFilters(filters);
    });
    void this.loadChannels();
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

  protected loadMore(): Promise<void> {
    return this.store.loadMore();
  }

  /** A select applies at once; the text and times apply with the form (Enter or Apply). */
  protected choose(key: keyof RunFilters, value: string): void {
    void this.apply({ ...this.filters(), [key]: value });
  }

  protected submit(form: HTMLFormElement): void {
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    void this.apply({ ...this.filters(), q: field('q'), from: field('from'), to: field('to') });
  }

  protected clear(): void {
    void this.apply({});
  }

  protected retry(run: RunResponseDto): Promise<void> {
    return this.store.retry(run);
  }

  protected cancel(run: RunResponseDto): Promise<void> {
    return this.store.cancel(run);
  }

  protected dismiss(): void {
    this.store.dismissNotice();
  }

  private apply(filters: RunFilters): Promise<boolean> {
    return this.router.navigate([], { relativeTo: this.route, queryParams: filtersToParams(filters) });
  }

  /** For the channel filter; the list works without them. */
  private async loadChannels(): Promise<void> {
    const { data } = await listChannels({ client: this.api });
    if (data) this.channels.set(data);
  }
}
