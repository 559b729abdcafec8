import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, LessThanOrEqual, type SelectQueryBuilder } from 'typeorm';
import type { PageCursor } from '../common/cursor.js';
import { originKey } from '../common/origin-key.js';
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
   * Stores a run request (and its new conversation) in one transaction, before any work; a run stored
   * as started comes with its user message. The run is complete in memory, so TypeORM is told not to
   * read its defaulted columns back (a SELECT per run).
   */
  async insertRun(
    run: Run,
    newConversation: Conversation | null,
    input: ConversationMessage | null = null,
  ): Promise<void> {
    // The origin's key and channel are kept as columns too, for the runs list's filters.
    const stored: Run = { ...run, originKey: originKey(run.origin), channelId: run.origin.channelId ?? null };
    const conversation: Conversation | null = newConversation && {
      ...newConversation,
      originKey: originKey(newConversation.origin),
      channelId: newConversation.origin.channelId ?? null,
    };
    const sqlite = this.sqlite;
    if (sqlite) {
      return this.transactions.write(() => {
        if (conversation) sqlite.conversations.insert(conversation);
        sqlite.runs.insert(stored);
        if (input) sqlite.messages.insert(input);
      });
    }
    await this.transactions.run(async (manager) => {
      if (conversation) await manager.insert(Conversation, conversation);
      await manager.createQueryBuilder().insert().into(Run).values(stored).updateEntity(false).execute();
      if (input) await manager.insert(ConversationMessage, asRow(input));
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

  /**
   * A page of runs, newest first, matching the filter, and how many match in all. `after` continues
   * after a previous page's last run (keyset on created_at, id: runs created meanwhile shift nothing).
   */
  async listRuns(filter: RunFilter, limit: number, after?: PageCursor): Promise<{ runs: Run[]; total: number }> {
    const query = this.dataSource.getRepository(Run).createQueryBuilder('r');
    if (filter.status) query.andWhere('r.status = :status', { status: filter.status });
    if (filter.origin) query.andWhere('r.origin_key = :origin', { origin: filter.origin });
    if (filter.groupId) query.andWhere('r.group_id = :groupId', { groupId: filter.groupId });
    if (filter.channelId) query.andWhere('r.channel_id = :channelId', { channelId: filter.channelId });
    if (filter.from) query.andWhere('r.created_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('r.created_at < :to', { to: filter.to });
    if (filter.text) {
      const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere(
        new Brackets((either) =>
          either
            .where("LOWER(r.input) LIKE :pattern ESCAPE '\\'", { pattern })
            .orWhere("LOWER(COALESCE(r.reply, '')) LIKE :pattern ESCAPE '\\'", { pattern }),
        ),
      );
    }
    const total = await query.clone().getCount();
    const runs = await newestFirst(query, 'r', after).take(limit).getMany();
    return { runs, total };
  }

  /** A page of conversations, newest first, with what the list shows of each. */
  async listConversations(
    filter: { origin?: string; channelId?: string },
    limit: number,
    after?: PageCursor,
  ): Promise<{ conversations: ConversationListRow[]; total: number }> {
    const query = this.dataSource.getRepository(Conversation).createQueryBuilder('c');
    if (filter.origin) query.andWhere('c.origin_key = :origin', { origin: filter.origin });
    if (filter.channelId) query.andWhere('c.channel_id = :channelId', { channelId: filter.channelId });
    const total = await query.clone().getCount();
    const conversations = await newestFirst(query, 'c', after).take(limit).getMany();
    if (conversations.length === 0) return { conversations: [], total };
    const ids = conversations.map((c) => c.id);
    const [runRows, messageRows, summaryRows, lastRuns] = await Promise.all([
      this.countBy(Run, 'conversation_id', ids, 'MAX(t.created_at)'),
      this.countBy(ConversationMessage, 'conversation_id', ids),
      this.countBy(ConversationSummary, 'conversation_id', ids),
      this.dataSource
        .getRepository(Run)
        .createQueryBuilder('r')
        .select(['r.conversationId', 'r.input', 'r.createdAt'])
        .where('r.conversation_id IN (:...ids)', { ids })
        .andWhere('r.created_at = (SELECT MAX(l.created_at) FROM runs l WHERE l.conversation_id = r.conversation_id)')
        .getMany(),
    ]);
    return {
      total,
      conversations: conversations.map((conversation) => ({
        conversation,
        runs: runRows.get(conversation.id)?.count ?? 0,
        lastRunAt: runRows.get(conversation.id)?.extra ?? null,
        messages: messageRows.get(conversation.id)?.count ?? 0,
        compactions: summaryRows.get(conversation.id)?.count ?? 0,
        lastInput: lastRuns.find((r) => r.conversationId === conversation.id)?.input ?? null,
      })),
    };
  }

  /** Rows per key among `ids` (and one aggregate more, when asked). */
  private async countBy(
    entity: typeof Run | typeof ConversationMessage | typeof ConversationSummary,
    column: string,
    ids: string[],
    extra?: string,
  ): Promise<Map<string, { count: number; extra: Date | null }>> {
    const query = this.dataSource
      .getRepository(entity)
      .createQueryBuilder('t')
      .select(`t.${column}`, 'key')
      .addSelect('COUNT(*)', 'count')
      .where(`t.${column} IN (:...ids)`, { ids })
      .groupBy(`t.${column}`);
    if (extra) query.addSelect(extra, 'extra');
    const rows = await query.getRawMany<{ key: string; count: string | number; extra?: string | Date | null }>();
    return new Map(
      rows.map((row) => [row.key, { count: Number(row.count), extra: row.extra ? asDate(row.extra) : null }]),
    );
  }

  /** Every message of a conversation, in order (what the model no longer sees after compaction too). */
  conversationMessages(conversationId: string): Promise<ConversationMessage[]> {
    return this.dataSource
      .getRepository(ConversationMessage)
      .find({ where: { conversationId }, order: { seq: 'ASC' } });
  }

  /** Every compaction of a conversation, in order. */
  conversationSummaries(conversationId: string): Promise<ConversationSummary[]> {
    return this.dataSource
      .getRepository(ConversationSummary)
      .find({ where: { conversationId }, order: { coversSeq: 'ASC' } });
  }

  /** The runs of a conversation, oldest first. */
  conversationRuns(conversationId: string): Promise<Run[]> {
    return this.dataSource.getRepository(Run).find({ where: { conversationId }, order: { createdAt: 'ASC' } });
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
        // The totals and the end in one UPDATE; the totals alone when the end no longer applies.
        if (end && setStatus(sqlite.runs, call.runId, end.from, { ...runPatch, ...end.patch })) return true;
        sqlite.runs.update(runPatch, '"id" = ?', [call.runId]);
        return !end;
      });
    }
    return this.transactions.run(async (manager) => {
      await manager.insert(ModelCall, call);
      if (answer) await manager.insert(ConversationMessage, asRow(answer));
      if (end) {
        const where = { id: call.runId, status: In(end.from) };
        const ended = await manager.update(Run, where, asRow({ ...runPatch, ...end.patch }));
        if ((ended.affected ?? 0) > 0) return true;
      }
      if (Object.keys(runPatch).length > 0) await manager.update(Run, { id: call.runId }, asRow(runPatch));
      return !end;
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

/** What the runs list filters on (all optional; together they narrow). */
export interface RunFilter {
  status?: RunStatus;
  origin?: string;
  groupId?: string;
  channelId?: string;
  from?: Date;
  to?: Date;
  /** Text the input or the answer contains. */
  text?: string;
}

/** A conversation as the list shows it. */
export interface ConversationListRow {
  conversation: Conversation;
  runs: number;
  messages: number;
  compactions: number;
  lastRunAt: Date | null;
  lastInput: string | null;
}

/** Newest first, after the cursor's item when there is one. */
function newestFirst<T extends object>(
  query: SelectQueryBuilder<T>,
  alias: string,
  after?: PageCursor,
): SelectQueryBuilder<T> {
  if (after) {
    // The bound on created_at alone first, so the database walks its created_at index from there.
    query
      .andWhere(`${alias}.created_at <= :afterAt`, { afterAt: after.createdAt })
      .andWhere(
        new Brackets((older) =>
          older.where(`${alias}.created_at < :afterAt`).orWhere(`${alias}.id < :afterId`, { afterId: after.id }),
        ),
      );
  }
  return query.orderBy(`${alias}.created_at`, 'DESC').addOrderBy(`${alias}.id`, 'DESC');
}

/** A raw aggregate date: a Date (PostgreSQL) or TypeORM's UTC text (SQLite). */
function asDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/Z|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/** Message content and tool input are free-form JSON (tool inputs are `unknown`), which TypeORM's insert types cannot express. */
function asRow<T>(row: T): QueryDeepPartialEntity<T> {
  return row as QueryDeepPartialEntity<T>;
}
