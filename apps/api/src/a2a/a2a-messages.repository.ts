import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import type { A2aMessageType } from '@loop-gateway/contracts';
import { UNFINISHED_STATUSES } from '../agents/entities/run.entity.js';
import { A2aMessage } from './entities/a2a-message.entity.js';

/** All SQL for the messages of the bus. */
@Injectable()
export class A2aMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a message; false when its tool call or the message it answers already has one. */
  async insert(message: A2aMessage): Promise<boolean> {
    const existing = await this.dataSource.getRepository(A2aMessage).findOne({
      where: message.replyTo
        ? { replyTo: message.replyTo }
        : message.toolCallId
          ? { toolCallId: message.toolCallId }
          : { id: message.id },
    });
    if (existing) return false;
    try {
      await this.dataSource.getRepository(A2aMessage).insert(message);
      return true;
    } catch (error) {
      // The unique reply_to / tool_call_id: someone stored it first (a race after a restart).
      if (await this.find(message.id)) throw error;
      return false;
    }
  }

  find(id: string): Promise<A2aMessage | null> {
    return this.dataSource.getRepository(A2aMessage).findOneBy({ id });
  }

  findByToolCall(toolCallId: string): Promise<A2aMessage | null> {
    return this.dataSource.getRepository(A2aMessage).findOneBy({ toolCallId });
  }

  findReply(messageId: string): Promise<A2aMessage | null> {
    return this.dataSource.getRepository(A2aMessage).findOneBy({ replyTo: messageId });
  }

  async setRun(id: string, runId: string): Promise<void> {
    await this.dataSource.getRepository(A2aMessage).update({ id }, { runId });
  }

  /** Delegations and queries a run has sent. */
  askedBy(fromRunId: string): Promise<number> {
    return this.dataSource.getRepository(A2aMessage).count({ where: { fromRunId, type: In(['delegate', 'query']) } });
  }

  /** The runs a run's messages started (delegations, queries, broadcasts). */
  async runsStartedBy(fromRunId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(A2aMessage)
      .find({ select: { runId: true }, where: { fromRunId, runId: Not(IsNull()) } });
    return rows.map((row) => row.runId!);
  }

  /**
   * Runs still unfinished that were started by a run which ended without completing (failed, refused
   * or cancelled): a crash came between that end and the cancel of what it started.
   */
  async runsLeftByEndedRuns(): Promise<{ runId: string; fromRunId: string; parentStatus: string }[]> {
    return this.dataSource
      .getRepository(A2aMessage)
      .createQueryBuilder('m')
      .innerJoin('runs', 'child', 'child.id = m.run_id')
      .innerJoin('runs', 'parent', 'parent.id = m.from_run_id')
      .select('m.run_id', 'runId')
      .addSelect('m.from_run_id', 'fromRunId')
      .addSelect('parent.status', 'parentStatus')
      .where('child.status IN (:...unfinished)', { unfinished: UNFINISHED_STATUSES })
      .andWhere("parent.status IN ('failed', 'refused', 'cancelled')")
      .getRawMany();
  }

  /** Recent messages, newest first. */
  list(options: { limit: number; agentId?: string; type?: A2aMessageType }): Promise<A2aMessage[]> {
    const type = options.type ? { type: options.type } : {};
    const where = options.agentId
      ? [
          { fromAgentId: options.agentId, ...type },
          { toAgentId: options.agentId, ...type },
        ]
      : type;
    return this.dataSource
      .getRepository(A2aMessage)
      .find({ where, order: { createdAt: 'DESC', id: 'ASC' }, take: options.limit });
  }

  conversation(conversationId: string): Promise<A2aMessage[]> {
    return this.dataSource
      .getRepository(A2aMessage)
      .find({ where: { conversationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(A2aMessage).count();
  }

  /** Milliseconds from each of the latest answered delegations to its answer. */
  async delegationTimes(limit: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(A2aMessage)
      .createQueryBuilder('reply')
      .innerJoin(A2aMessage, 'ask', 'ask.id = reply.reply_to')
      .select('ask.created_at', 'askedAt')
      .addSelect('reply.created_at', 'answeredAt')
      .where("ask.type = 'delegate'")
      .orderBy('reply.created_at', 'DESC')
      .limit(limit)
      .getRawMany<{ askedAt: string | Date; answeredAt: string | Date }>();
    return rows.map((row) => toDate(row.answeredAt).getTime() - toDate(row.askedAt).getTime());
  }
}

/** A raw timestamp: a Date on PostgreSQL, a UTC string on SQLite. */
function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value.endsWith('Z') ? value : `${value.replace(' ', 'T')}Z`);
}
