import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NestedObject, Optional, OptionalNullable, UpdateType } from '../../common/validation.js';

import { IsHostEntries } from './host-entries.validator.js';

const MODEL_ID = /^[\w.:-]{1,100}$/;
/** The largest token budget taken: a trillion tokens is beyond any real cap, and 1e30 is a typo. */
export const MAX_BUDGET_TOKENS = 1_000_000_000_000;

/** Per-channel style blocks that replace the defaults in prompts/channel-styles.md. */
export class ChannelStylesDto {
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4000) telegram?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4000) whatsapp?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4000) email?: string;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(4000) mattermost?: string;
}

export class AgentGroupCreateDto {
  @ApiProperty({ example: 'Support', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({
    type: String,
    description: 'Replaces the default system prompt (prompts/system-prompt.md)',
    nullable: true,
  })
  @OptionalNullable()
  @IsString()
  @MaxLength(50_000)
  systemPrompt?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'claude-sonnet-4-6',
    description: 'Defaults to DEFAULT_MODEL',
    nullable: true,
  })
  @OptionalNullable()
  @Matches(MODEL_ID, { message: 'model must be a model id such as claude-sonnet-4-6' })
  model?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'The group’s own Anthropic API key (write-only: stored encrypted, never returned). null removes it.',
    nullable: true,
    writeOnly: true,
  })
  @OptionalNullable()
  @IsString()
  @MinLength(8)
  @MaxLength(500)
  apiKey?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['web_browse', 'http_request'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  skills?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['api.example.com', 'hooks.example.com:8443', '*.corp.example'],
    description:
      'Hosts this group’s runs may send requests to without approval after reading untrusted content, besides TOOL_TRUSTED_DESTINATIONS (host, host:port, host:* or *.domain; a bare host means ports 80 and 443)',
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsHostEntries()
  trustedDestinations?: string[];

  @ApiPropertyOptional({
    type: Number,
    description: 'Tokens (input + output) per day; null for no cap',
    nullable: true,
    minimum: 1,
    maximum: MAX_BUDGET_TOKENS,
  })
  @OptionalNullable()
  @IsInt()
  @Min(1)
  @Max(MAX_BUDGET_TOKENS)
  budgetMaxTokensDay?: number | null;

  @ApiPropertyOptional({
    type: Number,
    description: 'Tokens (input + output) per month; null for no cap',
    nullable: true,
    minimum: 1,
    maximum: MAX_BUDGET_TOKENS,
  })
  @OptionalNullable()
  @IsInt()
  @Min(1)
  @Max(MAX_BUDGET_TOKENS)
  budgetMaxTokensMonth?: number | null;

  @ApiPropertyOptional({
    type: Number,
    description:
      'The model’s context window in tokens, when it differs from the built-in table (or the model is not in it); null: the table, else CONTEXT_WINDOW_TOKENS',
    nullable: true,
    minimum: 1000,
    maximum: 10_000_000,
  })
  @OptionalNullable()
  @IsInt()
  @Min(1000)
  @Max(10_000_000)
  contextWindowTokens?: number | null;

  @ApiPropertyOptional({ type: ChannelStylesDto })
  @Optional()
  @NestedObject(() => ChannelStylesDto)
  channelStyles?: ChannelStylesDto;

  @ApiPropertyOptional({ description: 'Make this the group for channels that have none' })
  @Optional()
  @IsBoolean()
  isDefault?: boolean;
}

export class AgentGroupUpdateDto extends UpdateType(AgentGroupCreateDto) {}

export class AgentGroupResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: the default system prompt' })
  systemPrompt!: string | null;
  @ApiProperty({ description: 'The model runs use (the group’s or DEFAULT_MODEL)' }) model!: string;
  @ApiProperty({ description: 'Whether the group has its own API key (the key itself is never returned)' })
  hasApiKey!: boolean;
  @ApiProperty({ type: [String] }) skills!: string[];
  @ApiProperty({
    type: [String],
    description: 'Trusted destinations of this group (besides TOOL_TRUSTED_DESTINATIONS)',
  })
  trustedDestinations!: string[];
  @ApiProperty({ nullable: true, type: Number }) budgetMaxTokensDay!: number | null;
  @ApiProperty({ nullable: true, type: Number }) budgetMaxTokensMonth!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The group’s own context window; null: the model’s' })
  contextWindowTokens!: number | null;
  @ApiProperty({ description: 'The context window runs of this group use, in tokens' })
  effectiveContextWindowTokens!: number;
  @ApiProperty({ type: ChannelStylesDto }) channelStyles!: ChannelStylesDto;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty({ type: [String], description: 'Channels this group answers' }) channelIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
