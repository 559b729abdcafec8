import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MatCard,
  MatCardActions,
  MatCardContent,
  MatCardHeader,
  MatCardSubtitle,
  MatCardTitle,
} from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import type { WebhookCreatedResponseDto, WebhookResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { WebhookFormDialog, type WebhookFormData } from './webhook-form-dialog';
import { WebhookLogs } from './webhook-logs';
import { WebhookSecretsDialog, type WebhookSecretsData } from './webhook-secrets-dialog';
import { WebhooksStore } from './webhooks.store';
import { IfAdmin, injectCanChange } from '../core/session/if-admin';

const PLATFORM_NAMES: Record<WebhookResponseDto['platform'], string> = {
  n8n: 'n8n',
  make: 'Make.com',
  generic: 'HTTP',
};

/** Webhooks: inbound tokens for n8n, Make.com or any HTTP client, and signed outbound events. */
@Component({
  selector: 'lg-webhooks-page',
  imports: [
    IfAdmin,
    Alert,
    DatePipe,
    MatButton,
    MatCard,
    MatCardActions,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatIcon,
    MatProgressBar,
    MatSlideToggle,
    PageHeader,
    WebhookLogs,
  ],
  providers: [WebhooksStore],
  templateUrl: './webhooks.page.html',
  styleUrl: './webhooks.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhooksPage {
  /** Viewers see the switches, off. */
  protected readonly canChange = injectCanChange();
  private readonly store = inject(WebhooksStore);
  private readonly dialog = inject(MatDialog);

  protected readonly webhooks = this.store.webhooks;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly platformNames = PLATFORM_NAMES;
  protected readonly actionError = signal<string | null>(null);
  /** The webhook whose delivery log is open. */
  protected readonly logsOf = signal<string | null>(null);

  constructor() {
    void this.store.load();
  }

  protected openForm(webhook?: WebhookResponseDto): void {
    this.actionError.set(null);
    this.dialog
      .open<WebhookFormDialog, WebhookFormData, WebhookResponseDto | WebhookCreatedResponseDto>(WebhookFormDialog, {
        data: { webhook, events: this.store.events() },
        width: '720px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (!saved) return;
        this.store.saved(saved);
        if ('token' in saved && 'secret' in saved) {
          this.showSecrets({ name: saved.name, token: saved.token, secret: saved.secret });
        }
      });
  }

  protected async setEnabled(webhook: WebhookResponseDto, change: MatSlideToggleChange): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.setEnabled(webhook, change.checked);
    if (problem) {
      change.source.checked = webhook.enabled;
      this.actionError.set(problem);
    }
  }

  protected confirmRotate(webhook: WebhookResponseDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Rotate the token of ${webhook.name}?`,
        message: 'The current token stops working at once; callers need the new one.',
        confirmLabel: 'Rotate',
        action: async () => {
          const result = await this.store.rotate(webhook);
          if (typeof result === 'string') return result;
          this.showSecrets({ name: result.name, token: result.token });
          return null;
        },
      },
      width: '440px',
    });
  }

  protected confirmDelete(webhook: WebhookResponseDto): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${webhook.name}?`,
        message: 'Its token is refused from now on and its queued deliveries and delivery log are dropped.',
        confirmLabel: 'Delete',
        action: () => this.store.remove(webhook),
      },
      width: '440px',
    });
  }

  protected toggleLogs(webhook: WebhookResponseDto): void {
    this.logsOf.update((open) => (open === webhook.id ? null : webhook.id));
  }

  private showSecrets(data: WebhookSecretsData): void {
    this.dialog.open<WebhookSecretsDialog, WebhookSecretsData>(WebhookSecretsDialog, {
      data,
      width: '720px',
      maxWidth: '95vw',
      disableClose: true,
    });
  }
}
