import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { LimitQueryDto } from '../../common/limit-query.dto.js';
import { RunOriginDto, TranscriptLineDto } from '../../agents/dto/run.dto.js';
import type { RiskLevel } from '../../tools/tool.js';
import type { ApprovalStatus, TimeoutAction } from '../entities/approval.entity.js';
import { RISK_LEVELS, TIMEOUT_ACTIONS } from './approval-rule.dto.js';
import { Optional } from '../../common/validation.js';

const APPROVAL_STATUSES: ApprovalStatus[] = ['pending', 'approved', 'rejected', 'timed_out', 'withdrawn'];

export class ApprovalListQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES })
  @Optional()
  @IsIn(APPROVAL_STATUSES)
  status?: ApprovalStatus;
}

export class ApprovalDecisionDto {
  @ApiPropertyOptional({ maxLength: 1000, description: 'Why; a rejection reason is shown to the agent' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ type: String, nullable: true }) groupId!: string | null;
  @ApiProperty() toolCallId!: string;
  @ApiProperty() toolName!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The arguments the agent gave' })
  input!: object;
  @ApiProperty({ type: RunOriginDto }) origin!: RunOriginDto;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: RiskLevel;
  @ApiProperty({ description: 'Why the call was held' }) reason!: string;
  @ApiProperty({ enum: APPROVAL_STATUSES }) status!: ApprovalStatus;
  @ApiProperty({ enum: TIMEOUT_ACTIONS }) timeoutAction!: TimeoutAction;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who decided; null when undecided or timed out' })
  decidedBy!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description:
      'The channel the decision came from when an approver decided in a chat; null for the console and the API',
  })
  decidedChannelId!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}

export class ApprovalDetailDto extends ApprovalDto {
  @ApiProperty({ type: [TranscriptLineDto], description: 'The conversation that led to the call (latest turns)' })
  conversation!: TranscriptLineDto[];
}

export class ApprovalStatsDto {
  @ApiProperty() pending!: number;
  @ApiProperty() approved!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() timedOut!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Over the latest 500 human decisions' })
  averageDecisionSeconds!: number | null;
}
