import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatProgressBar } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { ApprovalDto } from '@loop-gateway/api-client';
import { shortId } from '../activity/event-summary';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';
import { RunStatusChip } from '../runs/run-status';
import { ApprovalCard } from './approval-card';
import { decisionLabel, spellSeconds } from './approval-format';
import { ApprovalRules } from './approval-rules';
import { ApprovalRulesStore } from './approval-rules.store';
import { ApprovalsStore } from './approvals.store';
import type { ApprovalDecision } from './decide-approval';

/**
 * Approvals: the tool calls held for a person, live (a new request appears without a reload), the
 * decisions made so far with who made them and when, and the rules that decide which calls are held.
 */
@Component({
  selector: 'lg-approvals-page',
  imports: [
    Alert,
    ApprovalCard,
    ApprovalRules,
    DatePipe,
    MatCard,
    MatCardContent,
    MatProgressBar,
    PageHeader,
    RefreshButton,
    RouterLink,
    RunStatusChip,
  ],
  providers: [ApprovalsStore, ApprovalRulesStore],
  templateUrl: './approvals.page.html',
  styleUrl: './approvals.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalsPage {
  private readonly store = inject(ApprovalsStore);

  protected readonly pending = this.store.pending;
  protected readonly history = this.store.history;
  protected readonly stats = this.store.stats;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly deciding = this.store.deciding;
  /** Why the last decision did not go through. */
  protected readonly actionError = signal<string | null>(null);
  /** Ticks every second so the time left counts down. */
  protected readonly now = signal(Date.now());
  protected readonly averageDecision = computed(() => {
    const seconds = this.stats()?.averageDecisionSeconds;
    return seconds === null || seconds === undefined ? '—' : spellSeconds(seconds);
  });
  protected readonly shortId = shortId;
  protected readonly decisionLabel = decisionLabel;

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected refresh(): void {
    this.actionError.set(null);
    void this.store.load();
  }

  protected async decide(approval: ApprovalDto, decision: ApprovalDecision): Promise<void> {
    this.actionError.set(null);
    this.actionError.set(await this.store.decide(approval, decision));
  }
}
