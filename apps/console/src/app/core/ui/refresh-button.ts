import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatIconButton } from '@angular/material/button';
import { MatIcon } from '@angular/material/icon';
import { MatTooltip } from '@angular/material/tooltip';

/** The reload button of a card or page, disabled while it loads. */
@Component({
  selector: 'lg-refresh-button',
  imports: [MatIcon, MatIconButton, MatTooltip],
  template: `
    <button
      mat-icon-button
      type="button"
      [attr.aria-label]="label()"
      matTooltip="Refresh"
      [disabled]="loading()"
      (click)="refresh.emit()"
    >
      <mat-icon svgIcon="refresh" />
    </button>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RefreshButton {
  /** What the button refreshes, for screen readers, e.g. "Refresh runs". */
  readonly label = input.required<string>();
  readonly loading = input(false);
  readonly refresh = output<void>();
}
