import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import type { A2aMessageType } from '@loop-gateway/contracts';
import { LimitQueryDto } from '../../common/limit-query.dto.js';
import { Optional } from '../../common/validation.js';
import type { AgentStatus } from '../agent-records.repository.js';

export const AGENT_STATUSES: AgentStatus[] = ['working', 'waiting', 'idle', 'done', 'failed'];
export const A2A_MESSAGE_TYPES: A2aMessageType[] = ['delegate', 'result', 'broadcast', 'query', 'answer', 'error'];

export class AgentListQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the agents this run handed work to' })
  @Optional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the agents of this A2A conversation (one tree)' })
  @Optional()
  @IsUUID()
  conversationId?: string;
}

export class AgentResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: a top-level agent (a run that delegated)' })
  role!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The agent that delegated to it' })
  parentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) groupId!: string | null;
  @ApiProperty({
    enum: AGENT_STATUSES,
    description: 'Follows from its current run (idle: answered, asker still going)',
  })
  status!: AgentStatus;
  @ApiProperty({ nullable: true, type: String }) currentRunId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The run that last handed it work' })
  parentRunId!: string | null;
  @ApiProperty({ description: '0 for a top-level agent' }) depth!: number;
  @ApiProperty({ format: 'uuid', description: 'Its own conversation (its runs)' }) conversationId!: string;
  @ApiProperty({ format: 'uuid', description: 'The A2A conversation of its tree (GET /api/a2a/conversations/:id)' })
  a2aConversationId!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ description: 'Tokens of all its runs (input + output)' }) tokensUsed!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
}

export class RoleUsageDto {
  @ApiProperty() role!: string;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
}

export class AgentStatsDto {
  @ApiProperty({ description: 'Sub-agents spawned since local midnight (TIMEZONE)' }) spawnedToday!: number;
  @ApiProperty({ description: 'Agents whose run is queued, running or waiting' }) active!: number;
  @ApiProperty({ description: 'A2A messages stored' }) messages!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Mean time from a delegation to its answer, over the latest 100 (null: none yet)',
  })
  averageDelegationMs!: number | null;
  @ApiProperty({ type: [RoleUsageDto], description: 'Tokens used by sub-agents, by role' })
  tokensByRole!: RoleUsageDto[];
}

export class AgentRoleDto {
  @ApiProperty({ example: 'researcher' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() systemPrompt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: its group’s model' }) model!: string | null;
  @ApiProperty({
    nullable: true,
    type: [String],
    description: 'The tools it may use within its group’s; null: all of the group’s',
  })
  skills!: string[] | null;
  @ApiProperty({
    enum: ['builtin', 'custom'],
    description: 'Shipped (apps/api/roles) or the operator’s (AGENT_ROLES_DIR)',
  })
  source!: 'builtin' | 'custom';
}

export class AgentsOverviewResponseDto {
  @ApiProperty({ type: [AgentResponseDto], description: 'Recent agents, newest first' }) agents!: AgentResponseDto[];
  @ApiProperty({ type: AgentStatsDto }) stats!: AgentStatsDto;
  @ApiProperty({ type: [AgentRoleDto] }) roles!: AgentRoleDto[];
}

export class A2aMessageListQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Messages from or to this agent' })
  @Optional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ enum: A2A_MESSAGE_TYPES })
  @Optional()
  @IsIn(A2A_MESSAGE_TYPES)
  type?: A2aMessageType;
}

export class A2aMessageResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The A2A conversation (the id of its top-level agent)' })
  conversationId!: string;
  @ApiProperty({ enum: A2A_MESSAGE_TYPES }) type!: A2aMessageType;
  @ApiProperty({ format: 'uuid', description: 'Sending agent' }) from!: string;
  @ApiProperty({ format: 'uuid', description: 'Receiving agent' }) to!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The run that sent it' }) fromRunId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The receiving agent’s run it started' })
  runId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The delegation or query it answers' })
  replyTo!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
