import { Injectable, computed, inject, signal } from '@angular/core';
import {
  type ApprovalRuleDto,
  type ApprovalRulesResponseDto,
  type ToolApprovalDefaultDto,
  deleteApprovalRule,
  listApprovalRules,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';

/** One tool in the rules table: what applies without a rule, and the operator's rule if there is one. */
export interface RuleRow {
  toolName: string;
  /** null for a rule whose tool is no longer registered. */
  fallback: ToolApprovalDefaultDto | null;
  rule: ApprovalRuleDto | null;
}

/** The approval rules and the defaults they replace (GET /api/approval-rules). Provided by the page. */
@Injectable()
export class ApprovalRulesStore {
  private readonly api = inject(API_CLIENT);

  private readonly value = signal<ApprovalRulesResponseDto | null>(null);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);

  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();
  /** The timeout and timeout action of tools without a rule. */
  readonly defaults = computed(() => this.value()?.defaults ?? null);
  /** Every tool, by name. */
  readonly rows = computed<RuleRow[]>(() => {
    const value = this.value();
    if (!value) return [];
    const rules = new Map(value.rules.map((rule) => [rule.toolName, rule]));
    const rows = value.defaults.tools.map((fallback): RuleRow => ({
      toolName: fallback.toolName,
      fallback,
      rule: rules.get(fallback.toolName) ?? null,
    }));
    const known = new Set(rows.map((row) => row.toolName));
    for (const rule of value.rules) {
      if (!known.has(rule.toolName)) rows.push({ toolName: rule.toolName, fallback: null, rule });
    }
    return rows.sort((a, b) => a.toolName.localeCompare(b.toolName));
  });

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await listApprovalRules({ client: this.api });
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The approval rules could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.value.set(data);
  }

  /** A rule the dialog created or replaced. */
  saved(rule: ApprovalRuleDto): void {
    this.value.update(
      (value) => value && { ...value, rules: [...value.rules.filter((r) => r.toolName !== rule.toolName), rule] },
    );
  }

  /** null when the tool is back on its default, else the gateway's reason. */
  async remove(toolName: string): Promise<string | null> {
    const { error, response } = await deleteApprovalRule({ client: this.api, path: { toolName } });
    if (!response?.ok) return apiErrorMessage(error, `The rule for ${toolName} could not be deleted.`);
    this.value.update((value) => value && { ...value, rules: value.rules.filter((r) => r.toolName !== toolName) });
    return null;
  }
}
