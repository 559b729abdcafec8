import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  InjectionToken,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { type HealthResponseDto, getHealth } from '@loop-gateway/api-client';
import { RefreshButton } from '../core/ui/refresh-button';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { formatUptime } from './format-uptime';

/** How often the health card asks again. */
export const HEALTH_REFRESH_MS = new InjectionToken<number>('HEALTH_REFRESH_MS', {
  providedIn: 'root',
  factory: () => 30_000,
});

/** GET /api/health as a card: status, version, uptime, database. */
@Component({
  selector: 'lg-gateway-health',
  imports: [RefreshButton, MatCard, MatCardContent, MatCardHeader, MatCardTitle, MatIcon, MatProgressBar],
  templateUrl: './gateway-health.html',
  styleUrl: './gateway-health.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GatewayHealth {
  private readonly api = inject(API_CLIENT);

  protected readonly health = signal<HealthResponseDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly formatUptime = formatUptime;

  constructor() {
    // Asks at once, and again whenever the live connection changes (the gateway went away or is back).
    const connection = inject(GatewaySocket).state;
    effect(() => {
      connection();
      untracked(() => void this.refresh());
    });
    const timer = setInterval(() => void this.refresh(), inject(HEALTH_REFRESH_MS));
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected async refresh(): Promise<void> {
    if (this.loading()) return;
    this.loading.set(true);
    const { data, error } = await getHealth({ client: this.api });
    this.loading.set(false);
    if (data) {
      this.health.set(data);
      this.error.set(null);
    } else {
      this.health.set(null);
      this.error.set(apiErrorMessage(error, 'The gateway did not answer the health check.'));
    }
  }
}
