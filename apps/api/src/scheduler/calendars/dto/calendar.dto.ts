import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsString, IsUrl, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { CalendarSyncStatus } from '../entities/calendar.entity.js';
import { Optional } from '../../../common/validation.js';

export const DEFAULT_POLL_MINUTES = 15;

export class CalendarCreateDto {
  @ApiProperty({ example: 'Team calendar', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    example: 'https://cloud.example.com/remote.php/dav/public-calendars/AbCdEf?export',
    description:
      'An iCalendar feed (http or https); private addresses are allowed. A password in it (user:password@) is stored sealed, apart from the URL, and sent as Basic auth',
    maxLength: 2000,
  })
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({
    default: DEFAULT_POLL_MINUTES,
    minimum: 1,
    maximum: 1440,
    description: 'Minutes between syncs',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1440)
  pollIntervalMinutes?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1440,
    deprecated: true,
    description: 'Older name of pollIntervalMinutes, still accepted (give one of the two)',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1440)
  pollMinutes?: number;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    description: 'IANA time zone events are shown in (and floating times read in); default TIMEZONE',
  })
  @Optional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class CalendarDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The feed URL without its password (never shown)' }) url!: string;
  @ApiProperty({ description: 'Whether the feed URL had a password, stored sealed' }) hasPassword!: boolean;
  @ApiProperty({ description: 'Minutes between syncs' }) pollIntervalMinutes!: number;
  @ApiProperty({ deprecated: true, description: 'Same as pollIntervalMinutes (its older name)' }) pollMinutes!: number;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastSyncAt!: string | null;
  @ApiProperty({ enum: ['never', 'ok', 'error'], description: 'never: not synced yet' })
  lastSyncStatus!: CalendarSyncStatus | 'never';
  @ApiProperty({ type: String, nullable: true }) lastSyncError!: string | null;
  @ApiProperty({ format: 'date-time' }) nextSyncAt!: string;
  @ApiProperty({ description: 'Event instances stored by the last successful sync' }) eventCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CalendarEventDto {
  @ApiProperty({ description: 'Stable across syncs for the same instance' }) id!: string;
  @ApiProperty({ format: 'uuid' }) calendarId!: string;
  @ApiProperty({ description: "The event's UID (shared by a recurring event's instances)" }) uid!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) location!: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) endsAt!: string;
  @ApiProperty({ example: '2026-03-30T09:00', description: "Start as wall-clock time in the calendar's time zone" })
  localStart!: string;
  @ApiProperty({ example: '2026-03-30T09:30', description: "End as wall-clock time in the calendar's time zone" })
  localEnd!: string;
  @ApiProperty() allDay!: boolean;
  @ApiProperty({ description: 'An instance of a recurring event' }) recurring!: boolean;
}

export class CalendarEventsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Events ending after this (default: now)' })
  @Optional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Events starting before this (default: 60 days after from)',
  })
  @Optional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ default: 200, minimum: 1, maximum: 1000 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
