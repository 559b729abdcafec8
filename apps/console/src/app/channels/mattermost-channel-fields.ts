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
import type { ChannelResponseDto } from '@loop-gateway/api-client';

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s?#]*$/i;
const TOKEN = /^[A-Za-z0-9]{20,64}$/;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
/** User ids or usernames (with or without @), separated by commas or spaces. */
const SENDERS = /^\s*(@?[a-z0-9][a-z0-9._-]*\s*([,\s]\s*@?[a-z0-9][a-z0-9._-]*\s*)*)?$/i;

export type MattermostChannelForm = FormGroup<{
  serverUrl: FormControl<string>;
  botToken: FormControl<string>;
  team: FormControl<string>;
  gatewayUrl: FormControl<string>;
  allowedSenders: FormControl<string>;
}>;

/**
 * The Mattermost part of the channel dialog: server address, the bot account's access token
 * (write-only: when editing, an empty field keeps the stored one), an optional team, the gateway's
 * address as Mattermost reaches it (for buttons and slash commands) and the whitelist.
 */
export function mattermostChannelForm(fb: NonNullableFormBuilder, channel?: ChannelResponseDto): MattermostChannelForm {
  const stored = channel?.type === 'mattermost' ? channel.config : {};
  const text = (key: string) => (typeof stored[key] === 'string' ? (stored[key] as string) : '');
  return fb.group({
    serverUrl: [text('serverUrl'), [Validators.required, Validators.pattern(HTTP_URL)]],
    botToken: [
      '',
      channel?.type === 'mattermost' ? [Validators.pattern(TOKEN)] : [Validators.required, Validators.pattern(TOKEN)],
    ],
    team: [text('team'), Validators.pattern(TEAM)],
    gatewayUrl: [text('gatewayUrl'), Validators.pattern(HTTP_URL)],
    allowedSenders: [
      channel?.type === 'mattermost' ? channel.allowedSenders.join(', ') : '',
      Validators.pattern(SENDERS),
    ],
  });
}

/** The API's `config` and `allowedSenders` from the form; no token when it was left empty. */
export function mattermostChannelSettings(value: ReturnType<MattermostChannelForm['getRawValue']>) {
  const token = value.botToken.trim();
  return {
    config: {
      serverUrl: value.serverUrl.trim(),
      team: value.team.trim() || null,
      gatewayUrl: value.gatewayUrl.trim() || null,
      ...(token ? { botToken: token } : {}),
    },
    allowedSenders: value.allowedSenders.split(/[,\s]+/).filter(Boolean),
  };
}

@Component({
  selector: 'lg-mattermost-channel-fields',
  imports: [MatError, MatFormField, MatHint, MatInput, MatLabel, ReactiveFormsModule],
  template: `
    <ng-container [formGroup]="form()">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Server address</mat-label>
        <input
          matInput
          formControlName="serverUrl"
          data-testid="mattermost-server-url"
          placeholder="https://chat.example.com"
        />
        @if (form().controls.serverUrl.hasError('required')) {
          <mat-error>The server's address is required</mat-error>
        } @else if (form().controls.serverUrl.hasError('pattern')) {
          <mat-error>An http:// or https:// address</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Bot access token</mat-label>
        <input
          matInput
          type="password"
          autocomplete="off"
          formControlName="botToken"
          data-testid="mattermost-bot-token"
          [placeholder]="editing() ? 'Stored — leave empty to keep it' : ''"
        />
        <mat-hint>System Console → Integrations → Bot Accounts. Stored encrypted; never shown again.</mat-hint>
        @if (form().controls.botToken.hasError('required')) {
          <mat-error>A token is required</mat-error>
        } @else if (form().controls.botToken.hasError('pattern')) {
          <mat-error>A Mattermost access token: 26 letters and digits</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Team</mat-label>
        <input matInput formControlName="team" data-testid="mattermost-team" placeholder="engineering" />
        <mat-hint>Only that team's channels are answered (name or id). Empty: every team the bot is in.</mat-hint>
        @if (form().controls.team.hasError('pattern')) {
          <mat-error>A team name or id</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Gateway address for Mattermost</mat-label>
        <input
          matInput
          formControlName="gatewayUrl"
          data-testid="mattermost-gateway-url"
          placeholder="https://gateway.example.com"
        />
        <mat-hint
          >How the Mattermost server reaches this gateway. With it: Approve/Reject buttons and slash commands.</mat-hint
        >
        @if (form().controls.gatewayUrl.hasError('pattern')) {
          <mat-error>An http:// or https:// address</mat-error>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Allowed users</mat-label>
        <input
          matInput
          formControlName="allowedSenders"
          data-testid="mattermost-allowed-senders"
          placeholder="alice, @bob"
        />
        <mat-hint>Usernames or user ids. Empty: anyone who can reach the bot.</mat-hint>
        @if (form().controls.allowedSenders.hasError('pattern')) {
          <mat-error>Usernames or user ids, separated by commas</mat-error>
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
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MattermostChannelFields {
  readonly form = input.required<MattermostChannelForm>();
  /** Editing a stored channel: an empty token keeps the stored one. */
  readonly editing = input(false);
}
