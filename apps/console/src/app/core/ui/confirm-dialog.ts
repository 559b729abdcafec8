import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialogActions,
  MatDialogClose,
  MatDialogContent,
  MatDialogRef,
  MatDialogTitle,
} from '@angular/material/dialog';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { Alert } from './alert';

export interface ConfirmDialogData {
  title: string;
  message: string;
  confirmLabel: string;
  /** Runs on confirm; resolves to an error message to show, or null when done. */
  action: () => Promise<string | null>;
}

/**
 * "Are you sure?" for a destructive action. The action runs inside the dialog, so a refusal from the
 * gateway (say, a 409) is shown where the operator asked; the dialog closes with true once it is done.
 */
@Component({
  selector: 'lg-confirm-dialog',
  imports: [Alert, MatButton, MatDialogActions, MatDialogClose, MatDialogContent, MatDialogTitle, MatProgressSpinner],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      @if (error(); as message) {
        <lg-alert data-testid="confirm-error">{{ message }}</lg-alert>
      }
      <p>{{ data.message }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>{{ error() ? 'Close' : 'Cancel' }}</button>
      @if (!error()) {
        <button
          mat-flat-button
          type="button"
          class="danger"
          data-testid="confirm"
          [disabled]="busy()"
          (click)="confirm()"
        >
          @if (busy()) {
            <mat-progress-spinner mode="indeterminate" diameter="18" [attr.aria-label]="data.confirmLabel" />
          } @else {
            {{ data.confirmLabel }}
          }
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    lg-alert {
      display: block;
      margin-bottom: 12px;
    }
    .danger {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  private readonly dialog = inject<MatDialogRef<ConfirmDialog, boolean>>(MatDialogRef);
  protected readonly data = inject<ConfirmDialogData>(MAT_DIALOG_DATA);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async confirm(): Promise<void> {
    this.busy.set(true);
    const error = await this.data.action();
    this.busy.set(false);
    if (error) this.error.set(error);
    else this.dialog.close(true);
  }
}
