import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { RunOrigin } from '@loop-gateway/contracts';
import { RunsService } from '../agents/runs.service.js';
import { EventBus } from '../events/event-bus.js';
import type { Approval } from '../hitl/entities/approval.entity.js';
import { ApprovalsService } from '../hitl/approvals.service.js';
import { shortApprovalId } from './channel-commands.js';
import { ChannelInbox } from './channel-inbox.js';
import { ChannelManager } from './channel-manager.js';
import type { SentButtons } from './adapters/channel-adapter.js';
import { ChannelsRepository } from './channels.repository.js';
import { excerpt } from './chat-command-handler.js';

/**
 * Held tool calls reach people in their chats: the approvers of the channel the run came from (and
 * those of every channel marked as the approvals chat) get the tool, a short summary of its input,
 * why it is held and how to answer; the person whose message is waiting is told so instead of
 * seeing "typing…" until the decision. A sub-agent's held call counts as one of the top-level run
 * that started its tree (the run the chat's message started). Once the call is decided (anywhere:
 * a chat, the console, the n8n flow, its timeout), the notices' buttons go, so nobody presses a
 * question already answered. Best effort: a notice that cannot be sent or changed is logged, and the
 * console and the n8n flow still decide as before.
 */
@Injectable()
export class ChannelApprovalNotices implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChannelApprovalNotices.name);
  private subscriptions: Subscription[] = [];
  /**
   * The notices with buttons of each held call, by approval id, until it is decided. In memory: after
   * a restart the buttons of calls held before it stay (pressing one answers that it was decided).
   */
  private readonly withButtons = new Map<string, { channelId: string; sent: SentButtons[] }[]>();

  constructor(
    private readonly bus: EventBus,
    private readonly approvals: ApprovalsService,
    private readonly repository: ChannelsRepository,
    private readonly manager: ChannelManager,
    private readonly inbox: ChannelInbox,
    private readonly runs: RunsService,
  ) {}

  onModuleInit(): void {
    this.subscriptions = [
      this.bus.on('approval:required').subscribe(({ payload }) => {
        this.held(payload.approvalId).catch((error: unknown) => {
          this.logger.warn({ err: error, approvalId: payload.approvalId }, 'Approval notice not sent');
        });
      }),
      this.bus.on('approval:resolved').subscribe(({ payload }) => {
        this.closeButtons(payload.approvalId, decisionNote(payload.status, payload.decidedBy)).catch(() => undefined);
        if (payload.status !== 'approved') return;
        this.resumed(payload.runId).catch(() => undefined);
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private async held(approvalId: string): Promise<void> {
    const approval = await this.approvals.findById(approvalId);
    if (!approval) return;
    const top = await this.topLevel(approval.runId, approval.origin);
    const origin = top.origin.kind === 'channel' ? (top.origin.channelId ?? null) : null;
    const told = new Set<string>(); // `channel id/sender`: each approver hears once
    const notice = approvalNotice(approval);
    const channels = [
      ...(origin ? [await this.repository.find(origin)] : []),
      ...(await this.repository.approvalsChats()),
    ];
    for (const channel of channels) {
      if (!channel) continue;
      const approvers = channel.approvers.filter((sender) => !told.has(`${channel.id}/${sender}`));
      if (approvers.length === 0) continue;
      for (const sender of approvers) told.add(`${channel.id}/${sender}`);
      const id = shortApprovalId(approval.id);
      const { failure, sent } = await this.manager.notify(channel.id, approvers, notice, [
        { label: 'Approve', command: `/approve ${id}` },
        { label: 'Reject', command: `/reject ${id}` },
      ]);
      if (failure) this.logger.warn(`Approval ${approval.id}: channel ${channel.name}: ${failure}`);
      if (sent.length > 0) this.remember(approval.id, channel.id, sent);
    }
    await this.tellSender(approval, top.runId, told);
  }

  /**
   * The run a chat sees: the run itself, or for a sub-agent's run the top-level run its tree started
   * from (following each run's parent).
   */
  private async topLevel(runId: string, origin: RunOrigin): Promise<{ runId: string; origin: RunOrigin }> {
    for (let hops = 0; origin.kind === 'a2a' && origin.parentRunId && hops < MAX_PARENT_HOPS; hops++) {
      const parent = await this.runs.find(origin.parentRunId);
      if (!parent) break;
      runId = parent.id;
      origin = parent.origin;
    }
    return { runId, origin };
  }

  /** The person whose message started the run hears that it waits (unless they just got the approver's notice). */
  private async tellSender(approval: Approval, topRunId: string, told: Set<string>): Promise<void> {
    const message = await this.repository.messageOfRun(topRunId);
    if (!message || message.status !== 'received') return;
    const live = this.manager.live(message.channelId);
    if (!live) return;
    const approverToo = told.has(`${message.channelId}/${message.sender}`) && message.chatId === message.sender;
    const notice = approverToo
      ? null
      : `Waiting for approval: before I go on, someone must allow ${approval.toolName}. I will answer once that is decided.`;
    await this.inbox.waitingForApproval(live.adapter, message, notice);
  }

  private remember(approvalId: string, channelId: string, sent: SentButtons[]): void {
    const notices = this.withButtons.get(approvalId) ?? [];
    notices.push({ channelId, sent });
    this.withButtons.set(approvalId, notices);
  }

  private async closeButtons(approvalId: string, note: string): Promise<void> {
    const notices = this.withButtons.get(approvalId);
    this.withButtons.delete(approvalId);
    for (const { channelId, sent } of notices ?? []) await this.manager.closeButtons(channelId, sent, note);
  }

  private async resumed(runId: string): Promise<void> {
    const run = await this.runs.find(runId);
    if (!run) return;
    const message = await this.repository.messageOfRun((await this.topLevel(run.id, run.origin)).runId);
    const live = message ? this.manager.live(message.channelId) : null;
    if (message && live) this.inbox.typingAgain(live.adapter, message);
  }
}

/** Parents followed from a sub-agent's run to its top-level run (well past AGENT_MAX_DEPTH's maximum). */
const MAX_PARENT_HOPS = 32;

/** What stands where a decided call's buttons were. */
export function decisionNote(
  status: 'approved' | 'rejected' | 'timed_out' | 'withdrawn',
  decidedBy: string | null,
): string {
  switch (status) {
    case 'approved':
    case 'rejected':
      return `${status === 'approved' ? 'Approved' : 'Rejected'}${decidedBy ? ` by ${decidedBy}` : ''}.`;
    case 'timed_out':
      return 'Decided by its timeout.';
    case 'withdrawn':
      return 'Withdrawn: the run was cancelled.';
  }
}

/** What an approver reads: the tool, its input in short, why it is held and how to answer. */
export function approvalNotice(approval: Approval): string {
  const id = shortApprovalId(approval.id);
  const input = excerpt(JSON.stringify(approval.input ?? {}), 300);
  const onTimeout = approval.timeoutAction === 'approve' ? 'approved' : 'rejected';
  return [
    `Approval needed (id ${id}): the agent wants to use ${approval.toolName}.`,
    `Input: ${input}`,
    `Held because: ${approval.reason}`,
    `Answer /approve ${id} or /reject ${id} [reason] (or !approve / !reject). Without an answer it is ${onTimeout} at ${approval.expiresAt.toISOString()}.`,
  ].join('\n');
}
