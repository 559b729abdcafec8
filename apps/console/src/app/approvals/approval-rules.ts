import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import type { ApprovalRuleDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { RiskChip } from '../tools/risk-chip';
import { exfiltrationNote, spellSeconds, timeoutOutcome } from './approval-format';
import { ApprovalRuleDialog, type ApprovalRuleDialogData } from './approval-rule-dialog';
import { ApprovalRulesStore, type RuleRow } from './approval-rules.store';
import { IfAdmin } from '../core/session/if-admin';

/** Which calls of each tool wait for a person: the built-in default, and the operator's rule that replaces it. */
@Component({
  selector: 'lg-approval-rules',
  imports: [IfAdmin, Alert, MatButton, MatCard, MatCardContent, MatIcon, MatProgressBar, RiskChip],
  templateUrl: './approval-rules.html',
  styleUrl: './approval-rules.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalRules {
  private readonly store = inject(ApprovalRulesStore);
  private readonly dialog = inject(MatDialog);

  protected readonly rows = this.store.rows;
  protected readonly defaults = this.store.defaults;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly spellSeconds = spellSeconds;
  protected readonly timeoutOutcome = timeoutOutcome;
  protected readonly exfiltrationNote = exfiltrationNote;
  /** Why the last change failed. */
  protected readonly actionError = signal<string | null>(null);

  constructor() {
    void this.store.load();
  }

  protected patterns(rule: ApprovalRuleDto): { field: string; pattern: string }[] {
    return Object.entries(rule.autoApprove).map(([field, pattern]) => ({ field, pattern }));
  }

  protected defaultLabel(row: RuleRow): string {
    if (!row.fallback) return 'The tool is no longer registered';
    if (!row.fallback.requireApproval) return 'No approval needed';
    const when = row.fallback.when ?? 'every call';
    return `Approval for ${when}`;
  }

  protected openForm(row: RuleRow): void {
    this.actionError.set(null);
    const defaults = this.defaults();
    this.dialog
      .open<ApprovalRuleDialog, ApprovalRuleDialogData, ApprovalRuleDto>(ApprovalRuleDialog, {
        data: {
          toolName: row.toolName,
          rule: row.rule,
          fallback: {
            riskLevel: row.fallback?.riskLevel ?? 'medium',
            requireApproval: row.fallback?.requireApproval ?? true,
            timeoutSeconds: defaults?.timeoutSeconds ?? 900,
            timeoutAction: defaults?.timeoutAction ?? 'reject',
          },
        },
        width: '640px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) this.store.saved(saved);
      });
  }

  protected confirmDelete(row: RuleRow): void {
    this.actionError.set(null);
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete the rule for ${row.toolName}?`,
        message: `Calls of ${row.toolName} go back to the default: ${this.defaultLabel(row).toLowerCase()}.`,
        confirmLabel: 'Delete rule',
        action: () => this.store.remove(row.toolName),
      },
      width: '440px',
    });
  }
}
