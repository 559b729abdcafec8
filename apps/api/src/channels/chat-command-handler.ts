import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { RunsService } from '../agents/runs.service.js';
import { ApprovalsService } from '../hitl/approvals.service.js';
import { type ChatCommand, HELP_REPLY, shortApprovalId, START_OVER_REPLY } from './channel-commands.js';
import { ChannelsRepository } from './channels.repository.js';
import type { Channel } from './entities/channel.entity.js';
import type { ChannelMessage } from './entities/channel-message.entity.js';

export const NOT_AN_APPROVER_REPLY =
  'Only the approvers of this channel can decide approvals. Nothing was changed; ask an approver or use the console.';

/** What a command answers, and the conversation it concerns (stored with the message). */
export interface CommandOutcome {
  reply: string;
  conversationId: string | null;
}

/**
 * The chat commands, the same on every channel: `/new` starts the chat over, `/status` says what the
 * agent is doing for the chat, `/help` lists the commands, and `/approve` / `/reject` let the channel's
 * approvers decide held tool calls (recorded like a console decision, with who and through which
 * channel). None of them calls the model.
 */
@Injectable()
export class ChatCommandHandler {
  constructor(
    private readonly repository: ChannelsRepository,
    private readonly runs: RunsService,
    private readonly approvals: ApprovalsService,
  ) {}

  async answer(
    channel: Channel,
    message: ChannelMessage,
    command: ChatCommand,
    senderAliases: string[] = [],
  ): Promise<CommandOutcome> {
    switch (command.name) {
      case 'new':
      case 'reset':
        return this.startOver(channel, message);
      case 'status':
        return { reply: await this.status(channel, message), conversationId: null };
      case 'help':
        return { reply: HELP_REPLY, conversationId: null };
      case 'approve':
      case 'reject':
        return {
          reply: await this.decide(channel, message, command, senderAliases),
          conversationId: null,
        };
    }
  }

  /** The chat's conversation is closed, so its next message starts a fresh one. */
  private async startOver(channel: Channel, message: ChannelMessage): Promise<CommandOutcome> {
    const conversationId = await this.repository.conversationOf(channel.id, message.chatId, message.threadId);
    if (conversationId) await this.runs.closeConversation(conversationId);
    return { reply: START_OVER_REPLY, conversationId };
  }

  /**
   * What the agent is doing for this chat: each message under way in its thread, or sent by the same
   * person (an email's other threads), running, waiting or queued.
   */
  private async status(channel: Channel, message: ChannelMessage): Promise<string> {
    const lines: string[] = [];
    const underWay = (await this.repository.inProgress(channel.id, message.chatId)).filter(
      (other) => other.threadId === message.threadId || other.sender === message.sender,
    );
    for (const pending of underWay) {
      const run = pending.runId ? await this.runs.find(pending.runId) : null;
      if (!run) continue;
      const about = `“${excerpt(pending.text, 60)}”`;
      if (run.status === 'running') lines.push(`Working on ${about}.`);
      else if (run.status === 'queued') {
        const position = this.runs.queuePosition(run.id);
        lines.push(`${about} is queued${position ? ` (position ${position} in line)` : ''}.`);
      } else if (run.waitingFor?.kind === 'agents') {
        lines.push(`${about} is waiting for the answers of the sub-agents it delegated to.`);
      } else if (run.status === 'waiting') {
        const held = (await this.approvals.forRun(run.id)).filter((a) => a.status === 'pending');
        const what = held.map((a) => `${a.toolName} (id ${shortApprovalId(a.id)})`).join(', ');
        lines.push(`${about} is waiting for approval${what ? ` of ${what}` : ''}.`);
      }
    }
    if (lines.length === 0) return 'Nothing is under way for this chat. Send a message to start.';
    return lines.join('\n');
  }

  /** `/approve <id>` or `/reject <id> [reason]` from an approver of this channel. */
  private async decide(
    channel: Channel,
    message: ChannelMessage,
    command: ChatCommand,
    senderAliases: string[],
  ): Promise<string> {
    const approver = [message.sender, ...senderAliases].some((id) => channel.approvers.includes(id));
    if (!approver) return NOT_AN_APPROVER_REPLY;
    const [id, ...rest] = command.args.split(/\s+/).filter(Boolean);
    if (!id) return `Say which approval: /${command.name} <id>${command.name === 'reject' ? ' [reason]' : ''}`;
    const status = command.name === 'approve' ? 'approved' : 'rejected';
    try {
      const decided = await this.approvals.decideFromChat(
        id,
        status,
        { decidedBy: message.senderName ?? message.sender, channelId: channel.id },
        rest.join(' ') || undefined,
      );
      const verb = status === 'approved' ? 'Approved' : 'Rejected';
      const next = status === 'approved' ? 'the run goes on' : 'the agent is told it was rejected';
      return `${verb} ${decided.toolName} (id ${shortApprovalId(decided.id)}): ${next}.`;
    } catch (error) {
      if (error instanceof NotFoundException || error instanceof ConflictException) return error.message;
      throw error;
    }
  }
}

/** The text's start on one line, for a status or a notice. */
export function excerpt(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
