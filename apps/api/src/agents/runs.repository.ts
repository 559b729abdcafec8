import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { Transactions } from '../database/transactions.js';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { ModelCall } from '../usage/entities/model-call.entity.js';
import { Conversation } from './entities/conversation.entity.js';
import { ConversationMessage } from './entities/conversation-message.entity.js';
import { ConversationSummary } from './entities/conversation-summary.entity.js';
import {
  type ContinuationState,
  FINISHED_STATUSES,
  Run,
  type RunStatus,
  UNFINISHED_STATUSES,
} from './entities/run.entity.js';
import { ToolCallRecord } from './entities/tool-call.entity.js';
import { summaryTurn } from './summary-turn.js';

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
   * Runs a crash or restart interrupted, oldest first. Waiting runs are among them: each asks what it
   * waits for again, so one whose approval was decided while the gateway was down goes on, and the
   * others wait again.
   */
  findUnfinished(): Promise<Run[]> {
    return this.dataSource
      .getRepository(Run)
      .find({ where: { status: In(UNFINISHED_STATUSES) }, order: { createdAt: 'ASC' } });
  }

  /** Changes fields other than the status (the run's totals); status changes go through `transition`. */
  async updateRun(id: string, patch: Omit<Partial<Run>, 'status'>): Promise<void> {
    await this.dataSource.getRepository(Run).update({ id }, asRow(patch));
  }

  /**
   * Changes a run's status only if it is still one of `from` (compare-and-set), so cancel, resume,
   * approval and a restart can race without a run ending twice or coming back to life. False when
   * the run was no longer in one of `from`.
   */
  async transition(id: string, from: RunStatus[], patch: Partial<Run> & { status: RunStatus }): Promise<boolean> {
    const result = await this.dataSource.getRepository(Run).update({ id, status: In(from) }, asRow(patch));
    return (result.affected ?? 0) > 0;
  }

  /** Ended runs whose continuation is in one of `states`, oldest first. */
  endedWithContinuation(states: ContinuationState[]): Promise<Run[]> {
    return this.dataSource.getRepository(Run).find({
      where: { status: In(FINISHED_STATUSES), continuationState: In(states) },
      order: { finishedAt: 'ASC' },
    });
  }

  /** Claims an ended run's continuation if it is still in one of `from`; false when someone else has it. */
  async claimContinuation(id: string, from: ContinuationState[]): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(Run)
      .update({ id, status: In(FINISHED_STATUSES), continuationState: In(from) }, { continuationState: 'dispatching' });
    return (result.affected ?? 0) > 0;
  }

  async settleContinuation(id: string, state: 'dispatched' | 'pending'): Promise<void> {
    await this.dataSource
      .getRepository(Run)
      .update({ id, continuationState: 'dispatching' }, { continuationState: state });
  }

  /**
   * The history the model works from: the latest summary (as its first turn) and the messages after
   * it; the whole conversation when it was never compacted. The full history stays in the table.
   */
  async history(conversationId: string): Promise<ConversationMessage[]> {
    const messages = await this.dataSource
      .getRepository(ConversationMessage)
      .createQueryBuilder('m')
      .where('m.conversation_id = :conversationId', { conversationId })
      .andWhere(
        'm.seq > (SELECT COALESCE(MAX(s.covers_seq), 0) FROM conversation_summaries s WHERE s.conversation_id = :conversationId)',
      )
      .orderBy('m.seq', 'ASC')
      .getMany();
    // Without a compaction the messages start at seq 1 (one query); after one, the summary is read too.
    if ((messages[0]?.seq ?? 1) <= 1) return messages;
    const summary = await this.dataSource
      .getRepository(ConversationSummary)
      .findOne({ where: { conversationId }, order: { coversSeq: 'DESC' } });
    return summary ? [summaryTurn(summary), ...messages] : messages;
  }

  /**
   * A compaction: the summary call's usage, the summary and the run's totals, together. Request sizes
   * reported before it no longer describe what is sent, so they are cleared up to `lastSeq`.
   */
  async recordSummary(
    call: ModelCall,
    summary: ConversationSummary | null,
    lastSeq: number,
    runPatch: Partial<Run>,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.insert(ModelCall, call);
      if (summary) {
        await manager.insert(ConversationSummary, summary);
        await manager.update(
          ConversationMessage,
          { conversationId: summary.conversationId, seq: LessThanOrEqual(lastSeq) },
          { contextTokens: null },
        );
      }
      await manager.update(Run, { id: call.runId }, runPatch);
    });
  }

  /** Compactions that happened during a run, in order. */
  runSummaries(runId: string): Promise<ConversationSummary[]> {
    return this.dataSource
      .getRepository(ConversationSummary)
      .find({ where: { runId }, order: { createdAt: 'ASC', coversSeq: 'ASC' } });
  }

  /** Marks a conversation closed (once); returns it, or null when unknown. */
  async closeConversation(id: string, at: Date): Promise<Conversation | null> {
    const repository = this.dataSource.getRepository(Conversation);
    await repository
      .createQueryBuilder()
      .update()
      .set({ closedAt: at })
      .where('id = :id AND closed_at IS NULL', { id })
      .execute();
    return repository.findOneBy({ id });
  }

  /**
   * A queued run's start and (unless it is refused) its user message, written together; false (and
   * nothing written) when the run is no longer queued (cancelled meanwhile).
   */
  async startRun(id: string, patch: Partial<Run>, input: ConversationMessage | null): Promise<boolean> {
    return this.transactions.run(async (manager) => {
      const result = await manager.update(Run, { id, status: 'queued' }, asRow({ ...patch, status: 'running' }));
      if ((result.affected ?? 0) === 0) return false;
      if (input) await manager.insert(ConversationMessage, asRow(input));
      return true;
    });
  }

  async appendMessage(message: ConversationMessage): Promise<void> {
    await this.dataSource.getRepository(ConversationMessage).insert(asRow(message));
  }

  /**
   * A model call's usage, its answer and the run's running totals, written together; with `end`, the
   * run's end too (compare-and-set, as `transition`), so a run's last step is one transaction. True
   * when there was no `end` or it applied.
   */
  async recordModelCall(
    call: ModelCall,
    answer: ConversationMessage | null,
    runPatch: Partial<Run>,
    end?: { from: RunStatus[]; patch: Partial<Run> & { status: RunStatus } },
  ): Promise<boolean> {
    return this.transactions.run(async (manager) => {
      await manager.insert(ModelCall, call);
      if (answer) await manager.insert(ConversationMessage, asRow(answer));
      if (Object.keys(runPatch).length > 0) await manager.update(Run, { id: call.runId }, asRow(runPatch));
      if (!end) return true;
      const ended = await manager.update(Run, { id: call.runId, status: In(end.from) }, asRow(end.patch));
      return (ended.affected ?? 0) > 0;
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
