import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  InjectionToken,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatIcon } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import {
  type AgentGroupResponseDto,
  type AgentResponseDto,
  type ApprovalDto,
  type RunDetailResponseDto,
  type RunMessageDto,
  type RunToolCallDto,
  cancelRun,
  closeConversation,
  getAgentGroup,
  getRun,
  listAgents,
  listRunApprovals,
} from '@loop-gateway/api-client';
import { duration, shortId } from '../activity/event-summary';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { Alert } from '../core/ui/alert';
import { ApprovalActions } from '../approvals/approval-actions';
import { decisionLabel, timeoutOutcome } from '../approvals/approval-format';
import { type ApprovalDecision, decideApproval } from '../approvals/decide-approval';
import { isApprovalEvent, isFinished, isRunEvent, originLabel, prettyJson } from './run-format';
import { RunStatusChip } from './run-status';
import { ToolScreenshot } from '../tools/tool-screenshot';
import { pendingStream, timelineEntries } from './run-timeline';
import { IfAdmin } from '../core/session/if-admin';

/**
 * How often an unfinished run is fetched again. Text streams in over the live connection, but tool
 * calls have no events of their own.
 */
export const RUN_DETAIL_POLL_MS = new InjectionToken<number>('RUN_DETAIL_POLL_MS', {
  providedIn: 'root',
  factory: () => 2000,
});

/** One run: what came in, every model call and tool call, and the message timeline, live while it runs. */
@Component({
  selector: 'lg-run-detail-page',
  imports: [
    Alert,
    ApprovalActions,
    IfAdmin,
    DatePipe,
    DecimalPipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatIcon,
    MatProgressBar,
    RouterLink,
    RunStatusChip,
    ToolScreenshot,
  ],
  templateUrl: './run-detail.page.html',
  styleUrl: './run-detail.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunDetailPage {
  private readonly api = inject(API_CLIENT);

  /** From the route (`/runs/:id`). */
  readonly id = input.required<string>();

  protected readonly run = signal<RunDetailResponseDto | null>(null);
  protected readonly group = signal<AgentGroupResponseDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loading = signal(false);
  /** Text streamed for the model call under way (not stored yet). */
  protected readonly streamed = signal('');
  /** The run's held tool calls and the decisions on them, oldest first. */
  protected readonly approvals = signal<readonly ApprovalDto[]>([]);
  /** The agents this run delegated to (or queried), with their status. */
  protected readonly subAgents = signal<readonly AgentResponseDto[]>([]);
  protected readonly held = computed(() => this.approvals().filter((approval) => approval.status === 'pending'));
  /** The held call whose decision is on its way. */
  protected readonly deciding = signal<string | null>(null);
  protected readonly approvalError = signal<string | null>(null);
  protected readonly cancelling = signal(false);
  protected readonly cancelError = signal<string | null>(null);

  protected readonly shortId = shortId;
  protected readonly duration = duration;
  protected readonly originLabel = originLabel;
  protected readonly prettyJson = prettyJson;
  protected readonly decisionLabel = decisionLabel;
  protected readonly timeoutOutcome = timeoutOutcome;
  protected readonly live = computed(() => {
    const run = this.run();
    return run !== null && !isFinished(run.status);
  });
  /** The run's messages, with its compactions where they happened (before the answer they made room for). */
  protected readonly timeline = computed(() => {
    const run = this.run();
    return run ? timelineEntries(run.messages, run.compactions) : [];
  });
  protected readonly closingConversation = signal(false);
  /** The conversation was closed here: the chat's next message starts a new one. */
  protected readonly conversationClosed = signal(false);

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.run.set(null);
        this.group.set(null);
        this.streamed.set('');
        this.approvals.set([]);
        this.subAgents.set([]);
        this.approvalError.set(null);
        this.cancelError.set(null);
        this.conversationClosed.set(false);
        void this.load(id);
      });
    });

    const socket = inject(GatewaySocket);
    // The text stream of the run shown, and of no other.
    effect((onCleanup) => onCleanup(socket.watchText(this.id())));
    const subscription = socket.events.subscribe((event) => {
      if (isApprovalEvent(event) && event.payload.runId === this.id()) {
        void this.load(this.id());
        return;
      }
      // A finished run's container exit is stored just after its end: show it when it comes.
      if (event.event === 'container:exit' && event.payload.runId === this.id()) {
        void this.load(this.id());
        return;
      }
      if (!isRunEvent(event) || event.payload.runId !== this.id()) return;
      if (event.event === 'agent:run:text') {
        const { delta } = event.payload;
        this.streamed.update((text) => text + delta);
        this.run.update((run) => (run && run.status === 'queued' ? { ...run, status: 'running' } : run));
      } else {
        void this.load(this.id());
      }
    });
    const timer = setInterval(() => {
      if (this.live() && !this.loading()) void this.load(this.id());
    }, inject(RUN_DETAIL_POLL_MS));
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      clearInterval(timer);
    });
  }

  protected async load(id: string): Promise<void> {
    this.loading.set(true);
    const [{ data, error }, approvals, agents] = await Promise.all([
      getRun({ client: this.api, path: { id } }),
      listRunApprovals({ client: this.api, path: { runId: id } }),
      listAgents({ client: this.api, query: { runId: id } }),
    ]);
    this.loading.set(false);
    if (id !== this.id()) return;
    if (approvals.data) this.approvals.set(approvals.data);
    if (agents.data) this.subAgents.set(agents.data.agents);
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The run could not be loaded.'));
      return;
    }
    const before = this.run()?.messages.length ?? 0;
    const newAnswers = data.messages.slice(before).filter((m: RunMessageDto) => m.role === 'assistant');
    this.streamed.update((text) => (isFinished(data.status) ? '' : pendingStream(text, newAnswers)));
    this.run.set(data);
    this.error.set(null);
    if (data.groupId && this.group()?.id !== data.groupId) void this.loadGroup(data.groupId);
  }

  private async loadGroup(id: string): Promise<void> {
    const { data } = await getAgentGroup({ client: this.api, path: { id } });
    if (data) this.group.set(data);
  }

  protected async decide(approval: ApprovalDto, decision: ApprovalDecision): Promise<void> {
    this.deciding.set(approval.id);
    this.approvalError.set(null);
    const { error } = await decideApproval(this.api, approval.id, decision);
    this.deciding.set(null);
    this.approvalError.set(error);
    await this.load(this.id());
  }

  /**
   * POST /api/runs/:id/cancel: the run ends as cancelled at once (its model call and tool call are
   * stopped, a held call withdrawn). A run that ended meanwhile answers 409 with how it ended.
   */
  protected async cancel(): Promise<void> {
    const id = this.id();
    this.cancelling.set(true);
    this.cancelError.set(null);
    const { error } = await cancelRun({ client: this.api, path: { id } });
    this.cancelling.set(false);
    if (error) this.cancelError.set(apiErrorMessage(error, 'The run could not be cancelled.'));
    await this.load(id);
  }

  /** Like /new from the chat: its next message starts a fresh conversation. */
  protected async startNewConversation(conversationId: string): Promise<void> {
    this.closingConversation.set(true);
    const { data, error } = await closeConversation({ client: this.api, path: { id: conversationId } });
    this.closingConversation.set(false);
    if (data) this.conversationClosed.set(true);
    else this.error.set(apiErrorMessage(error, 'The conversation could not be closed.'));
  }

  /** The approval of a held (or once held) tool call. */
  protected approvalFor(toolCallId: string): ApprovalDto | undefined {
    return this.approvals().find((approval) => approval.toolCallId === toolCallId);
  }

  protected callOutput(call: RunToolCallDto): string {
    if (call.output !== null) return call.output;
    if (call.status === 'running') return 'Running…';
    return call.status === 'awaiting_approval' ? 'Waiting for approval…' : '—';
  }

  protected toolName(toolUseId: string): string {
    return this.run()?.toolCalls.find((call) => call.id === toolUseId)?.name ?? 'tool';
  }
}
