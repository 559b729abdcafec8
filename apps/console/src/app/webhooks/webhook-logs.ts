import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatIcon } from '@angular/material/icon';
import { type WebhookDeliveryDto, listWebhookLogs } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';

/** A webhook's recent deliveries with their retry state, and every attempt of each. */
@Component({
  selector: 'lg-webhook-logs',
  imports: [Alert, DatePipe, MatButton, MatIcon],
  template: `
    <div class="head">
      <strong>Deliveries</strong>
      <button mat-button type="button" (click)="load()" data-testid="webhook-logs-refresh">
        <mat-icon svgIcon="refresh" />
        Refresh
      </button>
    </div>
    @if (error(); as message) {
      <lg-alert>{{ message }}</lg-alert>
    }
    @for (delivery of deliveries(); track delivery.id) {
      <details class="delivery" data-testid="webhook-delivery" [attr.data-status]="delivery.status">
        <summary>
          <span class="status {{ delivery.status }}" data-testid="delivery-status">{{ delivery.status }}</span>
          <code>{{ delivery.event }}</code>
          <span>{{ delivery.attempts }} attempt{{ delivery.attempts === 1 ? '' : 's' }}</span>
          @if (delivery.nextAttemptAt) {
            <span data-testid="delivery-next">next {{ delivery.nextAttemptAt | date: 'medium' }}</span>
          }
          @if (delivery.lastError) {
            <span class="error" data-testid="delivery-error">{{ delivery.lastError }}</span>
          }
        </summary>
        <table>
          <tr>
            <th>#</th>
            <th>When</th>
            <th>Status</th>
            <th>Time</th>
            <th>Response or error</th>
          </tr>
          @for (attempt of delivery.log; track attempt.attempt) {
            <tr data-testid="delivery-attempt">
              <td>{{ attempt.attempt }}</td>
              <td>{{ attempt.createdAt | date: 'medium' }}</td>
              <td>{{ attempt.statusCode ?? '—' }}</td>
              <td>{{ attempt.durationMs }} ms</td>
              <td>
                <code>{{ attempt.error ?? attempt.responseExcerpt ?? '' }}</code>
              </td>
            </tr>
          }
        </table>
      </details>
    } @empty {
      @if (!error()) {
        <p class="empty">No deliveries yet.</p>
      }
    }
  `,
  styles: `
    .head {
      display: flex;
      align-items: center;
      justify-content: space-between;
    }
    .delivery summary {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      align-items: center;
      cursor: pointer;
      padding: 4px 0;
    }
    .status {
      padding: 1px 8px;
      border-radius: 999px;
      font: var(--mat-sys-label-small);
      background: var(--mat-sys-surface-container-high);
    }
    .status.delivered {
      background: var(--mat-sys-primary-container);
    }
    .status.failed,
    .status.cancelled {
      background: var(--mat-sys-error-container);
    }
    .error {
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
    }
    table {
      width: 100%;
      font: var(--mat-sys-body-small);
      border-collapse: collapse;
    }
    th,
    td {
      text-align: left;
      padding: 2px 6px;
      vertical-align: top;
    }
    code {
      overflow-wrap: anywhere;
    }
    .empty {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookLogs {
  private readonly api = inject(API_CLIENT);

  readonly webhookId = input.required<string>();
  protected readonly deliveries = signal<readonly WebhookDeliveryDto[]>([]);
  protected readonly error = signal<string | null>(null);

  constructor() {
    effect(() => {
      this.webhookId();
      void this.load();
    });
  }

  protected async load(): Promise<void> {
    const { data, error } = await listWebhookLogs({
      client: this.api,
      path: { id: this.webhookId() },
      query: { limit: 50 },
    });
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The delivery log could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.deliveries.set(data);
  }
}
