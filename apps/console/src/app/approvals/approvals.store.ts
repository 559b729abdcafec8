import { Injectable, InjectionToken, inject, signal } from '@angular/core';
import {
  type ApprovalDetailDto,
  type ApprovalDto,
  type ApprovalStatsDto,
  getApproval,
  getApprovalStats,
  listApprovals,
} from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { followGateway } from '../core/realtime/follow-gateway';
import { isApprovalEvent } from '../runs/run-format';
import { type ApprovalDecision, decideApproval } from './decide-approval';

/** How many decided approvals the history shows. */
export const APPROVAL_HISTORY_LIMIT = new InjectionToken<number>('APPROVAL_HISTORY_LIMIT', {
  providedIn: 'root',
  factory: () => 50,
});

/** How many held calls the queue fetches at most. */
const PENDING_LIMIT = 100;

const newestFirst = (a: ApprovalDto, b: ApprovalDto) => Date.parse(b.createdAt) - Date.parse(a.createdAt);
const latestDecisionFirst = (a: ApprovalDto, b: ApprovalDto) =>
  Date.parse(b.decidedAt ?? b.createdAt) - Date.parse(a.decidedAt ?? a.createdAt);

/**
 * The approvals page's state: the held calls waiting for a person (each with the conversation that
 * led to it), the latest decisions, and the counts. A new request is fetched when `approval:required`
 * arrives; a decision, made here or anywhere else, moves it to the history. Provided by the page.
 */
@Injectable()
export class ApprovalsStore {
  private readonly api = inject(API_CLIENT);
  private readonly historyLimit = inject(APPROVAL_HISTORY_LIMIT);

  private readonly pendingList = signal<readonly ApprovalDetailDto[]>([]);
  private readonly decidedList = signal<readonly ApprovalDto[]>([]);
  private readonly counts = signal<ApprovalStatsDto | null>(null);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly decidingIds = signal<ReadonlySet<string>>(new Set());

  /** Newest first. */
  readonly pending = this.pendingList.asReadonly();
  /** Latest decision first. */
  readonly history = this.decidedList.asReadonly();
  readonly stats = this.counts.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();
  /** Ids of the calls whose decision is on its way. */
  readonly deciding = this.decidingIds.asReadonly();

  constructor() {
    followGateway(
      () => this.load(),
      (event) => this.receive(event),
    );
  }

  async load(): Promise<void> {
    this.busy.set(true);
    const [pending, recent] = await Promise.all([
      listApprovals({ client: this.api, query: { status: 'pending', limit: PENDING_LIMIT } }),
      // The latest approvals of any status; the decided ones are the history.
      listApprovals({ client: this.api, query: { limit: this.historyLimit + PENDING_LIMIT } }),
      this.loadStats(),
    ]);
    if (!pending.data || !recent.data) {
      this.busy.set(false);
      this.problem.set(apiErrorMessage(pending.error ?? recent.error, 'The approvals could not be loaded.'));
      return;
    }
    const details = await Promise.all(pending.data.map((approval) => this.withConversation(approval)));
    this.busy.set(false);
    this.problem.set(null);
    this.pendingList.set(details.sort(newestFirst));
    this.decidedList.set(
      recent.data
        .filter((approval) => approval.status !== 'pending')
        .sort(latestDecisionFirst)
        .slice(0, this.historyLimit),
    );
  }

  /** Approves or rejects a held call; null when done, else what to tell the operator. */
  async decide(approval: ApprovalDto, decision: ApprovalDecision): Promise<string | null> {
    this.setDeciding(approval.id, true);
    const outcome = await decideApproval(this.api, approval.id, decision);
    this.setDeciding(approval.id, false);
    if (outcome.approval) {
      this.settle(outcome.approval);
      void this.loadStats();
      return null;
    }
    if (!outcome.conflict) return outcome.error;
    // Someone else, or the timeout, was first: show where things stand now.
    void this.load();
    return `${outcome.error.replace(/\.?$/, '.')} The queue has been refreshed.`;
  }

  receive(event: GatewayEvent): void {
    if (!isApprovalEvent(event)) return;
    const id = event.payload.approvalId;
    // A decision made anywhere (or the timeout) takes the call out of the queue at once.
    if (event.event === 'approval:resolved') this.pendingList.update((list) => list.filter((a) => a.id !== id));
    void this.fetch(id);
    void this.loadStats();
  }

  /** A new or decided approval as stored: into the queue when it waits, into the history once decided. */
  private async fetch(id: string): Promise<void> {
    const { data } = await getApproval({ client: this.api, path: { id } });
    if (!data) return;
    if (data.status !== 'pending') {
      this.settle(data);
    } else if (!this.decidedList().some((approval) => approval.id === id)) {
      this.pendingList.update((list) => [data, ...list.filter((approval) => approval.id !== id)].sort(newestFirst));
    }
  }

  private settle(decided: ApprovalDto): void {
    const { id } = decided;
    this.pendingList.update((list) => list.filter((approval) => approval.id !== id));
    this.decidedList.update((list) =>
      [decided, ...list.filter((approval) => approval.id !== id)].sort(latestDecisionFirst).slice(0, this.historyLimit),
    );
  }

  private async withConversation(approval: ApprovalDto): Promise<ApprovalDetailDto> {
    const { data } = await getApproval({ client: this.api, path: { id: approval.id } });
    return data ?? { ...approval, conversation: [] };
  }

  private async loadStats(): Promise<void> {
    const { data } = await getApprovalStats({ client: this.api });
    if (data) this.counts.set(data);
  }

  private setDeciding(id: string, on: boolean): void {
    this.decidingIds.update((ids) => {
      const next = new Set(ids);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }
}
