import { CurrencyPipe, DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardSubtitle, MatCardTitle } from '@angular/material/card';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatTooltip } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { UsageTotalsDto } from '@loop-gateway/api-client';
import { RefreshButton } from '../core/ui/refresh-button';
import { CHANNEL_NAMES, duration, shortId } from '../activity/event-summary';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { RunStatusChip } from '../runs/run-status';
import { DailyUsageChart } from './daily-usage-chart';
import { PriceTableEditor } from './price-table-editor';
import { UsageBreakdown } from './usage-breakdown';
import { USAGE_DAYS, UsageStore } from './usage.store';

interface TotalsCard {
  label: string;
  totals: UsageTotalsDto;
}

/** Usage: tokens and estimated cost today, this month and in all, per day, per model and per call; prices. */
@Component({
  selector: 'lg-usage-page',
  imports: [
    RefreshButton,
    Alert,
    CurrencyPipe,
    DailyUsageChart,
    DatePipe,
    DecimalPipe,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatProgressBar,
    MatTooltip,
    PageHeader,
    PriceTableEditor,
    RouterLink,
    RunStatusChip,
    UsageBreakdown,
  ],
  providers: [UsageStore],
  templateUrl: './usage.page.html',
  styleUrl: './usage.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsagePage {
  private readonly store = inject(UsageStore);

  protected readonly summary = this.store.summary;
  protected readonly daily = this.store.daily;
  protected readonly models = this.store.models;
  protected readonly calls = this.store.calls;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly days = USAGE_DAYS;
  protected readonly duration = duration;
  protected readonly shortId = shortId;

  protected readonly totals = computed<TotalsCard[]>(() => {
    const summary = this.summary();
    if (!summary) return [];
    return [
      { label: 'Today', totals: summary.today },
      { label: 'This month', totals: summary.month },
      { label: 'All time', totals: summary.total },
    ];
  });
  private readonly groupNames = computed(() => new Map(this.store.groups().map((g) => [g.id, g.name])));

  constructor() {
    void this.store.load();
  }

  protected refresh(): Promise<void> {
    return this.store.load();
  }

  protected groupName(id: string | null): string {
    if (!id) return '—';
    return this.groupNames().get(id) ?? shortId(id);
  }

  protected channelName(type: string | null): string {
    if (!type) return 'API';
    return CHANNEL_NAMES[type as keyof typeof CHANNEL_NAMES] ?? type;
  }
}
