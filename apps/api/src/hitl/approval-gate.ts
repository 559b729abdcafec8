import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type GateVerdict, type ToolCallGate, type ToolCallRequest, ToolExecutor } from '../tools/tool-executor.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { ApprovalRulesService } from './approval-rules.service.js';
import { ApprovalsService } from './approvals.service.js';
import { ExfiltrationGuard } from './exfiltration-guard.js';
import type { Approval } from './entities/approval.entity.js';

/**
 * The approval gate in the one place tool calls happen. A call the rules (or the exfiltration guard)
 * hold is stored as pending and its run pauses; when the run resumes, the same call (same id) gets the
 * stored decision. It also limits where an allowed call may be redirected, and marks a conversation
 * that read untrusted content.
 */
@Injectable()
export class ApprovalGate implements ToolCallGate, OnModuleInit {
  constructor(
    private readonly executor: ToolExecutor,
    private readonly rules: ApprovalRulesService,
    private readonly approvals: ApprovalsService,
    private readonly exfiltration: ExfiltrationGuard,
  ) {}

  onModuleInit(): void {
    this.executor.addGate(this);
  }

  async check(call: ToolCallRequest, tool: Tool, context: ToolContext): Promise<GateVerdict> {
    const existing = await this.approvals.findForToolCall(call.id);
    if (existing) {
      const decided = verdict(existing);
      // An approval is for the code the approver saw: a skill changed since is not run.
      if (decided.kind === 'allow' && (existing.toolRevision ?? null) !== (tool.revision ?? null)) {
        return deny(
          `${existing.toolName} changed after this call was approved (it is now version ${tool.version ?? 'unknown'}), so it was not run. Ask again if it is still needed.`,
        );
      }
      return decided;
    }
    const policy = await this.rules.policy(tool, call.input, context);
    if (!policy.required) return { kind: 'allow' };
    const approval = await this.approvals.hold(call, context, policy, tool.revision ?? null);
    return { kind: 'hold', wait: { kind: 'approval', approvalId: approval.id } };
  }

  /** An approved call goes nowhere the approver did not see (but trusted destinations). */
  async redirectRule(call: ToolCallRequest, tool: Tool, context: ToolContext): Promise<((url: URL) => boolean) | null> {
    if (!tool.destinations) return null; // the call sends no request of its own
    const approved = (await this.approvals.findForToolCall(call.id)) !== null;
    return this.exfiltration.redirectRule(context, approved);
  }

  untrustedResult(_call: ToolCallRequest, tool: Tool, context: ToolContext): Promise<void> {
    return this.exfiltration.markUntrusted(context, tool);
  }
}

function verdict(approval: Approval): GateVerdict {
  switch (approval.status) {
    case 'pending':
      return { kind: 'hold', wait: { kind: 'approval', approvalId: approval.id } };
    case 'approved':
      return { kind: 'allow' };
    case 'rejected': {
      const reason = approval.comment ? ` Their reason: ${approval.comment}` : '';
      return deny(
        `The operator (${approval.decidedBy ?? 'unknown'}) rejected this ${approval.toolName} call, so it was not run.${reason} Do not retry it; tell the user what you could not do.`,
      );
    }
    case 'withdrawn':
      return deny(`This ${approval.toolName} call was withdrawn because its run was cancelled, so it was not run.`);
    case 'timed_out':
      return approval.timeoutAction === 'approve'
        ? { kind: 'allow' }
        : deny(
            `Nobody approved this ${approval.toolName} call in time, so it was not run. Do not retry it; tell the user it needs a human's approval.`,
          );
  }
}

function deny(content: string): GateVerdict {
  return { kind: 'deny', result: { content, isError: true } };
}
