import type { ApprovalRuleDto, ApprovalRuleUpsertDto } from '@loop-gateway/api-client';

export type RiskLevel = ApprovalRuleUpsertDto['riskLevel'];
export type TimeoutAction = ApprovalRuleUpsertDto['timeoutAction'];

/** The rule form as the operator fills it in. */
export interface RuleFormValue {
  riskLevel: RiskLevel;
  requireApproval: boolean;
  timeoutSeconds: number | null;
  timeoutAction: TimeoutAction;
  /** Input field = glob pattern rows. */
  autoApprove: { field: string; pattern: string }[];
}

/** What the form starts from: the tool's rule, or, for a new one, what applies to the tool now. */
export function ruleFormValue(
  rule: ApprovalRuleDto | null,
  fallback: Omit<RuleFormValue, 'autoApprove'>,
): RuleFormValue {
  if (!rule) return { ...fallback, autoApprove: [] };
  return {
    riskLevel: rule.riskLevel,
    requireApproval: rule.requireApproval,
    timeoutSeconds: rule.timeoutSeconds,
    timeoutAction: rule.timeoutAction,
    autoApprove: Object.entries(rule.autoApprove).map(([field, pattern]) => ({ field, pattern })),
  };
}

/** POST /api/approval-rules body (the form is valid, so timeoutSeconds is set). */
export function ruleRequestBody(toolName: string, value: RuleFormValue): ApprovalRuleUpsertDto {
  return {
    toolName,
    riskLevel: value.riskLevel,
    requireApproval: value.requireApproval,
    timeoutSeconds: value.timeoutSeconds ?? 0,
    timeoutAction: value.timeoutAction,
    autoApprove: Object.fromEntries(value.autoApprove.map(({ field, pattern }) => [field.trim(), pattern])),
  };
}
