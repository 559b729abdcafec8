import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { windowStarts } from '../usage/time-windows.js';
import { A2aMessagesRepository } from './a2a-messages.repository.js';
import { AgentRecordsRepository, type AgentView } from './agent-records.repository.js';
import { AgentRoles } from './agent-roles.js';
import type {
  A2aMessageListQueryDto,
  A2aMessageResponseDto,
  AgentListQueryDto,
  AgentResponseDto,
  AgentsOverviewResponseDto,
} from './dto/agents.dto.js';
import type { A2aMessage } from './entities/a2a-message.entity.js';

const DELEGATION_SAMPLE = 100;

/** What the agents API and the console read: agents, their messages, stats and roles. */
@Injectable()
export class AgentsOverviewService {
  constructor(
    private readonly agents: AgentRecordsRepository,
    private readonly messages: A2aMessagesRepository,
    private readonly roles: AgentRoles,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async overview(query: AgentListQueryDto): Promise<AgentsOverviewResponseDto> {
    const { dayStart } = windowStarts(this.clock.now(), this.config.timezone);
    const [agents, spawnedToday, active, messages, times, tokensByRole, roles] = await Promise.all([
      this.agents.list({ limit: query.limit ?? 100, parentRunId: query.runId, rootId: query.conversationId }),
      this.agents.spawnedSince(dayStart),
      this.agents.active(),
      this.messages.count(),
      this.messages.delegationTimes(DELEGATION_SAMPLE),
      this.agents.tokensByRole(),
      this.roles.list(),
    ]);
    return {
      agents: agents.map(toAgentResponse),
      stats: {
        spawnedToday,
        active,
        messages,
        averageDelegationMs: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : null,
        tokensByRole,
      },
      roles: roles.map(({ name, description, systemPrompt, model, skills, source }) => ({
        name,
        description,
        systemPrompt,
        model,
        skills,
        source,
      })),
    };
  }

  async messageList(query: A2aMessageListQueryDto): Promise<A2aMessageResponseDto[]> {
    const list = await this.messages.list({ limit: query.limit ?? 50, agentId: query.agentId, type: query.type });
    return list.map(toMessageResponse);
  }

  async conversation(id: string): Promise<A2aMessageResponseDto[]> {
    const messages = await this.messages.conversation(id);
    if (messages.length === 0 && !(await this.agents.find(id))) {
      throw new NotFoundException(`A2A conversation ${id} not found`);
    }
    return messages.map(toMessageResponse);
  }
}

function toAgentResponse(agent: AgentView): AgentResponseDto {
  return {
    id: agent.id,
    role: agent.role,
    parentId: agent.parentId,
    groupId: agent.groupId,
    status: agent.status,
    currentRunId: agent.currentRunId,
    parentRunId: agent.parentRunId,
    depth: agent.depth,
    conversationId: agent.conversationId,
    a2aConversationId: agent.rootId,
    startedAt: agent.createdAt.toISOString(),
    tokensUsed: agent.inputTokens + agent.outputTokens,
    inputTokens: agent.inputTokens,
    outputTokens: agent.outputTokens,
  };
}

function toMessageResponse(message: A2aMessage): A2aMessageResponseDto {
  return {
    id: message.id,
    conversationId: message.conversationId,
    type: message.type,
    from: message.fromAgentId,
    to: message.toAgentId,
    text: message.text,
    fromRunId: message.fromRunId,
    runId: message.runId,
    replyTo: message.replyTo,
    createdAt: message.createdAt.toISOString(),
  };
}
