import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { placeholders, SqliteTable } from '../database/sqlite-table.js';
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

/**
 * All SQL for runs, conversations, their history and tool calls. On SQLite, what every run does
 * (store, start, read its history, record a model call, end) goes through prepared statements
 * (`sqlite`); the rest, and everything on PostgreSQL, through TypeORM.
 */
@Injectable()
export class RunsRepository {
  private tables?: {
    runs: SqliteTable<Run>;
    conversations: SqliteTable<Conversation>;
    messages: SqliteTable<ConversationMessage>;
    modelCalls: SqliteTable<ModelCall>;
  } | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  /** The hot path's prepared statements on SQLite; null on PostgreSQL. */
  private get sqlite() {
    if (this.tables === undefined) {
      const runs = SqliteTable.of(this.dataSource, Run);
      this.tables = runs && {
        runs,
        conversations: SqliteTable.of(this.dataSource, Conversation)!,
        messages: SqliteTable.of(this.dataSource, ConversationMessage)!,
        modelCalls: SqliteTable.of(this.dataSource, ModelCall)!,
      };
    }
    return this.tables;
  }

  async findConversation(id: string): Promise<Conversation | null> {
    const sqlite = this.sqlite;
    if (sqlite) return sqlite.conversations.one('"id" = ?', [id]);
    return this.dataSource.getRepository(Conversation).findOneBy({ id });
  }

  /**
   * Stores a run request (and its new conversation) in one transaction, before any work. The run is
   * complete in memory, so TypeORM is told not to read its defaulted columns back (a SELECT per run).
   */
  async insertRun(run: Run, newConversation: Conversation | null): Promise<void> {
    const sqlite = this.sqlite;
    if (sqlite) {
      return this.transactions.write(() => {
        if (newConversation) sqlite.conversations.insert(newConversation);
        sqlite.runs.insert(run);
      });
    }
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

  async findRun(id: string): Promise<Run | null> {
    const sqlite = this.sqlite;
    if (sqlite) return sqlite.runs.one('"id" = ?', [id]);
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
    const sqlite = this.sqlite;
    if (sqlite) return void (await this.transactions.write(() => sqlite.runs.update(patch, '"id" = ?', [id])));
    await this.dataSource.getRepository(Run).update({ id }, asRow(patch));
  }

  /**
   * Changes a run's status only if it is still one of `from` (compare-and-set), so cancel, resume,
   * approval and a restart can race without a run ending twice or coming back to life. False when
   * the run was no longer in one of `from`.
   */
  async transition(id: string, from: RunStatus[], patch: Partial<Run> & { status: RunStatus }): Promise<boolean> {
    const sqlite = this.sqlite;
    if (sqlite) return this.transactions.write(() => setStatus(sqlite.runs, id, from, patch));
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
    const sqlite = this.sqlite;
    const messages = sqlite
      ? sqlite.messages.many(
          '"conversation_id" = ? AND "seq" > (SELECT COALESCE(MAX(s."covers_seq"), 0) FROM "conversation_summaries" s WHERE s."conversation_id" = ?) ORDER BY "seq" ASC',
          [conversationId, conversationId],
        )
      : await this.dataSource
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
    const sqlite = this.sqlite;
    if (sqlite) {
      return this.transactions.write(() => {
        if (!setStatus(sqlite.runs, id, ['queued'], { ...patch, status: 'running' })) return false;
        if (input) sqlite.messages.insert(input);
        return true;
      });
    }
    return this.transactions.run(async (manager) => {
      const result = await manager.update(Run, { id, status: 'queued' }, asRow({ ...patch, status: 'running' }));
      if ((result.affected ?? 0) === 0) return false;
      if (input) await manager.insert(ConversationMessage, asRow(input));
      return true;
    });
  }

  async appendMessage(message: ConversationMessage): Promise<void> {
    const sqlite = this.sqlite;
    if (sqlite) return this.transactions.write(() => sqlite.messages.insert(message));
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
    const sqlite = this.sqlite;
    if (sqlite) {
      return this.transactions.write(() => {
        sqlite.modelCalls.insert(call);
        if (answer) sqlite.messages.insert(answer);
        sqlite.runs.update(runPatch, '"id" = ?', [call.runId]);
        return end ? setStatus(sqlite.runs, call.runId, end.from, end.patch) : true;
      });
    }
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

/** Compare-and-set of a run's status on SQLite (as `transition`); true when it applied. */
function setStatus(runs: SqliteTable<Run>, id: string, from: RunStatus[], patch: Partial<Run>): boolean {
  return runs.update(patch, `"id" = ? AND "status" IN (${placeholders(from.length)})`, [id, ...from]) > 0;
}

/** Message content and tool input are free-form JSON (tool inputs are `unknown`), which TypeORM's insert types cannot express. */
function asRow<T>(row: T): QueryDeepPartialEntity<T> {
  return row as QueryDeepPartialEntity<T>;
}
