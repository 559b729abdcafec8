import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import {
  type AgentGroupResponseDto,
  type DailyUsageDto,
  type ModelCallResponseDto,
  type ModelUsageDto,
  type UsageSummaryResponseDto,
  getDailyUsage,
  getModelUsage,
  getUsageSummary,
  listAgentGroups,
  listModelCalls,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';

/** The window the chart and the per-model table cover. */
export const USAGE_DAYS = 30;
/** How many recent model calls the table lists. */
export const RECENT_CALLS = 25;

/**
 * The usage page's data: totals, the daily series, per-model totals and the latest model calls. It
 * is fetched again shortly after a run finishes. Provided by the page.
 */
@Injectable()
export class UsageStore {
  private readonly api = inject(API_CLIENT);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  readonly summary = signal<UsageSummaryResponseDto | null>(null);
  readonly daily = signal<readonly DailyUsageDto[]>([]);
  readonly models = signal<readonly ModelUsageDto[]>([]);
  readonly calls = signal<readonly ModelCallResponseDto[]>([]);
  readonly groups = signal<readonly AgentGroupResponseDto[]>([]);
  readonly error = signal<string | null>(null);
  readonly loading = signal(false);

  constructor() {
    const subscription = inject(GatewaySocket).events.subscribe((event) => {
      if (event.event === 'agent:run:complete' || event.event === 'agent:run:error') this.refreshSoon();
    });
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
    });
  }

  async load(): Promise<void> {
    this.loading.set(true);
    const client = this.api;
    const [summary, daily, models, calls, groups] = await Promise.all([
      getUsageSummary({ client }),
      getDailyUsage({ client, query: { days: USAGE_DAYS } }),
      getModelUsage({ client, query: { days: USAGE_DAYS } }),
      listModelCalls({ client, query: { limit: RECENT_CALLS } }),
      listAgentGroups({ client }),
    ]);
    this.loading.set(false);
    if (summary.data) this.summary.set(summary.data);
    if (daily.data) this.daily.set(daily.data);
    if (models.data) this.models.set([...models.data].sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls));
    if (calls.data) this.calls.set(calls.data);
    if (groups.data) this.groups.set(groups.data);
    const failed = [summary, daily, models, calls].find((answer) => !answer.data);
    this.error.set(failed ? apiErrorMessage(failed.error, 'Usage could not be loaded.') : null);
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.load();
    }, 1500);
  }
}
