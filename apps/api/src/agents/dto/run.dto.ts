import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ORIGIN_KEYS } from '../../common/origin-key.js';
import { LimitQueryDto } from '../../common/limit-query.dto.js';
import { RUN_STATUSES, type RunStatus } from '../entities/run.entity.js';
import type { ToolCallStatus } from '../entities/tool-call.entity.js';
import type { RunWait } from '../run-wait.js';
import { Optional } from '../../common/validation.js';

export class RunCreateDto {
  @ApiProperty({ example: 'What is on my calendar today?', maxLength: 100_000 })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  message!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Agent group to use (default: the default group)' })
  @Optional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Continue this conversation (default: a new one)' })
  @Optional()
  @IsUUID()
  conversationId?: string;
}

export class RunAcceptedResponseDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
}

export class RunOriginDto {
  @ApiProperty({ enum: ['channel', 'webhook', 'scheduler', 'task', 'a2a', 'api'] }) kind!: string;
  @ApiPropertyOptional() channelType?: string;
  @ApiPropertyOptional() channelId?: string;
  @ApiPropertyOptional() ref?: string;
  @ApiPropertyOptional({ description: 'A sub-agent’s run (kind a2a): its role' }) role?: string;
  @ApiPropertyOptional({ description: 'A sub-agent’s run (kind a2a): the run that handed it the work' })
  parentRunId?: string;
}

export class RunWaitDto {
  @ApiProperty({
    enum: ['approval', 'agents'],
    description: 'What the run waits for: a human decision, or the answers of agents it delegated to',
  })
  kind!: 'approval' | 'agents';
  @ApiPropertyOptional({ format: 'uuid', description: 'The approval it waits for (kind approval)' })
  approvalId?: string;
  @ApiPropertyOptional({ type: [String], description: 'The sub-agents’ runs it waits for (kind agents)' })
  runIds?: string[];
}

export class RunResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ nullable: true, type: String }) groupId!: string | null;
  @ApiProperty({
    enum: RUN_STATUSES,
    description:
      'waiting: paused until what waitingFor names is done (an approval, sub-agents’ answers); cancelled: ended by POST /api/runs/:id/cancel',
  })
  status!: RunStatus;
  @ApiProperty({ type: RunWaitDto, nullable: true, description: 'While waiting: what the run waits for' })
  waitingFor!: RunWait | null;
  @ApiProperty({ type: RunOriginDto }) origin!: RunOriginDto;
  @ApiProperty() input!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The answer (or, when refused, the reason told to the sender)',
  })
  reply!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({ description: 'Model calls made' }) iterations!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ description: 'Its agent calls ran in a Docker container (container mode)' }) isolated!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'How its last container ended (e.g. "exit code 0", "killed after CONTAINER_TIMEOUT_MS (600000 ms)")',
  })
  containerExit!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The run this one retries (POST /api/runs/:id/retry); null when it is not a retry',
  })
  retryOf!: string | null;
}

export class RunMessageDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: ['user', 'assistant'] }) role!: 'user' | 'assistant';
  @ApiProperty({
    description: 'Messages API content blocks (text, tool_use, tool_result)',
    type: 'array',
    items: { type: 'object' },
  })
  content!: object[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RunToolCallDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: object;
  @ApiProperty({ enum: ['awaiting_approval', 'running', 'waiting', 'done'] }) status!: ToolCallStatus;
  @ApiProperty({ nullable: true, type: String }) output!: string | null;
  @ApiProperty() isError!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The version of the skill that ran (custom skills)' })
  toolVersion!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class RunModelCallDto {
  @ApiProperty() id!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ description: 'Input tokens neither read from nor written to the prompt cache' })
  inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty({ description: 'Input tokens written to the prompt cache' }) cacheCreationTokens!: number;
  @ApiProperty({ description: 'Input tokens read from the prompt cache' }) cacheReadTokens!: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** A compaction during the run: older turns replaced by a summary in what is sent to the model. */
export class RunCompactionDto {
  @ApiProperty({ description: 'The last message seq the summary covers' }) coversSeq!: number;
  @ApiProperty({ description: 'Messages summarized by this compaction' }) summarizedMessages!: number;
  @ApiProperty({ description: 'Estimated request size before, in tokens' }) tokensBefore!: number;
  @ApiProperty({ description: 'Estimated request size after, in tokens' }) tokensAfter!: number;
  @ApiProperty({ description: 'The summary the model wrote' }) summary!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RunDetailResponseDto extends RunResponseDto {
  @ApiProperty({ type: [RunMessageDto] }) messages!: RunMessageDto[];
  @ApiProperty({ type: [RunToolCallDto] }) toolCalls!: RunToolCallDto[];
  @ApiProperty({ type: [RunModelCallDto] }) modelCalls!: RunModelCallDto[];
  @ApiProperty({ type: [RunCompactionDto] }) compactions!: RunCompactionDto[];
}

export class ConversationResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) groupId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it was closed: the chat it belongs to starts a fresh conversation with its next message',
  })
  closedAt!: string | null;
}

export class ConversationListItemDto extends ConversationResponseDto {
  @ApiProperty({ type: RunOriginDto, description: 'Where it started (a channel chat, the API, the console, …)' })
  origin!: RunOriginDto;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'What first put untrusted content into it (the exfiltration guard reads it); null: none',
  })
  untrustedSource!: string | null;
  @ApiProperty({ description: 'Runs in it' }) runs!: number;
  @ApiProperty({ description: 'Messages stored (the whole history, compacted or not)' }) messages!: number;
  @ApiProperty({ description: 'Times its older part was summarized' }) compactions!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastRunAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The latest run’s input (its first 200 characters)' })
  lastInput!: string | null;
}

export class ConversationMessageDto extends RunMessageDto {
  @ApiProperty({ format: 'uuid', description: 'The run that added it' }) runId!: string;
}

export class ConversationCompactionDto extends RunCompactionDto {
  @ApiProperty({ format: 'uuid', description: 'The run during which it happened' }) runId!: string;
}

export class ConversationDetailResponseDto extends ConversationResponseDto {
  @ApiProperty({ type: RunOriginDto }) origin!: RunOriginDto;
  @ApiProperty({ nullable: true, type: String }) untrustedSource!: string | null;
  @ApiProperty({
    type: [ConversationMessageDto],
    description: 'Every message in order, also those a compaction replaced by its summary in what the model sees',
  })
  messages!: ConversationMessageDto[];
  @ApiProperty({
    type: [ConversationCompactionDto],
    description: 'Where compaction happened: each summary stands for the messages up to coversSeq',
  })
  compactions!: ConversationCompactionDto[];
  @ApiProperty({ type: [RunResponseDto], description: 'Its runs, oldest first' }) runs!: RunResponseDto[];
}

export class RunGetQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 60,
    description:
      'Wait up to this many seconds for the run to end or stop for an approval before answering (one request instead of polling)',
  })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  waitSeconds?: number;
}

/** A cursor the lists hand out in X-Next-Cursor: opaque, base64url. */
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** `?cursor=` for the lists paged newest first. */
export class CursorQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({
    description:
      'Continue after the last item of the previous page: the X-Next-Cursor header of that answer (absent on the last page). Items created meanwhile do not shift the pages',
  })
  @Optional()
  @IsString()
  @Matches(CURSOR_PATTERN, { message: 'cursor must be the X-Next-Cursor of an earlier page' })
  cursor?: string;
}

export class RunListQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @Optional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;

  @ApiPropertyOptional({
    enum: ORIGIN_KEYS,
    description: 'Where the run came from: console, api, webhook, scheduler, task, a2a, or a channel type',
  })
  @Optional()
  @IsIn(ORIGIN_KEYS)
  origin?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Runs of this agent group' })
  @Optional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Runs started by messages on this channel' })
  @Optional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Runs created at or after this instant' })
  @Optional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Runs created before this instant (after from)' })
  @Optional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Text the run’s input or answer contains (case-insensitive for ASCII letters)',
  })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;
}

export class ConversationListQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({
    enum: ORIGIN_KEYS,
    description: 'Where the conversation started: console, api, webhook, scheduler, task, a2a, or a channel type',
  })
  @Optional()
  @IsIn(ORIGIN_KEYS)
  origin?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Conversations of chats on this channel' })
  @Optional()
  @IsUUID()
  channelId?: string;
}

/** One turn of a conversation in short readable form. */
export class TranscriptLineDto {
  @ApiProperty({ enum: ['user', 'assistant'] }) role!: 'user' | 'assistant';
  @ApiProperty({ description: 'Text, with tool calls and results summarised in brackets' }) text!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
