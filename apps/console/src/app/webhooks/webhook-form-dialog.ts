import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCheckbox } from '@angular/material/checkbox';
import {
  MAT_DIALOG_DATA,
  MatDialogActions,
  MatDialogClose,
  MatDialogContent,
  MatDialogRef,
  MatDialogTitle,
} from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import {
  type WebhookCreatedResponseDto,
  type WebhookEventDto,
  type WebhookResponseDto,
  createWebhook,
  updateWebhook,
} from '@loop-gateway/api-client';
import { integer } from '../core/ui/validators';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { DialogSubmission } from '../core/ui/dialog-submission';

export interface WebhookFormData {
  /** The webhook to edit; none for a new one. */
  webhook?: WebhookResponseDto;
  events: readonly WebhookEventDto[];
}

type Platform = WebhookResponseDto['platform'];
const PLATFORMS: { value: Platform; label: string }[] = [
  { value: 'n8n', label: 'n8n' },
  { value: 'make', label: 'Make.com' },
  { value: 'generic', label: 'Any HTTP client' },
];
const HTTP_URL = /^https?:\/\/[^\s/]+/i;

/**
 * Create or edit a webhook: name, platform, the events it receives at its target URL, its rate
 * limit and whether it is enabled. Closes with the saved webhook (with token and secret when new).
 */
@Component({
  selector: 'lg-webhook-form-dialog',
  imports: [
    Alert,
    MatButton,
    MatCheckbox,
    MatDialogActions,
    MatDialogClose,
    MatDialogContent,
    MatDialogTitle,
    MatError,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    MatOption,
    MatProgressSpinner,
    MatSelect,
    MatSlideToggle,
    ReactiveFormsModule,
  ],
  template: `
    <h2 mat-dialog-title>{{ webhook ? 'Edit ' + webhook.name : 'New webhook' }}</h2>
    <mat-dialog-content>
      @if (error(); as message) {
        <lg-alert data-testid="form-error">{{ message }}</lg-alert>
      }
      <form [formGroup]="form" id="webhook-form" (ngSubmit)="save()">
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="webhook-name" maxlength="100" />
          @if (form.controls.name.hasError('required')) {
            <mat-error>A name is required</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Platform</mat-label>
          <mat-select formControlName="platform" data-testid="webhook-platform">
            @for (platform of platforms; track platform.value) {
              <mat-option [value]="platform.value">{{ platform.label }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Target URL for events</mat-label>
          <input
            matInput
            formControlName="targetUrl"
            data-testid="webhook-target"
            placeholder="http://n8n:5678/webhook/loop-gateway"
          />
          <mat-hint
            >Where subscribed events are POSTed, signed. May stay empty: the token works at once, and events are sent
            once a target is set here or by the n8n trigger.</mat-hint
          >
          @if (form.controls.targetUrl.hasError('pattern')) {
            <mat-error>An http:// or https:// URL</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Requests per minute</mat-label>
          <input
            matInput
            type="number"
            min="1"
            max="100000"
            formControlName="rateLimitPerMinute"
            data-testid="webhook-rate-limit"
          />
          <mat-hint>Inbound invocations allowed with this token; more get 429 with Retry-After.</mat-hint>
          <mat-error data-testid="webhook-rate-error">A whole number from 1 to 100,000</mat-error>
        </mat-form-field>
        <mat-slide-toggle formControlName="enabled" data-testid="webhook-enabled">
          Enabled (off revokes the token and stops deliveries)
        </mat-slide-toggle>

        <fieldset class="events" data-testid="webhook-events">
          <legend>Events sent to the target URL</legend>
          <mat-checkbox [checked]="all()" (change)="toggleAll($event.checked)" data-testid="webhook-event-all">
            <strong>All events</strong> (*, without the agent:run:text stream)
          </mat-checkbox>
          @for (event of data.events; track event.name) {
            <mat-checkbox
              [checked]="selected().has(event.name)"
              [disabled]="all() && event.inWildcard"
              (change)="toggle(event.name, $event.checked)"
              [attr.data-event]="event.name"
            >
              <code>{{ event.name }}</code> <span class="description">{{ event.description }}</span>
            </mat-checkbox>
          }
        </fieldset>
      </form>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button mat-flat-button type="submit" form="webhook-form" data-testid="webhook-save" [disabled]="busy()">
        @if (busy()) {
          <mat-progress-spinner mode="indeterminate" diameter="18" />
        }
        Save
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    form {
      display: flex;
      flex-direction: column;
      gap: 8px;
      padding-top: 8px;
    }
    .events {
      display: flex;
      flex-direction: column;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      margin-top: 12px;
    }
    .description {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    lg-alert {
      display: block;
      margin-bottom: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookFormDialog {
  private readonly api = inject(API_CLIENT);
  private readonly dialog =
    inject<MatDialogRef<WebhookFormDialog, WebhookResponseDto | WebhookCreatedResponseDto>>(MatDialogRef);

  protected readonly data = inject<WebhookFormData>(MAT_DIALOG_DATA);
  protected readonly webhook = this.data.webhook;
  protected readonly platforms = PLATFORMS;
  private readonly submission = new DialogSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;
  protected readonly all = signal(this.webhook?.events.includes('*') ?? false);
  protected readonly selected = signal<ReadonlySet<string>>(new Set(this.webhook?.events.filter((e) => e !== '*')));

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.webhook?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    platform: [this.webhook?.platform ?? ('n8n' as Platform)],
    targetUrl: [this.webhook?.targetUrl ?? '', Validators.pattern(HTTP_URL)],
    rateLimitPerMinute: [
      this.webhook?.rateLimitPerMinute ?? 60,
      [Validators.required, Validators.min(1), Validators.max(100_000), integer],
    ],
    enabled: [this.webhook?.enabled ?? true],
  });

  protected toggleAll(checked: boolean): void {
    this.all.set(checked);
  }

  protected toggle(event: string, checked: boolean): void {
    this.selected.update((current) => {
      const next = new Set(current);
      if (checked) next.add(event);
      else next.delete(event);
      return next;
    });
  }

  protected async save(): Promise<void> {
    const value = this.form.getRawValue();
    const inWildcard = new Set(this.data.events.filter((e) => e.inWildcard).map((e) => e.name));
    const events = this.all() ? ['*', ...[...this.selected()].filter((e) => !inWildcard.has(e))] : [...this.selected()];
    const body = {
      name: value.name.trim(),
      platform: value.platform,
      targetUrl: value.targetUrl.trim() || null,
      rateLimitPerMinute: Number(value.rateLimitPerMinute),
      enabled: value.enabled,
      events,
    };
    const saved = await this.submission.submit(
      this.form,
      () =>
        this.webhook
          ? updateWebhook({ client: this.api, path: { id: this.webhook.id }, body })
          : createWebhook({ client: this.api, body }),
      'The webhook could not be saved.',
    );
    if (saved) this.dialog.close(saved);
  }
}
