import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LimitQueryDto } from '../../common/limit-query.dto.js';
import type { DeliveryStatus, JobRunCause, JobRunStatus } from '../entities/job-run.entity.js';
import type { MissedPolicy } from '../entities/scheduled-job.entity.js';
import { IsHttpUrl, NestedObject, Optional } from '../../common/validation.js';

/**
 * One of: `{type: "cron", cron, timezone}`, `{type: "once", at}`, `{type: "interval", everySeconds}`,
 * `{type: "calendar", calendarId, minutesBefore}`.
 */
export class JobTriggerDto {
  @ApiProperty({ enum: ['cron', 'once', 'interval', 'calendar'] })
  @IsIn(['cron', 'once', 'interval', 'calendar'])
  type!: 'cron' | 'once' | 'interval' | 'calendar';

  @ApiPropertyOptional({ example: '0 9 * * 1-5', description: 'cron: five or six fields (seconds first)' })
  @Optional()
  @IsString()
  @MaxLength(100)
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'cron: IANA time zone (default TIMEZONE)' })
  @Optional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'once: when' })
  @Optional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ minimum: 10, description: 'interval: seconds between firings' })
  @Optional()
  @IsInt()
  @Min(10)
  @Max(31_536_000)
  everySeconds?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'calendar: whose events fire the job' })
  @Optional()
  @IsUUID()
  calendarId?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10_080,
    default: 0,
    description: 'calendar: fire this many minutes before each event instance starts',
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(10_080)
  minutesBefore?: number;
}

/** `{calendarId, days}`: the calendar's events from the start of today, put before the prompt. */
export class JobCalendarContextDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  calendarId!: string;

  @ApiPropertyOptional({
    default: 1,
    minimum: 1,
    maximum: 14,
    description: "Days of events from the start of today (in the calendar's time zone); 1 = today's",
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(14)
  days?: number;
}

export class JobActionDto {
  @ApiProperty({ enum: ['agent'] })
  @IsIn(['agent'])
  type!: 'agent';

  @ApiProperty({ example: 'Summarise what is on my calendar today.', maxLength: 100_000 })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  prompt!: string;

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100, description: 'Model calls the run may make' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxIterations?: number;

  @ApiPropertyOptional({ type: JobCalendarContextDto, description: "Put a calendar's events before the prompt" })
  @Optional()
  @NestedObject(() => JobCalendarContextDto)
  calendarContext?: JobCalendarContextDto;
}

/** One of: `{type: "none"}`, `{type: "channel", channelId}`, `{type: "webhook", url}`. */
export class JobOutputDto {
  @ApiProperty({ enum: ['none', 'channel', 'webhook'] })
  @IsIn(['none', 'channel', 'webhook'])
  type!: 'none' | 'channel' | 'webhook';

  @ApiPropertyOptional({ format: 'uuid', description: 'channel: where the result is sent' })
  @Optional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ example: 'https://n8n.internal/webhook/report', description: 'webhook: POSTed to' })
  @Optional()
  @MaxLength(2000)
  @IsHttpUrl()
  url?: string;
}

export class JobCreateDto {
  @ApiProperty({ example: 'Morning briefing', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: JobTriggerDto })
  @NestedObject(() => JobTriggerDto)
  trigger!: JobTriggerDto;

  @ApiProperty({ type: JobActionDto })
  @NestedObject(() => JobActionDto)
  action!: JobActionDto;

  @ApiPropertyOptional({ type: JobOutputDto, description: 'Default: none (the result is only recorded)' })
  @Optional()
  @NestedObject(() => JobOutputDto)
  output?: JobOutputDto;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    enum: ['skip', 'run_once'],
    default: 'skip',
    description: 'Firings missed while the gateway was down: recorded as skipped, or run once',
  })
  @Optional()
  @IsIn(['skip', 'run_once'])
  missedPolicy?: MissedPolicy;
}

export class JobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: JobTriggerDto }) trigger!: JobTriggerDto;
  @ApiProperty({ type: JobActionDto }) action!: JobActionDto;
  @ApiProperty({ type: JobOutputDto }) output!: JobOutputDto;
  @ApiProperty({ type: String, nullable: true }) groupId!: string | null;
  @ApiProperty({ enum: ['skip', 'run_once'] }) missedPolicy!: MissedPolicy;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) nextRunAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastRunAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class JobRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) jobId!: string;
  @ApiProperty({ type: String, nullable: true }) runId!: string | null;
  @ApiProperty({ enum: ['schedule', 'manual', 'missed'] }) cause!: JobRunCause;
  @ApiProperty({ enum: ['running', 'success', 'error', 'skipped'] }) status!: JobRunStatus;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) scheduledFor!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: String, nullable: true }) output!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({
    enum: ['none', 'delivered', 'queued', 'failed'],
    description:
      'Where the result went. A webhook result is `queued` while the outbound delivery queue works on it, ' +
      'then `delivered` or `failed` as that delivery ends (its attempts are in the webhook’s logs)',
  })
  delivery!: DeliveryStatus;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it failed; while queued after a failed attempt, that attempt’s error (it is retried)',
  })
  deliveryError!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The outbound webhook delivery that carries a webhook result (its `webhook-id` header)',
  })
  deliveryId!: string | null;
}

export class JobRunsQueryDto extends LimitQueryDto {}

export class SchedulerStatsDto {
  @ApiProperty() jobs!: number;
  @ApiProperty() enabled!: number;
  @ApiProperty({ description: 'Firings in the last 24 hours' }) runsLastDay!: number;
  @ApiProperty({ description: 'Failed firings in the last 24 hours' }) failuresLastDay!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) nextRunAt!: string | null;
}
