import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { BudgetUseDto } from '@loop-gateway/api-client';

/** Share of a budget used, 0–100 (0 without a cap). */
export function budgetPercent(use: BudgetUseDto): number {
  if (use.limit === null || use.limit <= 0) return 0;
  return Math.min(100, Math.round((use.used / use.limit) * 1000) / 10);
}

/** Tokens used in a budget window, as a bar against its cap (or just the count when there is none). */
@Component({
  selector: 'lg-budget-bar',
  imports: [DecimalPipe],
  template: `
    <div class="budget" data-testid="budget" [attr.data-window]="label()">
      <div class="line">
        <span class="label">{{ label() }}</span>
        <span class="value" data-testid="budget-value">
          @if (use().limit === null) {
            {{ use().used | number }} tokens · no cap
          } @else {
            {{ use().used | number }} / {{ use().limit | number }} tokens
          }
        </span>
      </div>
      @if (use().limit !== null) {
        <div
          class="track"
          role="meter"
          [attr.aria-label]="label() + ' budget used'"
          aria-valuemin="0"
          aria-valuemax="100"
          [attr.aria-valuenow]="percent()"
          [class.high]="percent() >= 80"
          [class.full]="percent() >= 100"
        >
          <div class="fill" [style.width.%]="percent()"></div>
        </div>
      }
    </div>
  `,
  styles: `
    .line {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      font: var(--mat-sys-body-small);
    }
    .label {
      color: var(--mat-sys-on-surface-variant);
    }
    .value {
      font-variant-numeric: tabular-nums;
    }
    .track {
      height: 6px;
      margin-top: 4px;
      border-radius: 3px;
      overflow: hidden;
      background: var(--mat-sys-surface-container-highest);
    }
    .fill {
      height: 100%;
      border-radius: 3px;
      background: var(--mat-sys-primary);
      transition: width 0.3s ease;
    }
    .high .fill {
      background: light-dark(#ed6c02, #ffb74d);
    }
    .full .fill {
      background: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BudgetBar {
  readonly label = input.required<string>();
  readonly use = input.required<BudgetUseDto>();
  protected readonly percent = computed(() => budgetPercent(this.use()));
}
