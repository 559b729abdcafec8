import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatTooltip } from '@angular/material/tooltip';
import type { ConnectionState } from '../core/realtime/gateway-socket';

const LABELS: Record<ConnectionState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  offline: 'Offline',
};

/** The live connection's state as a small status pill: connected / connecting / offline. */
@Component({
  selector: 'lg-connection-status',
  imports: [MatTooltip],
  template: `
    <span
      class="status"
      [class]="state()"
      role="status"
      data-testid="connection-status"
      [attr.data-state]="state()"
      [matTooltip]="detail()"
    >
      <span class="dot" aria-hidden="true"></span>
      <span class="label">{{ label() }}</span>
    </span>
  `,
  styles: `
    .status {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 4px 10px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface);
      white-space: nowrap;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--mat-sys-outline);
    }
    .connected .dot {
      background: light-dark(#2e7d32, #81c784);
      box-shadow: 0 0 0 3px color-mix(in srgb, light-dark(#2e7d32, #81c784) 25%, transparent);
    }
    .connecting .dot {
      background: light-dark(#ed6c02, #ffb74d);
      animation: pulse 1s ease-in-out infinite alternate;
    }
    .offline .dot {
      background: var(--mat-sys-error);
    }
    @keyframes pulse {
      to {
        opacity: 0.3;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionStatus {
  readonly state = input.required<ConnectionState>();
  /** While offline: when the next attempt is due. */
  readonly retryInMs = input<number | null>(null);

  protected readonly label = computed(() => LABELS[this.state()]);
  protected readonly detail = computed(() => {
    const retry = this.retryInMs();
    switch (this.state()) {
      case 'connected':
        return 'Live events: connected to the gateway';
      case 'connecting':
        return 'Live events: connecting to the gateway…';
      case 'offline':
        return retry === null
          ? 'Live events: not connected'
          : `Live events: connection lost, retrying in ${Math.max(1, Math.round(retry / 1000))} s`;
    }
  });
}
