import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, Matches, Max, Min } from 'class-validator';
import type { RiskLevel } from '../../tools/tool.js';
import type { TimeoutAction } from '../entities/approval.entity.js';
import { IsGlobPatterns } from './glob-patterns.validator.js';
import { Optional } from '../../common/validation.js';

export const RISK_LEVELS: RiskLevel[] = ['low', 'medium', 'high'];
export const TIMEOUT_ACTIONS: TimeoutAction[] = ['reject', 'approve'];

const AUTO_APPROVE_DOC = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description:
    'Calls whose input matches run without asking: input field → glob pattern (`*` matches anything), every field must match',
  example: { method: 'POST', url: 'https://hooks.example.com/*' },
} as const;

export class ApprovalRuleUpsertDto {
  @ApiProperty({ example: 'http_request' })
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'toolName must be a tool name' })
  toolName!: string;

  @ApiProperty({ enum: RISK_LEVELS })
  @IsIn(RISK_LEVELS)
  riskLevel!: RiskLevel;

  @ApiProperty({ description: 'false: calls of this tool never wait for a human' })
  @IsBoolean()
  requireApproval!: boolean;

  @ApiProperty({ minimum: 10, maximum: 604800, example: 900 })
  @IsInt()
  @Min(10)
  @Max(604800)
  timeoutSeconds!: number;

  @ApiProperty({ enum: TIMEOUT_ACTIONS, description: 'What happens when nobody decides in time' })
  @IsIn(TIMEOUT_ACTIONS)
  timeoutAction!: TimeoutAction;

  @ApiPropertyOptional(AUTO_APPROVE_DOC)
  @Optional()
  @IsObject()
  @IsGlobPatterns()
  autoApprove?: Record<string, string>;
}

export class ApprovalRuleDto {
  @ApiProperty() toolName!: string;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: RiskLevel;
  @ApiProperty() requireApproval!: boolean;
  @ApiProperty() timeoutSeconds!: number;
  @ApiProperty({ enum: TIMEOUT_ACTIONS }) timeoutAction!: TimeoutAction;
  @ApiProperty(AUTO_APPROVE_DOC) autoApprove!: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ToolApprovalDefaultDto {
  @ApiProperty() toolName!: string;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: RiskLevel;
  @ApiProperty({ description: 'Whether some calls of this tool wait for a human when it has no rule' })
  requireApproval!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Which calls, e.g. "methods other than GET and HEAD"' })
  when!: string | null;
}

export class ApprovalDefaultsDto {
  @ApiProperty() timeoutSeconds!: number;
  @ApiProperty({ enum: TIMEOUT_ACTIONS }) timeoutAction!: TimeoutAction;
  @ApiProperty({
    enum: ['taint', 'strict', 'off'],
    description:
      'EXFILTRATION_GUARD: when requests to hosts that are not trusted destinations are held, whatever the rules say',
  })
  exfiltrationGuard!: 'taint' | 'strict' | 'off';
  @ApiProperty({ type: [String], description: 'TOOL_TRUSTED_DESTINATIONS (groups add their own)' })
  trustedDestinations!: string[];
  @ApiProperty({ type: [ToolApprovalDefaultDto] }) tools!: ToolApprovalDefaultDto[];
}

export class ApprovalRulesResponseDto {
  @ApiProperty({ type: [ApprovalRuleDto] }) rules!: ApprovalRuleDto[];
  @ApiProperty({ type: ApprovalDefaultsDto }) defaults!: ApprovalDefaultsDto;
}
