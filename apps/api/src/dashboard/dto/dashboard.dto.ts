import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../common/validation.js';

export class ActivityQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ActivityEventDto {
  @ApiProperty({ description: 'A catalog event name (GET /api/webhooks/events)' }) event!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As the event carried it' })
  payload!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
}

export class RunCountsDto {
  @ApiProperty() completed!: number;
  @ApiProperty({ description: 'Failed or refused (over budget, …)' }) failed!: number;
  @ApiProperty({ description: 'Running or waiting (for an approval, a retry…)' }) running!: number;
  @ApiProperty() queued!: number;
  @ApiProperty() cancelled!: number;
}

export class RecentErrorDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty() error!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class DashboardResponseDto {
  @ApiProperty({ example: 'UTC', description: 'Today and this month are local to this zone' }) timezone!: string;
  @ApiProperty({ type: RunCountsDto, description: 'Runs created today' }) runsToday!: RunCountsDto;
  @ApiProperty({ description: 'Runs waiting in the queue now' }) queueDepth!: number;
  @ApiProperty() pendingApprovals!: number;
  @ApiProperty({ description: 'Estimated US dollars' }) spendTodayUsd!: number;
  @ApiProperty({ description: 'Estimated US dollars' }) spendMonthUsd!: number;
  @ApiProperty({ type: [RecentErrorDto], description: 'The latest failed runs, newest first' })
  lastErrors!: RecentErrorDto[];
}
