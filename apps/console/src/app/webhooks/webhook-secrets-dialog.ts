import { ClipboardModule } from '@angular/cdk/clipboard';
import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButton, MatIconButton } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialogActions,
  MatDialogClose,
  MatDialogContent,
  MatDialogTitle,
} from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatTooltip } from '@angular/material/tooltip';
import { API_BASE_URL } from '../core/api/api-client';
import { curlInvoke, n8nUsage } from './webhook-usage';

export interface WebhookSecretsData {
  name: string;
  token: string;
  /** Only when the webhook was just created. */
  secret?: string;
}

/** The token (and signing secret) shown once, with copy buttons and examples to paste. */
@Component({
  selector: 'lg-webhook-secrets-dialog',
  imports: [
    ClipboardModule,
    MatButton,
    MatDialogActions,
    MatDialogClose,
    MatDialogContent,
    MatDialogTitle,
    MatIcon,
    MatIconButton,
    MatTooltip,
  ],
  template: `
    <h2 mat-dialog-title>{{ data.name }}: copy these now</h2>
    <mat-dialog-content>
      <p class="once">They are shown only once; the gateway keeps only a hash of the token.</p>
      <div class="secret">
        <span class="label">Token</span>
        <code data-testid="webhook-token">{{ data.token }}</code>
        <button mat-icon-button type="button" matTooltip="Copy token" [cdkCopyToClipboard]="data.token">
          <mat-icon svgIcon="copy" />
        </button>
      </div>
      @if (data.secret) {
        <div class="secret">
          <span class="label">Signing secret</span>
          <code data-testid="webhook-secret">{{ data.secret }}</code>
          <button mat-icon-button type="button" matTooltip="Copy signing secret" [cdkCopyToClipboard]="data.secret">
            <mat-icon svgIcon="copy" />
          </button>
        </div>
        <p class="hint">
          Outbound events carry webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks); verify
          them with this secret.
        </p>
      }
      <div class="example">
        <span class="label">curl</span>
        <pre data-testid="webhook-curl">{{ curl }}</pre>
        <button mat-icon-button type="button" matTooltip="Copy curl command" [cdkCopyToClipboard]="curl">
          <mat-icon svgIcon="copy" />
        </button>
      </div>
      <div class="example">
        <span class="label">n8n</span>
        <pre data-testid="webhook-n8n">{{ n8n }}</pre>
      </div>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-flat-button type="button" mat-dialog-close data-testid="webhook-secrets-done">
        I have copied them
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .once {
      font: var(--mat-sys-body-medium);
      color: var(--mat-sys-error);
    }
    .secret,
    .example {
      display: grid;
      grid-template-columns: 110px 1fr auto;
      align-items: center;
      gap: 8px;
      margin-bottom: 12px;
    }
    code,
    pre {
      overflow-wrap: anywhere;
      white-space: pre-wrap;
      margin: 0;
      padding: 6px 8px;
      border-radius: 4px;
      background: var(--mat-sys-surface-container);
      font-size: 12px;
    }
    .label {
      font: var(--mat-sys-label-large);
    }
    .hint {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookSecretsDialog {
  protected readonly data = inject<WebhookSecretsData>(MAT_DIALOG_DATA);
  private readonly origin = inject(API_BASE_URL) || inject(DOCUMENT).location.origin;
  protected readonly curl = curlInvoke(this.origin, this.data.token);
  protected readonly n8n = n8nUsage(this.origin);
}
