import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { RiskLevel, Tool, ToolContext } from '../tools/tool.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { ApprovalRulesRepository } from './approval-rules.repository.js';
import { ExfiltrationGuard } from './exfiltration-guard.js';
import type { ApprovalRuleDto, ApprovalRulesResponseDto, ApprovalRuleUpsertDto } from './dto/approval-rule.dto.js';
import type { ApprovalRule } from './entities/approval-rule.entity.js';
import type { TimeoutAction } from './entities/approval.entity.js';

/** Whether a call must wait for a human, and how long. */
export interface ApprovalPolicy {
  required: boolean;
  reason: string;
  riskLevel: RiskLevel;
  timeoutMs: number;
  timeoutAction: TimeoutAction;
}

/**
 * Approval rules and the policy they give each call. Without a rule, a call that acts on the world
 * (the tool's `acts`) needs approval and a reading call does not. On top of that, the exfiltration
 * guard holds requests to hosts that are not trusted destinations once the run has read untrusted
 * content: a rule (requireApproval false, autoApprove) does not lift that hold; trusted destinations
 * or EXFILTRATION_GUARD=off do. Such a hold is rejected when nobody decides in time.
 */
@Injectable()
export class ApprovalRulesService {
  constructor(
    private readonly rules: ApprovalRulesRepository,
    private readonly registry: ToolRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly exfiltration: ExfiltrationGuard,
  ) {}

  async list(): Promise<ApprovalRulesResponseDto> {
    return {
      rules: (await this.rules.list()).map(toRuleDto),
      defaults: {
        timeoutSeconds: this.config.approvalTimeoutMs / 1000,
        timeoutAction: this.config.approvalTimeoutAction,
        exfiltrationGuard: this.config.exfiltrationGuard,
        trustedDestinations: this.config.toolTrustedDestinations,
        tools: this.registry.list().map(({ tool }) => ({
          toolName: tool.name,
          riskLevel: tool.riskLevel,
          requireApproval: typeof tool.acts === 'function',
          when: typeof tool.acts === 'function' ? (tool.actsWhen ?? 'calls that act on the world') : null,
        })),
      },
    };
  }

  async upsert(body: ApprovalRuleUpsertDto): Promise<ApprovalRuleDto> {
    if (!this.registry.get(body.toolName)) {
      throw new BadRequestException(`toolName: there is no tool named "${body.toolName}"`);
    }
    const rule: ApprovalRule = {
      toolName: body.toolName,
      riskLevel: body.riskLevel,
      requireApproval: body.requireApproval,
      timeoutSeconds: body.timeoutSeconds,
      timeoutAction: body.timeoutAction,
      autoApprove: body.autoApprove ?? {},
      updatedAt: this.clock.now(),
    };
    await this.rules.save(rule);
    return toRuleDto(rule);
  }

  async remove(toolName: string): Promise<void> {
    if (!(await this.rules.remove(toolName))) throw new NotFoundException(`No approval rule for "${toolName}"`);
  }

  async policy(tool: Tool, input: unknown, context: ToolContext): Promise<ApprovalPolicy> {
    const policy = await this.rulePolicy(tool, input);
    const exfiltration = await this.exfiltration.holdReason(tool, input, context);
    if (!exfiltration) return policy;
    return {
      required: true,
      reason: policy.required ? `${exfiltration}; also ${policy.reason}` : exfiltration,
      riskLevel: 'high',
      timeoutMs: policy.timeoutMs,
      // Silence never lets data leave: whatever the rule says, an unanswered hold is rejected.
      timeoutAction: 'reject',
    };
  }

  private async rulePolicy(tool: Tool, input: unknown): Promise<ApprovalPolicy> {
    const rule = await this.rules.find(tool.name);
    if (!rule) {
      const acts = tool.acts?.(input) ?? false;
      return {
        required: acts,
        reason: acts ? `${tool.name} acts on the world (${tool.actsWhen ?? 'this call'})` : 'reading call',
        riskLevel: tool.riskLevel,
        timeoutMs: this.config.approvalTimeoutMs,
        timeoutAction: this.config.approvalTimeoutAction,
      };
    }
    const autoApproved = Object.keys(rule.autoApprove).length > 0 && matches(rule.autoApprove, input);
    return {
      required: rule.requireApproval && !autoApproved,
      reason: rule.requireApproval
        ? autoApproved
          ? 'auto-approved by the rule'
          : `the approval rule for ${tool.name}`
        : 'the rule needs no approval',
      riskLevel: rule.riskLevel,
      timeoutMs: rule.timeoutSeconds * 1000,
      timeoutAction: rule.timeoutAction,
    };
  }
}

function toRuleDto(rule: ApprovalRule): ApprovalRuleDto {
  return {
    toolName: rule.toolName,
    riskLevel: rule.riskLevel,
    requireApproval: rule.requireApproval,
    timeoutSeconds: rule.timeoutSeconds,
    timeoutAction: rule.timeoutAction,
    autoApprove: rule.autoApprove,
    updatedAt: rule.updatedAt.toISOString(),
  };
}

/** Every pattern's field is in the input and its value matches the glob (`*` is any run of characters). */
export function matches(patterns: Record<string, string>, input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const fields = input as Record<string, unknown>;
  return Object.entries(patterns).every(([field, pattern]) => {
    if (!(field in fields)) return false;
    const value = fields[field];
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return globToRegExp(pattern).test(text);
  });
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}
