import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import { A2aMessagesRepository } from './a2a-messages.repository.js';
import type { A2aMessage } from './entities/a2a-message.entity.js';

export type A2aMessageDraft = Omit<A2aMessage, 'id' | 'createdAt' | 'runId'> & { runId?: string | null };

const SUMMARY_CHARS = 200;

/**
 * The message bus between agents: every message is stored before it is delivered (a delegation's run
 * is submitted after it is stored), and each stored message is announced once as `a2a:message`.
 */
@Injectable()
export class A2aBus {
  constructor(
    private readonly messages: A2aMessagesRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Stores a message; null when its tool call, or the question it answers, already has one. */
  async post(draft: A2aMessageDraft): Promise<A2aMessage | null> {
    const message: A2aMessage = { ...draft, id: randomUUID(), runId: draft.runId ?? null, createdAt: this.clock.now() };
    if (!(await this.messages.insert(message))) return null;
    this.bus.emit('a2a:message', {
      messageId: message.id,
      conversationId: message.conversationId,
      from: message.fromAgentId,
      to: message.toAgentId,
      type: message.type,
      summary: summarize(message.text),
    });
    return message;
  }
}

function summarize(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}
