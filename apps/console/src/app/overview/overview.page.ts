import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { ActivityFeed } from '../activity/activity-feed';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { PageHeader } from '../core/ui/page-header';
import { ConnectionStatus } from '../shell/connection-status';
import { ContainerMode } from './container-mode';
import { DashboardTiles } from './dashboard-tiles';
import { GatewayHealth } from './gateway-health';

/** The landing page: today's runs, spend and what waits; is the gateway healthy; what happened. */
@Component({
  selector: 'lg-overview-page',
  imports: [
    ActivityFeed,
    ConnectionStatus,
    ContainerMode,
    DashboardTiles,
    GatewayHealth,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    PageHeader,
  ],
  template: `
    <lg-page-header heading="Overview" lead="Today at a glance, gateway health and the activity." />
    <lg-dashboard-tiles />
    <div class="grid">
      <div class="side">
        <lg-gateway-health />
        <lg-container-mode />
      </div>
      <mat-card appearance="outlined" class="activity" data-testid="overview-activity">
        <mat-card-header>
          <mat-card-title>Activity</mat-card-title>
          <lg-connection-status [state]="connection()" [retryInMs]="retryInMs()" />
        </mat-card-header>
        <mat-card-content>
          <lg-activity-feed />
        </mat-card-content>
      </mat-card>
    </div>
  `,
  styles: `
    .side {
      display: grid;
      gap: 24px;
    }
    .grid {
      display: grid;
      grid-template-columns: minmax(260px, 340px) minmax(0, 1fr);
      gap: 24px;
      align-items: start;
    }
    @media (max-width: 899.98px) {
      .grid {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    mat-card-header {
      align-items: center;
      justify-content: space-between;
      padding-bottom: 8px;
    }
    .activity mat-card-content {
      max-height: calc(100vh - 260px);
      min-height: 160px;
      overflow: auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OverviewPage {
  private readonly socket = inject(GatewaySocket);

  protected readonly connection = this.socket.state;
  protected readonly retryInMs = this.socket.nextRetryMs;
}
