import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatIcon } from '@angular/material/icon';
import { type ContainerStateDto, getContainerState } from '@loop-gateway/api-client';
import { filter } from 'rxjs';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { RefreshButton } from '../core/ui/refresh-button';
import { HEALTH_REFRESH_MS } from './gateway-health';

/** GET /api/containers/state as a card: container mode on or off, the engine, the image, the pool. */
@Component({
  selector: 'lg-container-mode',
  imports: [MatCard, MatCardContent, MatCardHeader, MatCardTitle, MatIcon, RefreshButton],
  template: `
    <mat-card appearance="outlined" data-testid="container-card">
      <mat-card-header>
        <mat-card-title>Container isolation</mat-card-title>
        <lg-refresh-button label="Refresh container state" [loading]="loading()" (refresh)="refresh()" />
      </mat-card-header>
      <mat-card-content>
        @if (error(); as message) {
          <p class="problem" role="alert">{{ message }}</p>
        }
        @if (state(); as state) {
          <dl class="facts">
            <dt>Mode</dt>
            <dd data-testid="container-mode">
              {{ state.enabled ? 'On: each agent call runs in its own container' : 'Off (AGENT_CONTAINER_MODE=false)' }}
            </dd>
            <dt>Engine</dt>
            <dd data-testid="container-engine">
              <span class="status" [class.degraded]="!state.engineReachable">
                <mat-icon [svgIcon]="state.engineReachable ? 'check' : 'error'" />
                {{ state.engineReachable ? 'Docker ' + state.engineVersion : 'Not reachable' }}
              </span>
              <span class="detail">{{ state.dockerHost }}</span>
            </dd>
            <dt>Image</dt>
            <dd data-testid="container-image">{{ state.image }} · {{ state.imagePresent ? 'present' : 'missing' }}</dd>
            <dt>Containers</dt>
            <dd data-testid="container-pool">{{ pool() }}</dd>
          </dl>
          @if (state.problem) {
            <p class="problem" role="alert" data-testid="container-problem">{{ state.problem }}</p>
          }
        }
      </mat-card-content>
    </mat-card>
  `,
  styleUrl: './gateway-health.scss',
  styles: `
    .detail {
      display: block;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerMode {
  private readonly api = inject(API_CLIENT);

  protected readonly state = signal<ContainerStateDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly pool = computed(() => {
    const state = this.state();
    if (!state) return '';
    return (
      `${state.running} running of ${state.maxConcurrent} (MAX_CONCURRENT_CONTAINERS), ` +
      `${state.waiting} waiting, ${state.warm} of ${state.warmTarget} warm`
    );
  });

  constructor() {
    void this.refresh();
    // A container started or ended: the numbers changed.
    inject(GatewaySocket)
      .events.pipe(
        filter((event) => event.event === 'container:start' || event.event === 'container:exit'),
        takeUntilDestroyed(),
      )
      .subscribe(() => void this.refresh());
    const timer = setInterval(() => void this.refresh(), inject(HEALTH_REFRESH_MS));
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected async refresh(): Promise<void> {
    if (this.loading()) return;
    this.loading.set(true);
    const { data, error } = await getContainerState({ client: this.api });
    this.loading.set(false);
    if (data) {
      this.state.set(data);
      this.error.set(null);
    } else {
      this.error.set(apiErrorMessage(error, 'The gateway did not answer with the container state.'));
    }
  }
}
