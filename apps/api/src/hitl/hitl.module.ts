import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { ApprovalGate } from './approval-gate.js';
import { ApprovalRulesController } from './approval-rules.controller.js';
import { ApprovalRulesRepository } from './approval-rules.repository.js';
import { ApprovalRulesService } from './approval-rules.service.js';
import { ApprovalsController } from './approvals.controller.js';
import { ApprovalsRepository } from './approvals.repository.js';
import { ApprovalsService } from './approvals.service.js';
import { ExfiltrationGuard } from './exfiltration-guard.js';
import { ApprovalRule } from './entities/approval-rule.entity.js';
import { Approval } from './entities/approval.entity.js';

/** Human in the loop: the approval gate on tool calls, the approvals queue and the approval rules. */
@Module({
  imports: [TypeOrmModule.forFeature([Approval, ApprovalRule]), AgentsModule, GroupsModule],
  controllers: [ApprovalsController, ApprovalRulesController],
  providers: [
    ApprovalGate,
    ApprovalRulesService,
    ExfiltrationGuard,
    ApprovalRulesRepository,
    ApprovalsService,
    ApprovalsRepository,
  ],
  exports: [ApprovalsService],
})
export class HitlModule {}
