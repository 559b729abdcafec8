import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIcon } from '@angular/material/icon';
import type { ConsoleIcon } from './icons';

/** A message box above a form: an error from the API, or a notice. */
@Component({
  selector: 'lg-alert',
  imports: [MatIcon],
  template: `
    <div class="alert" [class]="tone()" [attr.role]="tone() === 'error' ? 'alert' : 'status'">
      <mat-icon [svgIcon]="shownIcon()" />
      <div class="text"><ng-content /></div>
    </div>
  `,
  styles: `
    .alert {
      display: flex;
      gap: 10px;
      align-items: flex-start;
      padding: 12px 14px;
      border-radius: 8px;
      font: var(--mat-sys-body-medium);
    }
    .error {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .info {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    mat-icon {
      flex: none;
      width: 20px;
      height: 20px;
    }
    .text {
      white-space: pre-line;
      padding-top: 1px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Alert {
  readonly tone = input<'error' | 'info'>('error');
  /** Replaces the tone's icon (error: "error", info: "lock"). */
  readonly icon = input<ConsoleIcon>();
  protected readonly shownIcon = computed(() => this.icon() ?? (this.tone() === 'error' ? 'error' : 'lock'));
}
