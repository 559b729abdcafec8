import { CurrencyPipe, DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import {
  type ChannelResponseDto,
  type DashboardResponseDto,
  getDashboard,
  listChannels,
} from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { CHANNEL_NAMES, shortId } from '../activity/event-summary';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { followGateway } from '../core/realtime/follow-gateway';
import { Alert } from '../core/ui/alert';

/** Events after which the numbers are fetched again (at most once a second). */
const REFRESHING = new Set<GatewayEvent['event']>([
  'agent:run:start',
  'agent:run:complete',
  'agent:run:error',
  'agent:run:cancelled',
  'approval:required',
  'approval:resolved',
  'channel:status',
]);

/** The overview's numbers: runs today, spend, approvals, queue, channels and the last errors. */
@Component({
  selector: 'lg-dashboard-tiles',
  imports: [
    Alert,
    CurrencyPipe,
    DatePipe,
    DecimalPipe,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    RouterLink,
  ],
  template: `
    @if (error(); as message) {
      <lg-alert data-testid="dashboard-error">{{ message }}</lg-alert>
    }
    @if (data(); as d) {
      <section class="tiles" aria-label="Today" data-testid="dashboard">
        <a class="tile" routerLink="/runs" data-testid="tile-runs">
          <span class="label">Runs today</span>
          <span class="value" data-testid="runs-completed">{{ d.runsToday.completed | number }}</span>
          <span class="detail">
            completed · <span data-testid="runs-failed">{{ d.runsToday.failed | number }}</span> failed ·
            <span data-testid="runs-running">{{ d.runsToday.running | number }}</span> running
          </span>
        </a>
        <a class="tile" routerLink="/usage" data-testid="tile-spend">
          <span class="label">Spend today</span>
          <span class="value" data-testid="spend-today">{{
            d.spendTodayUsd | currency: 'USD' : 'symbol' : '1.2-4'
          }}</span>
          <span class="detail">{{ d.spendMonthUsd | currency: 'USD' : 'symbol' : '1.2-4' }} this month</span>
        </a>
        <a class="tile" routerLink="/approvals" data-testid="tile-approvals" [class.alert]="d.pendingApprovals > 0">
          <span class="label">Waiting for approval</span>
          <span class="value" data-testid="pending-approvals">{{ d.pendingApprovals | number }}</span>
          <span class="detail">{{ d.queueDepth | number }} run(s) queued</span>
        </a>
      </section>
      <div class="lists">
        <mat-card appearance="outlined">
          <mat-card-header><mat-card-title>Channels</mat-card-title></mat-card-header>
          <mat-card-content>
            @for (channel of channels(); track channel.id) {
              <p class="line" data-testid="dashboard-channel" [attr.data-state]="channel.state">
                <span>{{ channel.name }} ({{ channelNames[channel.type] }})</span>
                <span
                  class="state"
                  [class.bad]="
                    channel.state === 'error' || channel.state === 'logged_out' || channel.state === 'retrying'
                  "
                  >{{ channel.state }}</span
                >
              </p>
            } @empty {
              <p class="none"><a routerLink="/channels">No channels yet.</a></p>
            }
          </mat-card-content>
        </mat-card>
        <mat-card appearance="outlined">
          <mat-card-header><mat-card-title>Last errors</mat-card-title></mat-card-header>
          <mat-card-content>
            @for (failure of d.lastErrors; track failure.runId) {
              <p class="line" data-testid="dashboard-error-run">
                <a [routerLink]="['/runs', failure.runId]">Run {{ shortId(failure.runId) }}</a>
                <span class="when">{{ failure.at | date: 'short' }}</span>
                <span class="why">{{ failure.error }}</span>
              </p>
            } @empty {
              <p class="none" data-testid="dashboard-no-errors">No failed runs.</p>
            }
          </mat-card-content>
        </mat-card>
      </div>
    }
  `,
  styles: `
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(200px, 1fr));
      gap: 16px;
      margin-bottom: 16px;
    }
    .tile {
      display: flex;
      flex-direction: column;
      gap: 4px;
      padding: 16px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      color: inherit;
      text-decoration: none;
    }
    .tile.alert {
      border-color: var(--mat-sys-error);
    }
    .label,
    .detail,
    .when,
    .none {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
    .value {
      font: var(--mat-sys-headline-small);
    }
    .lists {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      gap: 16px;
      margin-bottom: 16px;
    }
    .line {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      justify-content: space-between;
      margin: 4px 0;
    }
    .why {
      flex-basis: 100%;
      overflow-wrap: anywhere;
      font: var(--mat-sys-body-small);
    }
    .state.bad {
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardTiles {
  private readonly api = inject(API_CLIENT);
  private timer: ReturnType<typeof setTimeout> | null = null;

  protected readonly data = signal<DashboardResponseDto | null>(null);
  protected readonly channels = signal<readonly ChannelResponseDto[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly channelNames = CHANNEL_NAMES;
  protected readonly shortId = shortId;

  constructor() {
    followGateway(
      () => this.load(),
      (event) => {
        if (REFRESHING.has(event.event)) this.loadSoon();
      },
    );
    inject(DestroyRef).onDestroy(() => {
      if (this.timer) clearTimeout(this.timer);
    });
  }

  async load(): Promise<void> {
    const [dashboard, channels] = await Promise.all([
      getDashboard({ client: this.api }),
      listChannels({ client: this.api }),
    ]);
    if (!dashboard.data) {
      this.error.set(apiErrorMessage(dashboard.error, 'The dashboard could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.data.set(dashboard.data);
    if (channels.data) this.channels.set(channels.data);
  }

  private loadSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, 1000);
  }
}
