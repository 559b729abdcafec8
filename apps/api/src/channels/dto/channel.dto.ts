import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChannelState } from '@loop-gateway/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { LimitQueryDto } from '../../common/limit-query.dto.js';
import type { ChannelMessageStatus } from '../entities/channel-message.entity.js';
import { Optional, OptionalNullable } from '../../common/validation.js';

export const CHANNEL_TYPES = ['telegram', 'email', 'whatsapp', 'mattermost'] as const;
export type CreatableChannelType = (typeof CHANNEL_TYPES)[number];
const STATES: ChannelState[] = [
  'connecting',
  'connected',
  'waiting_for_qr',
  'logged_out',
  'stopped',
  'retrying',
  'error',
];

const CONFIG_DESCRIPTION =
  'telegram: `{botToken, apiRoot?}` (apiRoot for a self-hosted Bot API server; default Telegram’s). ' +
  'email: `{imapHost, imapPort, imapSecure, smtpHost, smtpPort, smtpSecure, username, password, fromAddress}` ' +
  '(one login for IMAP and SMTP; `*Secure` = TLS from the first byte, else STARTTLS when offered). ' +
  'whatsapp: `{}` (the account is linked by scanning the QR code the channel shows; see `POST /channels/{id}/pair`). ' +
  'mattermost: `{serverUrl, botToken, team?, gatewayUrl?}` (a bot account’s access token; team: only that team’s channels, by name or id; ' +
  'gatewayUrl: the gateway’s address as the Mattermost server reaches it, for interactive buttons and slash commands). ' +
  'Secrets are write-only: responses show `hasBotToken` / `hasPassword` instead. On update, the keys given ' +
  'replace the stored ones and the rest are kept (so the token or password need not be sent again).';

/** Who may decide held tool calls from the chat (create and update alike). */
function ApproversField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      description:
        'Sender ids on this channel (same forms as allowedSenders) who may decide held tool calls from the chat with ' +
        '`/approve <id>` and `/reject <id> [reason]`; they get a message for each held call of a run started from ' +
        'this channel',
    }),
    Optional(),
    IsArray(),
    ArrayMaxSize(100),
    IsString({ each: true }),
    MaxLength(200, { each: true }),
  );
}

function ApprovalsChatField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'The approvals chat: its approvers get a message for every held tool call, whatever started the run',
    }),
    Optional(),
    IsBoolean(),
  );
}

export class ChannelCreateDto {
  @ApiProperty({ enum: CHANNEL_TYPES, description: 'A type this gateway has no adapter for is a 400' })
  @IsIn(CHANNEL_TYPES)
  type!: CreatableChannelType;

  @ApiProperty({ example: 'Support bot', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: CONFIG_DESCRIPTION,
    example: { botToken: '123456789:AAE…', apiRoot: null },
  })
  @IsObject()
  config!: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Sender ids allowed to talk to the agent (Telegram: numeric user ids; email: addresses or `@domain` for a ' +
      'whole domain; WhatsApp: phone numbers in international format, `+491701234567`, or JIDs, stored as the ' +
      'digits; Mattermost: user ids or usernames); empty = everyone',
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  allowedSenders?: string[];

  @ApproversField() approvers?: string[];
  @ApprovalsChatField() approvalsChat?: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Agent group; default group when absent',
  })
  @OptionalNullable()
  @IsUUID()
  groupId?: string | null;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class ChannelUpdateDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: CONFIG_DESCRIPTION })
  @Optional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  allowedSenders?: string[];

  @ApproversField() approvers?: string[];
  @ApprovalsChatField() approvalsChat?: boolean;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null: back to the default group' })
  @OptionalNullable()
  @IsUUID()
  groupId?: string | null;

  @ApiPropertyOptional()
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class ChannelResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: CreatableChannelType;
  @ApiProperty() name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The settings without secrets (telegram: `{hasBotToken, apiRoot}`; email: every field but the password, ' +
      'plus `hasPassword`; mattermost: `{serverUrl, hasBotToken, team, gatewayUrl}`)',
  })
  config!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) allowedSenders!: string[];
  @ApiProperty({ type: [String], description: 'Who may decide held tool calls from the chat' }) approvers!: string[];
  @ApiProperty({ description: 'Its approvers hear of every held tool call' }) approvalsChat!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: the default group answers' })
  groupId!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    enum: STATES,
    description:
      'Live state of the connection: `retrying` after a failure the gateway tries again (at `retryAt`), ' +
      '`error` after one it cannot mend by retrying (rejected credentials: change the channel)',
  })
  state!: ChannelState;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the last connection failed, in a sentence naming the host and what it said',
  })
  error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'While `retrying`: when the next attempt starts. Else null.',
  })
  retryAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The connected account, e.g. @my_bot or +491701234567' })
  account!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'While `waiting_for_qr`: the QR code to scan with WhatsApp (Linked devices), as text to render; ' +
      'short-lived, each new code also comes as a `channel:status` event. Else null.',
  })
  qr!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ChannelMessageResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty() chatId!: string;
  @ApiProperty({ type: String, nullable: true }) threadId!: string | null;
  @ApiProperty() sender!: string;
  @ApiProperty({ type: String, nullable: true }) senderName!: string | null;
  @ApiProperty() text!: string;
  @ApiProperty({ enum: ['received', 'dropped', 'answered', 'failed'] }) status!: ChannelMessageStatus;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) runId!: string | null;
  @ApiProperty({ type: String, nullable: true }) reply!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) answeredAt!: string | null;
}

export class ChannelMessagesQueryDto extends LimitQueryDto {}

export class ChannelTestResponseDto {
  @ApiProperty({ description: 'Whether the far side answered and took the credentials' }) ok!: boolean;
  @ApiProperty({
    description: 'What answered (`… the bot is @my_bot.`), or what failed, naming the host',
    example: 'Telegram (api.telegram.org) answered and took the bot token: the bot is @my_bot.',
  })
  message!: string;
  @ApiProperty({ description: 'How long the check took' }) durationMs!: number;
}
