import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Run } from '../agents/entities/run.entity.js';
import { RunsService } from '../agents/runs.service.js';
import { Clock } from '../common/clock.js';
import { escapeMarkers } from '../common/untrusted.js';
import { EventBus } from '../events/event-bus.js';
import type { ChannelAdapter, InboundMessage, ReplyTarget } from './adapters/channel-adapter.js';
import { type ChatCommand, parseChatCommand } from './channel-commands.js';
import { ChatCommandHandler } from './chat-command-handler.js';
import { ChannelsRepository } from './channels.repository.js';
import type { Channel } from './entities/channel.entity.js';
import type { ChannelMessage } from './entities/channel-message.entity.js';

/** How often the typing indicator is renewed while the agent works (Telegram shows it for ~5 s). */
const TYPING_EVERY_MS = 4_500;
/** The indicator stops after this long even if the run goes on (for example waiting for an approval). */
const TYPING_AT_MOST_MS = 5 * 60_000;
const NOT_WHITELISTED = 'The sender is not on the channel’s whitelist';
export const FAILED_REPLY = 'Sorry, I could not answer that just now. Please try again later.';

/**
 * Inbound messages: stored first (deduplicated per channel), whitelist applied, one run per message
 * for the channel's group, the reply sent back on the same chat and thread (by the run's stored
 * continuation, so a restart between the run's end and the reply still sends it once). A chat keeps
 * one conversation, so the agent remembers what was said before.
 */
@Injectable()
export class ChannelInbox {
  private readonly logger = new Logger(ChannelInbox.name);
  private readonly inFlight = new Set<Promise<void>>();
  /** Typing indicators of messages whose run is under way, by message id. */
  private readonly typing = new Map<string, () => void>();

  constructor(
    private readonly repository: ChannelsRepository,
    private readonly runs: RunsService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly commands: ChatCommandHandler,
  ) {}

  /** Stores the message; answering goes on in the background. Resolves once it is stored. */
  async receive(channel: Channel, adapter: ChannelAdapter, inbound: InboundMessage): Promise<void> {
    const dropReason = inbound.dropReason ?? (this.whitelisted(channel, inbound) ? null : NOT_WHITELISTED);
    const allowed = dropReason === null;
    const message: ChannelMessage = {
      id: randomUUID(),
      channelId: channel.id,
      externalId: inbound.externalId.slice(0, 200),
      chatId: inbound.chatId.slice(0, 200),
      threadId: inbound.threadId?.slice(0, 200) ?? null,
      sender: inbound.sender.slice(0, 200),
      senderName: inbound.senderName?.slice(0, 200) ?? null,
      text: inbound.text,
      replyContext: inbound.replyContext ?? null,
      status: allowed ? 'received' : 'dropped',
      reason: dropReason,
      runId: null,
      conversationId: null,
      reply: null,
      receivedAt: this.clock.now(),
      answeredAt: null,
    };
    if (!(await this.repository.insertMessage(message))) {
      this.logger.debug(`Channel ${channel.id}: message ${inbound.externalId} was already handled`);
      return;
    }
    this.bus.emit('message:incoming', {
      messageId: message.id,
      channelId: channel.id,
      channelType: channel.type,
      sender: message.sender,
      text: message.text,
    });
    if (allowed) this.resume(channel, adapter, message, inbound.senderAliases);
  }

  /**
   * Answers a stored message: a chat command (`/new`, `/status`, `/approve`…) is answered by the
   * gateway, anything else becomes a run whose continuation replies (also for a message a restart
   * interrupted before its run was submitted).
   */
  resume(channel: Channel, adapter: ChannelAdapter, message: ChannelMessage, senderAliases: string[] = []): void {
    const command = message.runId ? null : parseChatCommand(message.text);
    this.track(
      command
        ? this.command(channel, adapter, message, command, senderAliases)
        : this.answer(channel, adapter, message),
    );
  }

  /**
   * The run answering this message waits for an approval: the typing indicator stops and the sender
   * is told, instead of seeing "typing…" for as long as the approval takes.
   */
  async waitingForApproval(adapter: ChannelAdapter, message: ChannelMessage, notice: string | null): Promise<void> {
    this.stopTyping(message.id);
    if (notice) await adapter.send(replyTarget(message), notice);
  }

  /** The approval was given: the indicator shows again while the run goes on. */
  typingAgain(adapter: ChannelAdapter, message: ChannelMessage): void {
    if (message.status !== 'received' || this.typing.has(message.id)) return;
    this.typing.set(message.id, this.keepTyping(adapter, replyTarget(message)));
  }

  /** Stops typing indicators and lets submissions under way finish (their replies come from the run's continuation). */
  async close(): Promise<void> {
    for (const stop of this.typing.values()) stop();
    this.typing.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * The message's reply, once its run has ended (the run's `channel-reply` continuation, also after a
   * restart). A message already answered is left alone; a cancelled run's message gets no reply and
   * is recorded as failed with why.
   */
  async reply(channel: Channel, adapter: ChannelAdapter, messageId: string, run: Run): Promise<void> {
    this.stopTyping(messageId);
    const message = await this.repository.findMessage(messageId);
    if (!message || message.status !== 'received') return;
    const base = { runId: run.id, conversationId: run.conversationId, answeredAt: this.clock.now() };
    if (run.status === 'cancelled') {
      await this.repository.updateMessage(message.id, { ...base, status: 'failed', reason: run.error });
      return;
    }
    const reply = run.status === 'failed' || !run.reply?.trim() ? FAILED_REPLY : run.reply;
    try {
      await adapter.send(replyTarget(message), reply);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Channel ${channel.id}: message ${message.id} was not answered: ${reason}`);
      await this.repository.updateMessage(message.id, { ...base, status: 'failed', reason });
      return;
    }
    await this.repository.updateMessage(message.id, {
      ...base,
      status: run.status === 'failed' ? 'failed' : 'answered',
      reason: run.status === 'failed' ? (run.error ?? 'The run failed') : null,
      reply,
    });
    this.bus.emit('message:reply', {
      messageId: message.id,
      channelId: channel.id,
      channelType: channel.type,
      runId: run.id,
      text: reply,
    });
  }

  /**
   * An empty whitelist admits everyone; else the sender's id or one of its aliases must be on it (or
   * among the approvers, who may always answer a held call).
   */
  private whitelisted(channel: Channel, inbound: InboundMessage): boolean {
    if (channel.allowedSenders.length === 0) return true;
    const admitted = [...channel.allowedSenders, ...channel.approvers];
    return [inbound.sender, ...(inbound.senderAliases ?? [])].some((id) => admitted.includes(id));
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Submits the message's run; the reply goes out from the run's continuation when it ends. */
  private async answer(channel: Channel, adapter: ChannelAdapter, message: ChannelMessage): Promise<void> {
    this.typing.set(message.id, this.keepTyping(adapter, replyTarget(message)));
    try {
      const conversationId = await this.repository.conversationOf(channel.id, message.chatId, message.threadId);
      const run = await this.runs.submit({
        // The person's words go to the model as written, except for markers that imitate the gateway's.
        message: escapeMarkers(message.text),
        origin: { kind: 'channel', channelType: channel.type, channelId: channel.id, ref: message.externalId },
        ...(conversationId ? { conversationId } : {}),
        continuation: { kind: 'channel-reply', channelId: channel.id, messageId: message.id },
      });
      await this.repository.updateMessage(message.id, { runId: run.id, conversationId: run.conversationId });
    } catch (error) {
      this.stopTyping(message.id);
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Channel ${channel.id}: message ${message.id} was not answered: ${reason}`);
      await this.repository
        .updateMessage(message.id, { status: 'failed', reason, answeredAt: this.clock.now() })
        .catch(() => undefined);
    }
  }

  private stopTyping(messageId: string): void {
    this.typing.get(messageId)?.();
    this.typing.delete(messageId);
  }

  /** A chat command: answered by the gateway, without a model call. */
  private async command(
    channel: Channel,
    adapter: ChannelAdapter,
    message: ChannelMessage,
    command: ChatCommand,
    senderAliases: string[],
  ): Promise<void> {
    try {
      const outcome = await this.commands.answer(channel, message, command, senderAliases);
      await adapter.send(replyTarget(message), outcome.reply);
      await this.repository.updateMessage(message.id, {
        status: 'answered',
        conversationId: outcome.conversationId,
        reply: outcome.reply,
        answeredAt: this.clock.now(),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Channel ${channel.id}: /${command.name} in message ${message.id} failed: ${reason}`);
      await this.repository
        .updateMessage(message.id, { status: 'failed', reason, answeredAt: this.clock.now() })
        .catch(() => undefined);
    }
  }

  private keepTyping(adapter: ChannelAdapter, target: ReplyTarget): () => void {
    const started = Date.now();
    const tick = (): void => {
      if (Date.now() - started > TYPING_AT_MOST_MS) return stop();
      void adapter.typing(target);
    };
    tick();
    const timer = setInterval(tick, TYPING_EVERY_MS);
    const stop = (): void => clearInterval(timer);
    return stop;
  }
}

function replyTarget(message: ChannelMessage): ReplyTarget {
  return {
    chatId: message.chatId,
    threadId: message.threadId,
    inReplyTo: message.externalId,
    replyContext: message.replyContext,
  };
}
