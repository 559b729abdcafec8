import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import {
  type FormControl,
  type FormGroup,
  type NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import type { ChannelResponseDto } from '@loop-gateway/api-client';

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const HOST = /^[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/i;
/** Addresses or `@domain` entries, separated by commas or spaces. */
const SENDERS = /^\s*((@|[^\s@,<>]+@)[^\s@,<>]+\.[^\s@,<>]+\s*([,\s]\s*(@|[^\s@,<>]+@)[^\s@,<>]+\.[^\s@,<>]+\s*)*)?$/;

export type EmailChannelForm = FormGroup<{
  imapHost: FormControl<string>;
  imapPort: FormControl<number>;
  imapSecure: FormControl<boolean>;
  smtpHost: FormControl<string>;
  smtpPort: FormControl<number>;
  smtpSecure: FormControl<boolean>;
  username: FormControl<string>;
  password: FormControl<string>;
  fromAddress: FormControl<string>;
  allowedSenders: FormControl<string>;
}>;

/**
 * The email part of the channel dialog: IMAP and SMTP server, one login, the from address and the
 * whitelist. The password is write-only: when editing, an empty field keeps the stored one.
 */
export function emailChannelForm(fb: NonNullableFormBuilder, channel?: ChannelResponseDto): EmailChannelForm {
  const stored = channel?.type === 'email' ? channel.config : {};
  const text = (key: string) => (typeof stored[key] === 'string' ? (stored[key] as string) : '');
  const number = (key: string, fallback: number) =>
    typeof stored[key] === 'number' ? (stored[key] as number) : fallback;
  const flag = (key: string) => (typeof stored[key] === 'boolean' ? (stored[key] as boolean) : true);
  const port = [Validators.required, Validators.min(1), Validators.max(65535)];
  return fb.group({
    imapHost: [text('imapHost'), [Validators.required, Validators.pattern(HOST)]],
    imapPort: [number('imapPort', 993), port],
    imapSecure: [flag('imapSecure')],
    smtpHost: [text('smtpHost'), [Validators.required, Validators.pattern(HOST)]],
    smtpPort: [number('smtpPort', 465), port],
    smtpSecure: [flag('smtpSecure')],
    username: [text('username'), Validators.required],
    password: ['', channel?.type === 'email' ? [] : [Validators.required]],
    fromAddress: [text('fromAddress'), [Validators.required, Validators.pattern(ADDRESS)]],
    allowedSenders: [channel?.type === 'email' ? channel.allowedSenders.join(', ') : '', Validators.pattern(SENDERS)],
  });
}

/** The API's `config` and `allowedSenders` from the form; no password when it was left empty. */
export function emailChannelSettings(value: ReturnType<EmailChannelForm['getRawValue']>) {
  const { allowedSenders, password, ...rest } = value;
  return {
    config: {
      ...rest,
      imapHost: rest.imapHost.trim(),
      smtpHost: rest.smtpHost.trim(),
      username: rest.username.trim(),
      fromAddress: rest.fromAddress.trim(),
      imapPort: Number(rest.imapPort),
      smtpPort: Number(rest.smtpPort),
      ...(password ? { password } : {}),
    },
    allowedSenders: allowedSenders.split(/[,\s]+/).filter(Boolean),
  };
}

@Component({
  selector: 'lg-email-channel-fields',
  imports: [MatError, MatFormField, MatHint, MatInput, MatLabel, MatSlideToggle, ReactiveFormsModule],
  template: `
    <ng-container [formGroup]="form()">
      <fieldset>
        <legend>Incoming mail (IMAP)</legend>
        <mat-form-field class="host" subscriptSizing="dynamic">
          <mat-label>IMAP server</mat-label>
          <input matInput formControlName="imapHost" data-testid="email-imap-host" placeholder="imap.example.com" />
          @if (form().controls.imapHost.invalid) {
            <mat-error>A host name, e.g. imap.example.com</mat-error>
          }
        </mat-form-field>
        <mat-form-field class="port" subscriptSizing="dynamic">
          <mat-label>Port</mat-label>
          <input matInput type="number" formControlName="imapPort" data-testid="email-imap-port" />
          @if (form().controls.imapPort.invalid) {
            <mat-error>1–65535</mat-error>
          }
        </mat-form-field>
        <mat-slide-toggle formControlName="imapSecure" data-testid="email-imap-secure">TLS (993)</mat-slide-toggle>
      </fieldset>
      <fieldset>
        <legend>Outgoing mail (SMTP)</legend>
        <mat-form-field class="host" subscriptSizing="dynamic">
          <mat-label>SMTP server</mat-label>
          <input matInput formControlName="smtpHost" data-testid="email-smtp-host" placeholder="smtp.example.com" />
          @if (form().controls.smtpHost.invalid) {
            <mat-error>A host name, e.g. smtp.example.com</mat-error>
          }
        </mat-form-field>
        <mat-form-field class="port" subscriptSizing="dynamic">
          <mat-label>Port</mat-label>
          <input matInput type="number" formControlName="smtpPort" data-testid="email-smtp-port" />
          @if (form().controls.smtpPort.invalid) {
            <mat-error>1–65535</mat-error>
          }
        </mat-form-field>
        <mat-slide-toggle formControlName="smtpSecure" data-testid="email-smtp-secure">TLS (465)</mat-slide-toggle>
      </fieldset>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Username</mat-label>
        <input matInput formControlName="username" data-testid="email-username" autocomplete="off" />
        <mat-hint>The login for both servers.</mat-hint>
        @if (form().controls.username.hasError('required')) {
          <mat-error>A username is required</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Password</mat-label>
        <input
          matInput
          type="password"
          autocomplete="new-password"
          formControlName="password"
          data-testid="email-password"
          [placeholder]="editing() ? 'Stored — leave empty to keep it' : ''"
        />
        <mat-hint>Stored encrypted; never shown again. An app password works best.</mat-hint>
        @if (form().controls.password.hasError('required')) {
          <mat-error>A password is required</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>From address</mat-label>
        <input matInput formControlName="fromAddress" data-testid="email-from" placeholder="agent@example.com" />
        <mat-hint>Replies come from it; mail from it is never answered.</mat-hint>
        @if (form().controls.fromAddress.invalid) {
          <mat-error>An email address</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Allowed senders</mat-label>
        <input
          matInput
          formControlName="allowedSenders"
          data-testid="email-allowed-senders"
          placeholder="alice@example.com, @example.org"
        />
        <mat-hint>Addresses, or &#64;domain for a whole domain. Empty: anyone may write.</mat-hint>
        @if (form().controls.allowedSenders.hasError('pattern')) {
          <mat-error>Email addresses or &#64;domain entries, separated by commas</mat-error>
        }
      </mat-form-field>
    </ng-container>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    /* Top-aligned: a host error may wrap to two lines without moving the port and TLS switch. */
    fieldset {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 0 12px;
      border: none;
      margin: 0;
      padding: 0;
    }
    legend {
      padding: 0 0 4px;
      font: var(--mat-sys-title-small);
    }
    .host {
      flex: 1 1 200px;
    }
    .port {
      flex: 0 0 96px;
    }
    fieldset mat-slide-toggle {
      margin-top: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmailChannelFields {
  readonly form = input.required<EmailChannelForm>();
  /** Editing a stored channel: an empty password keeps the stored one. */
  readonly editing = input(false);
}
