import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { A2aBus } from './a2a-bus.js';
import { A2aController } from './a2a.controller.js';
import { A2aMessagesRepository } from './a2a-messages.repository.js';
import { AgentRecordsRepository } from './agent-records.repository.js';
import { AgentRoles } from './agent-roles.js';
import { AgentsOverviewService } from './agents-overview.service.js';
import { AgentsController } from './agents.controller.js';
import { Delegations } from './delegations.js';
import { A2aMessage } from './entities/a2a-message.entity.js';
import { AgentRecord } from './entities/agent-record.entity.js';
import { agentTools } from './tools/agent-tools.js';

/**
 * Agent to agent: the message bus, sub-agents with roles, and the delegate / broadcast / query tools.
 * A remote agent (the A2A protocol) will be one more kind of agent behind the same tools and wait.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AgentRecord, A2aMessage]), AgentsModule],
  controllers: [AgentsController, A2aController],
  providers: [A2aBus, A2aMessagesRepository, AgentRecordsRepository, AgentRoles, AgentsOverviewService, Delegations],
})
export class A2aModule implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly delegations: Delegations,
  ) {}

  onModuleInit(): void {
    for (const tool of agentTools(this.delegations)) this.registry.register(tool);
  }
}
