import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButton, MatIconButton } from '@angular/material/button';
import { MatIcon } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { AttentionStore } from './attention.store';
import { IfAdmin } from '../core/session/if-admin';

/** The toasts of things that need the operator, bottom right on every page. */
@Component({
  selector: 'lg-attention-toasts',
  imports: [IfAdmin, MatButton, MatIcon, MatIconButton, RouterLink],
  template: `
    <section class="toasts" aria-label="Needs attention" aria-live="polite">
      @for (toast of toasts(); track toast.key) {
        <div
          class="toast"
          [class]="toast.tone"
          role="status"
          data-testid="attention-toast"
          [attr.data-kind]="toast.kind"
          [attr.data-key]="toast.key"
        >
          <mat-icon [svgIcon]="toast.kind === 'approval' ? 'approval' : 'error'" />
          <div class="body">
            <strong data-testid="attention-toast-title">{{ toast.title }}</strong>
            <span class="detail" data-testid="attention-toast-detail">{{ toast.detail }}</span>
            @if (toast.error) {
              <span class="problem" role="alert" data-testid="attention-toast-error">{{ toast.error }}</span>
            }
            <div class="actions">
              @if (toast.approvalId) {
                <button
                  *lgIfAdmin
                  mat-flat-button
                  type="button"
                  data-testid="attention-approve"
                  [disabled]="deciding().has(toast.key)"
                  (click)="store.decide(toast, 'approve')"
                >
                  Approve
                </button>
                <button
                  *lgIfAdmin
                  mat-stroked-button
                  type="button"
                  data-testid="attention-reject"
                  [disabled]="deciding().has(toast.key)"
                  (click)="store.decide(toast, 'reject')"
                >
                  Reject
                </button>
              }
              <a mat-button data-testid="attention-open" [routerLink]="toast.link" (click)="store.dismiss(toast.key)"
                >Open</a
              >
            </div>
          </div>
          <button
            mat-icon-button
            type="button"
            class="close"
            aria-label="Dismiss"
            data-testid="attention-dismiss"
            (click)="store.dismiss(toast.key)"
          >
            <mat-icon svgIcon="close" />
          </button>
        </div>
      }
    </section>
  `,
  styles: `
    .toasts {
      position: fixed;
      right: 16px;
      bottom: 16px;
      z-index: 1000;
      display: flex;
      flex-direction: column;
      gap: 8px;
      width: min(400px, calc(100vw - 32px));
      pointer-events: none;
    }
    .toast {
      pointer-events: auto;
      display: flex;
      gap: 10px;
      align-items: flex-start;
      padding: 12px 8px 10px 14px;
      border-radius: 12px;
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface);
      box-shadow: var(--mat-sys-level3);
      border-left: 4px solid var(--mat-sys-tertiary);
    }
    .toast.error {
      border-left-color: var(--mat-sys-error);
    }
    .body {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
      gap: 4px;
      font: var(--mat-sys-body-medium);
    }
    .detail {
      color: var(--mat-sys-on-surface-variant);
      overflow-wrap: anywhere;
    }
    .problem {
      color: var(--mat-sys-error);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin-top: 6px;
    }
    mat-icon {
      flex: none;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttentionToasts {
  protected readonly store = inject(AttentionStore);
  protected readonly toasts = this.store.toasts;
  protected readonly deciding = this.store.decidingKeys;
}
