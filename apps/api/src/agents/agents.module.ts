import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentSkillsModule } from '../agent-skills/agent-skills.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { AgentRunner } from './agent-runner.js';
import { ConversationCompactor } from './conversation-compactor.js';
import { ConversationsController } from './conversations.controller.js';
import { GroupStatsController } from './group-stats.controller.js';
import { GroupStatsService } from './group-stats.service.js';
import { ConversationMessage } from './entities/conversation-message.entity.js';
import { ConversationSummary } from './entities/conversation-summary.entity.js';
import { Conversation } from './entities/conversation.entity.js';
import { Run } from './entities/run.entity.js';
import { RunIdempotencyKey } from './entities/run-idempotency-key.entity.js';
import { ToolCallRecord } from './entities/tool-call.entity.js';
import { AnthropicProvider } from './model/anthropic.provider.js';
import { ModelProvider } from './model/model-provider.js';
import { RunContinuations, RunLifecycle } from './run-continuation.js';
import { RunIdempotency } from './run-idempotency.js';
import { RunProfiles } from './run-profile.js';
import { RunQueue } from './run-queue.js';
import { RunWaits } from './run-wait.js';
import { RunWaiter } from './run-waiter.js';
import { RunsController } from './runs.controller.js';
import { RunsRepository } from './runs.repository.js';
import { RunsService } from './runs.service.js';

/** The pipeline: run requests in, the agent loop, replies and events out. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Conversation,
      Run,
      ConversationMessage,
      ConversationSummary,
      ToolCallRecord,
      RunIdempotencyKey,
    ]),
    GroupsModule,
    UsageModule,
    AgentSkillsModule,
  ],
  controllers: [RunsController, ConversationsController, GroupStatsController],
  providers: [
    RunsService,
    GroupStatsService,
    RunsRepository,
    RunQueue,
    RunLifecycle,
    RunContinuations,
    RunWaits,
    RunProfiles,
    RunIdempotency,
    RunWaiter,
    AgentRunner,
    ConversationCompactor,
    { provide: ModelProvider, useClass: AnthropicProvider },
  ],
  exports: [RunsService, RunContinuations, RunLifecycle, RunWaits, RunProfiles],
})
export class AgentsModule {}
