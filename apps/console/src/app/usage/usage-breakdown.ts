import { CurrencyPipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DOCUMENT, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatButtonToggle, MatButtonToggleGroup } from '@angular/material/button-toggle';
import { MatCard, MatCardContent, MatCardHeader, MatCardSubtitle, MatCardTitle } from '@angular/material/card';
import { MatFormField, MatLabel } from '@angular/material/form-field';
import { MatIcon } from '@angular/material/icon';
import { MatInput } from '@angular/material/input';
import { type UsageBreakdownResponseDto, getUsageBreakdown } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { breakdownCsv, breakdownFileName } from './usage-breakdown-csv';

type Dimension = UsageBreakdownResponseDto['by'];

/**
 * What spent the money: usage per origin, group, channel or agent role (sub-agents by their role,
 * other runs as the top-level agent) over a date range, with a CSV export.
 */
@Component({
  selector: 'lg-usage-breakdown',
  imports: [
    Alert,
    CurrencyPipe,
    DecimalPipe,
    FormsModule,
    MatButton,
    MatButtonToggle,
    MatButtonToggleGroup,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatFormField,
    MatIcon,
    MatInput,
    MatLabel,
  ],
  template: `
    <mat-card appearance="outlined" class="section" data-testid="usage-breakdown">
      <mat-card-header>
        <mat-card-title>What spent</mat-card-title>
        <mat-card-subtitle>
          @if (result(); as r) {
            {{ r.from }} to {{ r.to }} ({{ r.timezone }})
          }
        </mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <div class="controls">
          <mat-button-toggle-group
            [value]="by()"
            (change)="by.set($event.value); load()"
            aria-label="Break down by"
            data-testid="breakdown-by"
          >
            <mat-button-toggle value="origin">By origin</mat-button-toggle>
            <mat-button-toggle value="group">By group</mat-button-toggle>
            <mat-button-toggle value="channel">By channel</mat-button-toggle>
            <mat-button-toggle value="role">By agent role</mat-button-toggle>
          </mat-button-toggle-group>
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>From</mat-label>
            <input matInput type="date" [(ngModel)]="from" (change)="load()" data-testid="breakdown-from" />
          </mat-form-field>
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>To</mat-label>
            <input matInput type="date" [(ngModel)]="to" (change)="load()" data-testid="breakdown-to" />
          </mat-form-field>
          <button
            mat-stroked-button
            type="button"
            data-testid="breakdown-csv"
            [disabled]="!result()"
            (click)="download()"
          >
            <mat-icon svgIcon="save" />
            CSV
          </button>
        </div>
        @if (error(); as message) {
          <lg-alert data-testid="breakdown-error">{{ message }}</lg-alert>
        }
        <table class="table" data-testid="breakdown-table">
          <thead>
            <tr>
              <th>{{ headings[by()] }}</th>
              <th class="num">Calls</th>
              <th class="num">Input</th>
              <th class="num">Output</th>
              <th class="num">Cached</th>
              <th class="num">Cost</th>
              <th class="num">Caching saved</th>
            </tr>
          </thead>
          <tbody>
            @for (row of result()?.rows ?? []; track row.key) {
              <tr data-testid="breakdown-row" [attr.data-key]="row.key">
                <td data-testid="breakdown-label">{{ row.label }}</td>
                <td class="num" data-testid="breakdown-calls">{{ row.calls | number }}</td>
                <td class="num">{{ row.inputTokens | number }}</td>
                <td class="num">{{ row.outputTokens | number }}</td>
                <td class="num">{{ row.cacheReadTokens | number }}</td>
                <td class="num" data-testid="breakdown-cost">
                  {{ row.costUsd | currency: 'USD' : 'symbol' : '1.2-4' }}
                </td>
                <td class="num">{{ row.cacheSavedUsd | currency: 'USD' : 'symbol' : '1.2-4' }}</td>
              </tr>
            } @empty {
              <tr>
                <td colspan="7" class="empty" data-testid="breakdown-empty">No model calls in this range.</td>
              </tr>
            }
          </tbody>
        </table>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .section {
      margin-bottom: 16px;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin: 8px 0 12px;
    }
    .table {
      width: 100%;
      border-collapse: collapse;
      th,
      td {
        text-align: left;
        padding: 6px 8px;
        border-bottom: 1px solid var(--mat-sys-outline-variant);
      }
      .num {
        text-align: right;
      }
    }
    .empty {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageBreakdown {
  private readonly api = inject(API_CLIENT);
  private readonly document = inject(DOCUMENT);

  protected readonly by = signal<Dimension>('origin');
  protected from = '';
  protected to = '';
  protected readonly result = signal<UsageBreakdownResponseDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly headings: Record<Dimension, string> = {
    origin: 'Origin',
    group: 'Agent group',
    channel: 'Channel',
    role: 'Agent role',
  };

  constructor() {
    void this.load();
  }

  /** Fetched again by the page when a run finishes. */
  async load(): Promise<void> {
    const query = { by: this.by(), ...(this.from ? { from: this.from } : {}), ...(this.to ? { to: this.to } : {}) };
    const { data, error } = await getUsageBreakdown({ client: this.api, query });
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The breakdown could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.result.set(data);
    // The range the gateway used (its defaults, in its time zone) becomes the one shown.
    this.from = data.from;
    this.to = data.to;
  }

  protected download(): void {
    const breakdown = this.result();
    const window = this.document.defaultView;
    if (!breakdown || !window) return;
    const url = window.URL.createObjectURL(new Blob([breakdownCsv(breakdown)], { type: 'text/csv' }));
    const link = this.document.createElement('a');
    link.href = url;
    link.download = breakdownFileName(breakdown);
    link.click();
    window.URL.revokeObjectURL(url);
  }
}
