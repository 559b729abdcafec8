import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const LABELS: Record<string, string> = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

/** A tool's risk level as a small coloured chip. */
@Component({
  selector: 'lg-risk-chip',
  template: `<span class="chip" [class]="level()" data-testid="tool-risk" [attr.data-risk]="level()">{{
    label()
  }}</span>`,
  styles: `
    .chip {
      --tone: var(--mat-sys-outline);
      display: inline-block;
      padding: 2px 10px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
      background: color-mix(in srgb, var(--tone) 16%, transparent);
      border: 1px solid color-mix(in srgb, var(--tone) 40%, transparent);
    }
    .low {
      --tone: light-dark(#2e7d32, #81c784);
    }
    .medium {
      --tone: light-dark(#ed6c02, #ffb74d);
    }
    .high {
      --tone: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RiskChip {
  readonly level = input.required<string>();
  protected readonly label = computed(() => LABELS[this.level()] ?? this.level());
}
