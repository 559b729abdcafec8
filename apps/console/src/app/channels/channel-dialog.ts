import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
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
  type AgentGroupResponseDto,
  type ChannelResponseDto,
  createChannel,
  updateChannel,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { Alert } from '../core/ui/alert';
import { DialogSubmission } from '../core/ui/dialog-submission';
import { EmailChannelFields, emailChannelForm, emailChannelSettings } from './email-channel-fields';
import { MattermostChannelFields, mattermostChannelForm, mattermostChannelSettings } from './mattermost-channel-fields';

export interface ChannelDialogData {
  /** The channel to edit; none for a new one. */
  channel?: ChannelResponseDto;
  groups: readonly AgentGroupResponseDto[];
}

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';
const BOT_TOKEN = /^\d{1,20}:[\w-]{20,200}$/;
const HTTP_URL = /^https?:\/\/[^\s/]+/i;
const SENDERS = /^\s*(-?\d{1,20}\s*([,\s]\s*-?\d{1,20}\s*)*)?$/;
/** WhatsApp: phone numbers in international format, `+` optional, no spaces inside a number. */
const PHONE_SENDERS = /^\s*(\+?\d{5,20}\s*([,\s]\s*\+?\d{5,20}\s*)*)?$/;

/**
 * Create or edit a channel: Telegram, email, Mattermost, or WhatsApp (no settings: the channel shows a
 * QR code to scan once saved), and who may decide held tool calls from the chat. Only the chosen
 * type's fields are shown and checked. Secrets (bot tokens, mail password) are write-only: when editing, an empty field keeps the stored one. Closes with the saved
 * channel.
 */
@Component({
  selector: 'lg-channel-dialog',
  imports: [
    Alert,
    EmailChannelFields,
    MattermostChannelFields,
    MatButton,
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
    <h2 mat-dialog-title>{{ channel ? 'Edit ' + channel.name : 'New channel' }}</h2>
    <mat-dialog-content>
      @if (error(); as message) {
        <lg-alert data-testid="form-error">{{ message }}</lg-alert>
      }
      <form [formGroup]="form" id="channel-form" (ngSubmit)="save()">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Type</mat-label>
          <mat-select formControlName="type" data-testid="channel-type">
            <mat-option value="telegram">Telegram</mat-option>
            <mat-option value="email">Email (IMAP + SMTP)</mat-option>
            <mat-option value="whatsapp">WhatsApp</mat-option>
            <mat-option value="mattermost">Mattermost</mat-option>
          </mat-select>
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" data-testid="channel-name" maxlength="200" />
          @if (form.controls.name.hasError('required')) {
            <mat-error>A name is required</mat-error>
          }
        </mat-form-field>
        @if (type() === 'telegram') {
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>Bot token</mat-label>
            <input
              matInput
              type="password"
              autocomplete="off"
              formControlName="botToken"
              data-testid="channel-bot-token"
              [placeholder]="channel ? 'Stored — leave empty to keep it' : '123456789:AA…'"
            />
            <mat-hint>From &#64;BotFather. Stored encrypted; never shown again.</mat-hint>
            @if (form.controls.botToken.hasError('required')) {
              <mat-error>A bot token is required</mat-error>
            } @else if (form.controls.botToken.hasError('pattern')) {
              <mat-error>A token looks like 123456789:AA… (from &#64;BotFather)</mat-error>
            }
          </mat-form-field>
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>Bot API server</mat-label>
            <input matInput formControlName="apiRoot" data-testid="channel-api-root" [placeholder]="defaultApiRoot" />
            <mat-hint>Only for a self-hosted Bot API server; empty uses Telegram's.</mat-hint>
            @if (form.controls.apiRoot.hasError('pattern')) {
              <mat-error>An http:// or https:// URL</mat-error>
            }
          </mat-form-field>
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>Allowed Telegram user ids</mat-label>
            <input
              matInput
              formControlName="allowedSenders"
              data-testid="channel-allowed-senders"
              placeholder="123456789, 987654321"
            />
            <mat-hint>Comma-separated. Empty: anyone who finds the bot can talk to the agent.</mat-hint>
            @if (form.controls.allowedSenders.hasError('pattern')) {
              <mat-error>Numeric user ids, separated by commas</mat-error>
            }
          </mat-form-field>
        }
        @if (type() === 'whatsapp') {
          <p class="note" data-testid="channel-whatsapp-note">
            No settings needed: once saved, the channel shows a QR code on the channels page. Scan it with WhatsApp on
            the phone the agent should use (Settings → Linked devices → Link a device).
          </p>
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>Allowed phone numbers</mat-label>
            <input
              matInput
              formControlName="phoneSenders"
              data-testid="channel-allowed-senders"
              placeholder="+491701234567, +447700900123"
            />
            <mat-hint
              >International format, comma-separated. Empty: anyone who writes to the number can talk to the
              agent.</mat-hint
            >
            @if (form.controls.phoneSenders.hasError('pattern')) {
              <mat-error>Phone numbers like +491701234567, separated by commas</mat-error>
            }
          </mat-form-field>
        }
        <!-- Email: its own fields component (email-channel-fields.ts). -->
        @if (type() === 'email') {
          <lg-email-channel-fields [form]="form.controls.email" [editing]="!!channel" />
        }
        @if (type() === 'mattermost') {
          <lg-mattermost-channel-fields [form]="form.controls.mattermost" [editing]="!!channel" />
        }
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Approvers</mat-label>
          <input matInput formControlName="approvers" data-testid="channel-approvers" [placeholder]="approverHint()" />
          <mat-hint
            >Who may answer held tool calls from the chat with /approve and /reject (same ids as the allowed senders).
            They get a message for each held call of this channel's runs.</mat-hint
          >
        </mat-form-field>
        <mat-slide-toggle formControlName="approvalsChat" data-testid="channel-approvals-chat"
          >Approvals chat: the approvers hear of every held call, whatever started the run</mat-slide-toggle
        >
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Agent group</mat-label>
          <mat-select formControlName="groupId" data-testid="channel-group">
            <mat-option value="">Default group</mat-option>
            @for (group of data.groups; track group.id) {
              <mat-option [value]="group.id">{{ group.name }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-slide-toggle formControlName="enabled" data-testid="channel-enabled">Enabled</mat-slide-toggle>
      </form>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button mat-flat-button type="submit" form="channel-form" data-testid="channel-save" [disabled]="busy()">
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
    lg-alert {
      display: block;
      margin-bottom: 12px;
    }
    .note {
      margin: 0 0 8px;
      font: var(--mat-sys-body-medium);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelDialog {
  private readonly api = inject(API_CLIENT);
  private readonly dialog = inject<MatDialogRef<ChannelDialog, ChannelResponseDto>>(MatDialogRef);

  protected readonly data = inject<ChannelDialogData>(MAT_DIALOG_DATA);
  protected readonly channel = this.data.channel;
  protected readonly defaultApiRoot = TELEGRAM_API_ROOT;
  private readonly submission = new DialogSubmission();
  protected readonly error = this.submission.error;
  protected readonly busy = this.submission.busy;

  private readonly storedApiRoot = (this.channel?.config['apiRoot'] as string | undefined) ?? '';

  protected readonly form = inject(NonNullableFormBuilder).group({
    type: [{ value: this.channel?.type ?? 'telegram', disabled: Boolean(this.channel) }],
    name: [this.channel?.name ?? '', [Validators.required, Validators.maxLength(200)]],
    botToken: [
      '',
      this.channel ? [Validators.pattern(BOT_TOKEN)] : [Validators.required, Validators.pattern(BOT_TOKEN)],
    ],
    apiRoot: [this.storedApiRoot === TELEGRAM_API_ROOT ? '' : this.storedApiRoot, Validators.pattern(HTTP_URL)],
    allowedSenders: [this.channel?.allowedSenders.join(', ') ?? '', Validators.pattern(SENDERS)],
    phoneSenders: [
      this.channel?.allowedSenders.map((n) => `+${n}`).join(', ') ?? '',
      Validators.pattern(PHONE_SENDERS),
    ],
    groupId: [this.channel?.groupId ?? ''],
    enabled: [this.channel?.enabled ?? true],
    email: emailChannelForm(inject(NonNullableFormBuilder), this.channel),
    mattermost: mattermostChannelForm(inject(NonNullableFormBuilder), this.channel),
    approvers: [this.channel?.approvers.join(', ') ?? ''],
    approvalsChat: [this.channel?.approvalsChat ?? false],
  });

  protected readonly type = toSignal(this.form.controls.type.valueChanges, {
    initialValue: this.form.controls.type.value,
  });

  /** An example of the chosen type's sender ids. */
  protected readonly approverHint = computed(
    () =>
      ({ telegram: '123456789', email: 'boss@example.com', whatsapp: '+491701234567', mattermost: 'alice' })[
        this.type()
      ] ?? '',
  );

  constructor() {
    this.showOnly(this.form.controls.type.value);
    this.form.controls.type.valueChanges.pipe(takeUntilDestroyed()).subscribe((type) => this.showOnly(type));
  }

  /** Only the chosen type's fields are checked and sent: the others are disabled. */
  private showOnly(type: string): void {
    const telegram = [this.form.controls.botToken, this.form.controls.apiRoot, this.form.controls.allowedSenders];
    for (const control of telegram) {
      if (type === 'telegram') control.enable();
      else control.disable();
    }
    if (type === 'email') this.form.controls.email.enable();
    else this.form.controls.email.disable();
    if (type === 'whatsapp') this.form.controls.phoneSenders.enable();
    else this.form.controls.phoneSenders.disable();
    if (type === 'mattermost') this.form.controls.mattermost.enable();
    else this.form.controls.mattermost.disable();
  }

  protected async save(): Promise<void> {
    const value = this.form.getRawValue();
    const token = value.botToken.trim();
    const telegramConfig = { apiRoot: value.apiRoot.trim() || null, ...(token ? { botToken: token } : {}) };
    const telegramSenders = value.allowedSenders.split(/[,\s]+/).filter(Boolean);
    const { config, allowedSenders } =
      value.type === 'email'
        ? emailChannelSettings(value.email)
        : value.type === 'mattermost'
          ? mattermostChannelSettings(value.mattermost)
          : value.type === 'whatsapp'
            ? { config: {}, allowedSenders: value.phoneSenders.split(/[,\s]+/).filter(Boolean) }
            : { config: telegramConfig, allowedSenders: telegramSenders };
    const approvers = value.approvers.split(/[,\s]+/).filter(Boolean);
    const saved = await this.submission.submit(
      this.form,
      () =>
        this.channel
          ? updateChannel({
              client: this.api,
              path: { id: this.channel.id },
              body: {
                name: value.name.trim(),
                config,
                allowedSenders,
                approvers,
                approvalsChat: value.approvalsChat,
                groupId: value.groupId || null,
                enabled: value.enabled,
              },
            })
          : createChannel({
              client: this.api,
              body: {
                type: value.type,
                name: value.name.trim(),
                config,
                allowedSenders,
                ...(approvers.length > 0 ? { approvers } : {}),
                ...(value.approvalsChat ? { approvalsChat: true } : {}),
                ...(value.groupId ? { groupId: value.groupId } : {}),
                enabled: value.enabled,
              },
            }),
      'The channel could not be saved.',
    );
    if (!saved) return;
    this.form.controls.botToken.setValue(''); // the token does not stay in the page
    this.form.controls.email.controls.password.setValue('');
    this.form.controls.mattermost.controls.botToken.setValue('');
    this.dialog.close(saved);
  }
}
