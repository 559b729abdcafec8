import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatIcon } from '@angular/material/icon';
import {
  type WebhookDeliveryDetailDto,
  type WebhookDeliveryDto,
  getWebhookDelivery,
  listWebhookLogs,
  redeliverWebhookDelivery,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { IfAdmin } from '../core/session/if-admin';

/** Whether a delivery can be sent again: it has ended (delivered, failed or cancelled). */
export function canRedeliver(delivery: Pick<WebhookDeliveryDto, 'status'>): boolean {
  return delivery.status === 'delivered' || delivery.status === 'failed' || delivery.status === 'cancelled';
}

/** The body as it was sent, indented for reading (as it is when it is not JSON). */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * A webhook's recent deliveries with their retry state and every attempt of each; a delivery's
 * payload and the headers sent (the signature not shown), and redelivery of an ended one.
 */
@Component({
  selector: 'lg-webhook-logs',
  imports: [Alert, DatePipe, IfAdmin, MatButton, MatIcon],
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
    @if (notice(); as message) {
      <lg-alert data-testid="redeliver-notice">{{ message }}</lg-alert>
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
          @if (delivery.redeliveryOf) {
            <span class="redelivery" data-testid="delivery-redelivery"
              >redelivery of {{ delivery.redeliveryOf.slice(0, 8) }} by {{ delivery.redeliveredBy }}</span
            >
          }
        </summary>
        <div class="actions">
          <button mat-button type="button" data-testid="delivery-view" (click)="view(delivery)">
            {{ shown()?.id === delivery.id ? 'Hide payload' : 'View payload' }}
          </button>
          @if (canRedeliver(delivery)) {
            <button *lgIfAdmin mat-button type="button" data-testid="delivery-redeliver" (click)="redeliver(delivery)">
              Redeliver
            </button>
          }
        </div>
        @if (shown(); as detail) {
          @if (detail.id === delivery.id) {
            <div class="payload" data-testid="delivery-payload">
              <strong>Body</strong>
              <pre data-testid="delivery-body">{{ prettyBody(detail.body) }}</pre>
              @if (lastHeaders(detail); as headers) {
                <strong>Headers sent (last attempt)</strong>
                <table data-testid="delivery-headers">
                  @for (header of headers; track header[0]) {
                    <tr>
                      <th>{{ header[0] }}</th>
                      <td>
                        <code>{{ header[1] }}</code>
                      </td>
                    </tr>
                  }
                </table>
              } @else {
                <p class="empty">No headers were kept for this delivery's attempts.</p>
              }
            </div>
          }
        }
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
    .redelivery {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    pre {
      max-height: 320px;
      overflow: auto;
      padding: 8px;
      background: var(--mat-sys-surface-container);
      font-size: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookLogs {
  private readonly api = inject(API_CLIENT);

  readonly webhookId = input.required<string>();
  protected readonly deliveries = signal<readonly WebhookDeliveryDto[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly shown = signal<WebhookDeliveryDetailDto | null>(null);
  protected readonly canRedeliver = canRedeliver;
  protected readonly prettyBody = prettyBody;

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

  /** Shows (or hides) the delivery's body and the headers its last attempt sent. */
  protected async view(delivery: WebhookDeliveryDto): Promise<void> {
    if (this.shown()?.id === delivery.id) {
      this.shown.set(null);
      return;
    }
    const { data, error } = await getWebhookDelivery({
      client: this.api,
      path: { id: this.webhookId(), deliveryId: delivery.id },
    });
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The delivery could not be loaded.'));
      return;
    }
    this.shown.set(data);
  }

  /** Sends the delivery's body again as a new delivery, then shows it in the list. */
  protected async redeliver(delivery: WebhookDeliveryDto): Promise<void> {
    const { data, error } = await redeliverWebhookDelivery({
      client: this.api,
      path: { id: this.webhookId(), deliveryId: delivery.id },
    });
    if (!data) {
      this.notice.set(apiErrorMessage(error, 'The delivery could not be sent again.'));
      return;
    }
    this.notice.set(`Redelivery queued (${data.id.slice(0, 8)}).`);
    await this.load();
  }

  protected lastHeaders(detail: WebhookDeliveryDetailDto): [string, string][] | null {
    const headers = detail.log.at(-1)?.requestHeaders;
    return headers ? Object.entries(headers) : null;
  }
}
