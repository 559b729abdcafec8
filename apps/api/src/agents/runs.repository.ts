import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Transactions } from '../database/transactions.js';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { ModelCall } from '../usage/entities/model-call.entity.js';
import { Conversation } from './entities/conversation.entity.js';
import { ConversationMessage } from './entities/conversation-message.entity.js';
import { Run, type RunStatus } from './entities/run.entity.js';
import { ToolCallRecord } from './entities/tool-call.entity.js';

/** All SQL for runs, conversations, their history and tool calls. */
@Injectable()
export class RunsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  findConversation(id: string): Promise<Conversation | null> {
    return this.dataSource.getRepository(Conversation).findOneBy({ id });
  }

  /**
   * Stores a run request (and its new conversation) in one transaction, before any work. The run is
   * complete in memory, so TypeORM is told not to read its defaulted columns back (a SELECT per run).
   */
  async insertRun(run: Run, newConversation: Conversation | null): Promise<void> {
    await this.transactions.run(async (manager) => {
      if (newConversation) await manager.insert(Conversation, newConversation);
      await manager.createQueryBuilder().insert().into(Run).values(run).updateEntity(false).execute();
    });
  }

  /** Sets what made the conversation untrusted, unless something already did (the first source stays). */
  async markUntrusted(conversationId: string, source: string): Promise<void> {
    await this.dataSource
      .getRepository(Conversation)
      .createQueryBuilder()
      .update()
      .set({ untrustedSource: source.slice(0, 200) })
      .where('id = :conversationId AND untrusted_source IS NULL', { conversationId })
      .execute();
  }

  findRun(id: string): Promise<Run | null> {
    return this.dataSource.getRepository(Run).findOneBy({ id });
  }

  listRuns(limit: number, status?: RunStatus): Promise<Run[]> {
    return this.dataSource
      .getRepository(Run)
      .find({ where: status ? { status } : {}, order: { createdAt: 'DESC' }, take: limit });
  }

  /** Runs of a group: all, since an instant, and failed or refused ones. */
  async groupRunCounts(groupId: string, since: Date): Promise<{ total: number; today: number; failed: number }> {
    const row = await this.dataSource
      .getRepository(Run)
      .createQueryBuilder('r')
      .select('COUNT(*)', 'total')
      .addSelect('COALESCE(SUM(CASE WHEN r.created_at >= :since THEN 1 ELSE 0 END), 0)', 'today')
      .addSelect(`COALESCE(SUM(CASE WHEN r.status IN ('failed', 'refused') THEN 1 ELSE 0 END), 0)`, 'failed')
      .where('r.group_id = :groupId', { groupId })
      .setParameter('since', since)
      .getRawOne<Record<string, string | number>>();
    return { total: Number(row?.total ?? 0), today: Number(row?.today ?? 0), failed: Number(row?.failed ?? 0) };
  }

  /**
   * Runs a crash or restart interrupted, oldest first. Paused runs are among them: each asks its gate
   * again, so one whose call was decided while the gateway was down goes on, and the others pause again.
   */
  findUnfinished(): Promise<Run[]> {
    return this.dataSource
      .getRepository(Run)
      .find({ where: { status: In(['queued', 'running', 'awaiting_approval']) }, order: { createdAt: 'ASC' } });
  }

  async updateRun(id: string, patch: Partial<Run>): Promise<void> {
    await this.dataSource.getRepository(Run).update({ id }, patch);
  }

  history(conversationId: string): Promise<ConversationMessage[]> {
    return this.dataSource
      .getRepository(ConversationMessage)
      .find({ where: { conversationId }, order: { seq: 'ASC' } });
  }

  /** A run's start and (unless it is refused) its user message, written together. */
  async startRun(id: string, patch: Partial<Run>, input: ConversationMessage | null): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.update(Run, { id }, patch);
      if (input) await manager.insert(ConversationMessage, asRow(input));
    });
  }

  async appendMessage(message: ConversationMessage): Promise<void> {
    await this.dataSource.getRepository(ConversationMessage).insert(asRow(message));
  }

  /** A model call's usage, its answer and the run's running totals, written together. */
  async recordModelCall(call: ModelCall, answer: ConversationMessage | null, runPatch: Partial<Run>): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.insert(ModelCall, call);
      if (answer) await manager.insert(ConversationMessage, asRow(answer));
      if (Object.keys(runPatch).length > 0) await manager.update(Run, { id: call.runId }, runPatch);
    });
  }

  toolCalls(runId: string): Promise<ToolCallRecord[]> {
    return this.dataSource.getRepository(ToolCallRecord).find({ where: { runId }, order: { createdAt: 'ASC' } });
  }

  async insertToolCall(record: ToolCallRecord): Promise<void> {
    await this.dataSource.getRepository(ToolCallRecord).insert(asRow(record));
  }

  async updateToolCall(id: string, patch: Pick<ToolCallRecord, 'status' | 'startedAt'>): Promise<void> {
    await this.dataSource.getRepository(ToolCallRecord).update({ id }, patch);
  }

  async finishToolCall(
    id: string,
    patch: Pick<ToolCallRecord, 'output' | 'isError' | 'finishedAt'> & { toolVersion?: string | null },
  ): Promise<void> {
    await this.dataSource.getRepository(ToolCallRecord).update({ id }, { ...patch, status: 'done' });
  }

  runMessages(runId: string): Promise<ConversationMessage[]> {
    return this.dataSource.getRepository(ConversationMessage).find({ where: { runId }, order: { seq: 'ASC' } });
  }

  modelCalls(runId: string): Promise<ModelCall[]> {
    return this.dataSource.getRepository(ModelCall).find({ where: { runId }, order: { createdAt: 'ASC' } });
  }
}

/** Message content and tool input are free-form JSON (tool inputs are `unknown`), which TypeORM's insert types cannot express. */
function asRow<T>(row: T): QueryDeepPartialEntity<T> {
  return row as QueryDeepPartialEntity<T>;
}
