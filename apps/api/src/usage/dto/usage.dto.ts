import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, Matches, Max, Min } from 'class-validator';
import { Optional } from '../../common/validation.js';

export class UsageTotalsDto {
  @ApiProperty() calls!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty() cacheCreationTokens!: number;
  @ApiProperty() cacheReadTokens!: number;
  @ApiProperty({ description: 'Estimated cost in US dollars (models without a price count as 0)' })
  costUsd!: number;
  @ApiProperty({
    description:
      'What prompt caching saved in US dollars: cached tokens at the input price minus their cache write and read prices (negative while writes outweigh reads)',
  })
  cacheSavedUsd!: number;
}

export class UsageSummaryResponseDto {
  @ApiProperty({ example: 'UTC' }) timezone!: string;
  @ApiProperty({ type: UsageTotalsDto }) today!: UsageTotalsDto;
  @ApiProperty({ type: UsageTotalsDto }) month!: UsageTotalsDto;
  @ApiProperty({ type: UsageTotalsDto }) total!: UsageTotalsDto;
  @ApiProperty({ type: [String], description: 'Models used that have no price (their cost is not counted)' })
  unpricedModels!: string[];
}

export class DailyUsageDto extends UsageTotalsDto {
  @ApiProperty({ example: '2026-11-21', description: 'Local date in TIMEZONE' }) date!: string;
}

export class ModelUsageDto extends UsageTotalsDto {
  @ApiProperty() model!: string;
  @ApiProperty({ description: 'false when no price matches this model' }) priced!: boolean;
}

export class ModelCallResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ nullable: true, type: String }) groupId!: string | null;
  @ApiProperty({ nullable: true, type: String }) channelType!: string | null;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty() cacheCreationTokens!: number;
  @ApiProperty() cacheReadTokens!: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ nullable: true, type: Number }) costUsd!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'What prompt caching saved on this call (US dollars)' })
  cacheSavedUsd!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class DaysQueryDto {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 366 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

export const BREAKDOWN_DIMENSIONS = ['origin', 'group', 'channel', 'role'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class UsageBreakdownQueryDto {
  @ApiPropertyOptional({
    enum: BREAKDOWN_DIMENSIONS,
    default: 'origin',
    description:
      'origin: console, api, webhook, scheduler, task, a2a or the channel type; group: the agent group (a sub-agent counts under its parent’s); channel: each channel (runs not from a channel are left out); role: the sub-agent role, with top-level agents under `(top-level)`',
  })
  @Optional()
  @IsIn(BREAKDOWN_DIMENSIONS, { message: `by must be one of: ${BREAKDOWN_DIMENSIONS.join(', ')}` })
  by?: BreakdownDimension;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'First local day (TIMEZONE); default: 29 days before `to`',
  })
  @Optional()
  @Matches(LOCAL_DATE, { message: 'from must be a date such as 2026-11-01' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last local day, included; default: today' })
  @Optional()
  @Matches(LOCAL_DATE, { message: 'to must be a date such as 2026-11-30' })
  to?: string;
}

export class UsageBreakdownRowDto extends UsageTotalsDto {
  @ApiProperty({
    description:
      'What the row counts: an origin, a group id, a channel id or a role (`(top-level)`: agents without one)',
  })
  key!: string;
  @ApiProperty({ description: 'How the console names it' }) label!: string;
}

export class UsageBreakdownResponseDto {
  @ApiProperty({ enum: BREAKDOWN_DIMENSIONS }) by!: BreakdownDimension;
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ example: 'UTC' }) timezone!: string;
  @ApiProperty({ type: [UsageBreakdownRowDto], description: 'Most expensive first' })
  rows!: UsageBreakdownRowDto[];
}

export { LimitQueryDto } from '../../common/limit-query.dto.js';

/** Checked by UsageService (a map keyed by model prefix), documented here. */
export class ModelPriceDto {
  @ApiProperty({ description: 'USD per million input tokens' }) input!: number;
  @ApiProperty({ description: 'USD per million output tokens' }) output!: number;
  @ApiProperty({ description: 'USD per million cache-write tokens' }) cacheWrite!: number;
  @ApiProperty({ description: 'USD per million cache-read tokens' }) cacheRead!: number;
}

export class PriceTableDto {
  @ApiProperty({
    description: 'Prices by model-id prefix (the longest matching prefix wins)',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ModelPriceDto' },
    example: { 'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 } },
  })
  @IsObject()
  prices!: Record<string, ModelPriceDto>;
}
