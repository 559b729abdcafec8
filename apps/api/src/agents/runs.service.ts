import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { RunOrigin } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { LoopSlices } from '../common/loop-slices.js';
import { decodeCursor, encodeCursor, type Page } from '../common/cursor.js';
import { ServiceBusyException } from '../common/service-busy.exception.js';
import { timeOrderedId } from '../common/time-ordered-id.js';
import { EventBus } from '../events/event-bus.js';
import { GroupsService } from '../groups/groups.service.js';
import type {
  ConversationDetailResponseDto,
  ConversationListItemDto,
  ConversationListQueryDto,
  ConversationResponseDto,
  RunCompactionDto,
  RunDetailResponseDto,
  RunListQueryDto,
  RunResponseDto,
  TranscriptLineDto,
} from './dto/run.dto.js';
import type { Conversation } from './entities/conversation.entity.js';
import type { ConversationSummary } from './entities/conversation-summary.entity.js';
import { FINISHED_STATUSES, type Run, type RunStatus, UNFINISHED_STATUSES } from './entities/run.entity.js';
import { type RunContinuation, RunContinuations, RunLifecycle } from './run-continuation.js';
import { AgentRunner, type StartedRun } from './agent-runner.js';
import { RunQueue } from './run-queue.js';
import { RunWaits } from './run-wait.js';
import { RunsRepository } from './runs.repository.js';
import { describeBlock } from './transcript.js';

/** What every entry point (API, channels, webhooks, scheduler, tasks) hands the pipeline. */
export interface RunRequest {
  message: string;
  origin: RunOrigin;
  groupId?: string;
  conversationId?: string;
  /**
   * Start the conversation `conversationId` names when it does not exist yet (instead of a 404): the
   * a2a module names a sub-agent's conversation before its first run is stored.
   */
  createConversation?: boolean;
  /** The run this one retries (POST /api/runs/:id/retry). */
  retryOf?: string;
  /** Model calls this run may make, within RUN_MAX_ITERATIONS (scheduled jobs set it). */
  maxIterations?: number;
  /** What must happen when the run ends (stored with it, carried out once, after a restart too). */
  continuation?: RunContinuation;
  /**
   * What makes the message itself untrusted content (calendar text); channel messages always are.
   * It marks the conversation for the exfiltration guard.
   */
  untrusted?: string;
}

/**
 * Retry-After on a full queue: about one model call's time, after which runs in flight have ended
 * and made room.
 */
const QUEUE_FULL_RETRY_AFTER_SECONDS = 5;

@Injectable()
export class RunsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunsService.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly queue: RunQueue,
    private readonly runner: AgentRunner,
    private readonly groups: GroupsService,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly lifecycle: RunLifecycle,
    private readonly continuations: RunContinuations,
    private readonly waits: RunWaits,
    private readonly slices: LoopSlices,
  ) {}

  /** Runs a crash or restart interrupted continue from their last stored step. */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.runs.findUnfinished();
    for (const run of unfinished) this.queue.enqueue(run.id, run.conversationId);
    if (unfinished.length > 0) this.logger.log(`Resuming ${unfinished.length} unfinished run(s)`);
  }

  /** Stores the run request, then queues it. A full queue refuses it before anything is stored. */
  async submit(request: RunRequest): Promise<Run> {
    // Storing it takes turns with the rest of the event loop's work, after runs in flight (see LoopSlices).
    await this.slices.turn('new');
    if (this.queue.full) throw this.queueFull();
    const now = this.clock.now();
    if (request.groupId && !(await this.groups.findById(request.groupId))) {
      throw new NotFoundException(`Agent group ${request.groupId} not found`);
    }
    let conversation = request.conversationId ? await this.runs.findConversation(request.conversationId) : null;
    if (request.conversationId && !conversation && !request.createConversation) {
      throw new NotFoundException(`Conversation ${request.conversationId} not found`);
    }
    const isNew = !conversation;
    const untrusted = request.untrusted ?? untrustedOrigin(request.origin);
    conversation ??= {
      id: request.conversationId ?? timeOrderedId(),
      groupId: request.groupId ?? null,
      origin: request.origin,
      untrustedSource: untrusted,
      createdAt: now,
      updatedAt: now,
    };
    if (!isNew && untrusted) await this.runs.markUntrusted(conversation.id, untrusted);
    const run: Run = {
      id: timeOrderedId(),
      conversationId: conversation.id,
      groupId: request.groupId ?? conversation.groupId,
      status: 'queued',
      origin: request.origin,
      input: request.message,
      reply: null,
      error: null,
      model: null,
      iterations: 0,
      maxIterations: request.maxIterations ?? null,
      inputTokens: 0,
      outputTokens: 0,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      waitingFor: null,
      continuation: request.continuation ?? null,
      continuationState: this.continuations.initialState(request.continuation),
      toolPins: null,
      isolated: false,
      containerExit: null,
      retryOf: request.retryOf ?? null,
    };
    // A run that can start at once is stored as started, with its user message, in this transaction.
    // Its caller hears of it as of any run (accepted as queued), and of its start from agent:run:start.
    if (this.queue.claim(run.conversationId) && (await this.startAtOnce(run, isNew ? conversation : null))) {
      return run;
    }
    await this.runs.insertRun(run, isNew ? conversation : null);
    if (!this.queue.enqueue(run.id, run.conversationId)) {
      // The caller hears of it from the 503 and acts on it: no continuation to carry out.
      const failed = { error: 'The run queue was full', finishedAt: now, durationMs: 0, continuationState: null };
      await this.runs.transition(run.id, ['queued'], { status: 'failed', ...failed });
      throw this.queueFull();
    }
    return run;
  }

  /**
   * Stores a run whose queue slot is claimed as started, then starts it; false (the claim let go) when
   * it must be stored as queued instead (its budget refuses it: `execute` stores that).
   */
  private async startAtOnce(run: Run, conversation: Conversation | null): Promise<boolean> {
    let started: StartedRun | null;
    try {
      const history = conversation ? [] : await this.runs.history(run.conversationId);
      // What cannot be prepared here (no group to answer) fails the run the usual way, in `execute`.
      started = await this.runner.prepareStart(run, history).catch(() => null);
      if (started) await this.runs.insertRun(started.run, conversation, started.input);
    } catch (error) {
      this.queue.unclaim(run.conversationId);
      throw error;
    }
    if (!started) {
      this.queue.unclaim(run.conversationId);
      return false;
    }
    this.queue.startClaimed(started);
    return true;
  }

  /** Records that a conversation's context now holds untrusted content (the first source is kept). */
  markUntrusted(conversationId: string, source: string): Promise<void> {
    return this.runs.markUntrusted(conversationId, source);
  }

  /** What made a conversation's context untrusted, or null while it holds no untrusted content. */
  async untrustedSource(conversationId: string): Promise<string | null> {
    return (await this.runs.findConversation(conversationId))?.untrustedSource ?? null;
  }

  /**
   * Puts a waiting run back to work once what it waits for is done (its held call is decided). A run
   * that has ended meanwhile is left alone; one still on its way to waiting resumes right after.
   */
  async resume(runId: string): Promise<void> {
    const run = await this.runs.findRun(runId);
    if (!run || !UNFINISHED_STATUSES.includes(run.status)) return;
    this.queue.resume(run.id, run.conversationId);
  }

  /**
   * Ends a queued, running or waiting run as `cancelled` at once: the status is stored first
   * (compare-and-set, so a run that ends meanwhile is not cancelled after the fact), then its model
   * stream and tool call are aborted, what it waits for is withdrawn, and its continuation (reply,
   * job output, task iteration) records the cancellation. A run that has ended is a 409 saying how.
   */
  async cancel(runId: string, cancelledBy: string): Promise<Run> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new NotFoundException(`Run ${runId} not found`);
    const finishedAt = this.clock.now();
    const patch = {
      status: 'cancelled' as const,
      error: `Cancelled by ${cancelledBy}`,
      waitingFor: null,
      finishedAt,
      durationMs: finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime(),
    };
    if (isFinished(run.status) || !(await this.runs.transition(run.id, UNFINISHED_STATUSES, patch))) {
      throw new ConflictException(howItEnded((await this.runs.findRun(runId)) ?? run));
    }
    this.queue.cancel(run.id, run.conversationId);
    await this.waits.withdraw(run.id);
    this.bus.emit('agent:run:cancelled', {
      runId: run.id,
      conversationId: run.conversationId,
      cancelledBy,
      durationMs: patch.durationMs,
    });
    const cancelled = { ...run, ...patch };
    this.lifecycle.ended(cancelled);
    return cancelled;
  }

  /** The latest turns of a conversation as short readable lines (what led to a held tool call). */
  async transcript(conversationId: string, limit: number): Promise<TranscriptLineDto[]> {
    const history = await this.runs.history(conversationId);
    return history.slice(-limit).map((message) => ({
      role: message.role,
      text: message.content.map((block) => describeBlock(block)).join('\n'),
      createdAt: message.createdAt.toISOString(),
    }));
  }

  /** A page of runs, newest first, by the list's filters (see RunListQueryDto). */
  async list(query: RunListQueryDto): Promise<Page<RunResponseDto>> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && to.getTime() <= from.getTime()) throw new BadRequestException('to must be later than from');
    const limit = query.limit ?? 50;
    const { runs, total } = await this.runs.listRuns(
      {
        status: query.status,
        origin: query.origin,
        groupId: query.groupId,
        channelId: query.channelId,
        from,
        to,
        text: query.q,
      },
      limit + 1,
      query.cursor ? decodeCursor(query.cursor) : undefined,
    );
    return pageOf(runs, limit, total, toRunResponse);
  }

  /**
   * Runs a run's input again as a new run: same group, a new conversation (the original's history is
   * not continued), started by `origin` (the operator or key asking), linked by `retryOf`. Nothing is
   * sent where the original would have answered (chat, job output, webhook). A conversation the
   * original's input made untrusted makes the retry's untrusted too. An unfinished run is a 409 (cancel
   * it first), and so is a sub-agent's run (retry the run that delegated).
   */
  async retry(runId: string, origin: RunOrigin): Promise<Run> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new NotFoundException(`Run ${runId} not found`);
    if (!isFinished(run.status)) {
      throw new ConflictException(`Run ${run.id} is still ${run.status}; cancel it first or wait for it to end`);
    }
    if (run.origin.kind === 'a2a') {
      throw new ConflictException(`Run ${run.id} is a sub-agent's run; retry the run that delegated to it`);
    }
    const conversation = await this.runs.findConversation(run.conversationId);
    const untrusted = untrustedOrigin(run.origin) ?? conversation?.untrustedSource ?? undefined;
    const group = run.groupId && (await this.groups.findById(run.groupId)) ? run.groupId : undefined;
    return this.submit({
      message: run.input,
      origin,
      groupId: group,
      retryOf: run.id,
      ...(run.maxIterations ? { maxIterations: run.maxIterations } : {}),
      ...(untrusted ? { untrusted } : {}),
    });
  }

  /** A page of conversations, newest first. */
  async conversations(query: ConversationListQueryDto): Promise<Page<ConversationListItemDto>> {
    const limit = query.limit ?? 50;
    const { conversations, total } = await this.runs.listConversations(
      { origin: query.origin, channelId: query.channelId },
      limit + 1,
      query.cursor ? decodeCursor(query.cursor) : undefined,
    );
    return pageOf(
      conversations.map((row) => ({ ...row, id: row.conversation.id, createdAt: row.conversation.createdAt })),
      limit,
      total,
      (row) => ({
        ...toConversationResponse(row.conversation),
        origin: row.conversation.origin,
        untrustedSource: row.conversation.untrustedSource,
        runs: row.runs,
        messages: row.messages,
        compactions: row.compactions,
        lastRunAt: row.lastRunAt?.toISOString() ?? null,
        lastInput: row.lastInput === null ? null : row.lastInput.slice(0, 200),
      }),
    );
  }

  /** A conversation's whole history (also what compaction folded away), its compactions and runs. */
  async conversation(id: string): Promise<ConversationDetailResponseDto> {
    const conversation = await this.runs.findConversation(id);
    if (!conversation) throw new NotFoundException(`Conversation ${id} not found`);
    const [messages, summaries, runs] = await Promise.all([
      this.runs.conversationMessages(id),
      this.runs.conversationSummaries(id),
      this.runs.conversationRuns(id),
    ]);
    return {
      ...toConversationResponse(conversation),
      origin: conversation.origin,
      untrustedSource: conversation.untrustedSource,
      messages: messages.map((m) => ({
        seq: m.seq,
        role: m.role,
        content: m.content,
        runId: m.runId,
        createdAt: m.createdAt.toISOString(),
      })),
      compactions: summaries.map((s) => ({ ...toCompaction(s), runId: s.runId })),
      runs: runs.map(toRunResponse),
    };
  }

  /** The run's place in the waiting line (1 = next), or null when it is not queued in this instance. */
  queuePosition(runId: string): number | null {
    return this.queue.position(runId);
  }

  find(id: string): Promise<Run | null> {
    return this.runs.findRun(id);
  }

  async detail(id: string): Promise<RunDetailResponseDto> {
    const run = await this.runs.findRun(id);
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    const [messages, toolCalls, modelCalls, summaries] = await Promise.all([
      this.runs.runMessages(id),
      this.runs.toolCalls(id),
      this.runs.modelCalls(id),
      this.runs.runSummaries(id),
    ]);
    return {
      ...toRunResponse(run),
      messages: messages.map((m) => ({
        seq: m.seq,
        role: m.role,
        content: m.content,
        createdAt: m.createdAt.toISOString(),
      })),
      toolCalls: toolCalls.map((t) => ({
        id: t.id,
        name: t.name,
        input: (t.input ?? {}) as object,
        status: t.status,
        output: t.output,
        isError: t.isError,
        toolVersion: t.toolVersion,
        startedAt: t.startedAt?.toISOString() ?? null,
        finishedAt: t.finishedAt?.toISOString() ?? null,
      })),
      modelCalls: modelCalls.map((c) => ({
        id: c.id,
        model: c.model,
        status: c.status,
        error: c.error,
        inputTokens: c.inputTokens,
        outputTokens: c.outputTokens,
        cacheCreationTokens: c.cacheCreationTokens,
        cacheReadTokens: c.cacheReadTokens,
        durationMs: c.durationMs,
        createdAt: c.createdAt.toISOString(),
      })),
      compactions: summaries.map(toCompaction),
    };
  }

  /**
   * Closes a conversation: the chat it belongs to (a channel chat) starts a fresh one with its next
   * message. Closing a closed conversation changes nothing.
   */
  async closeConversation(id: string): Promise<ConversationResponseDto> {
    const conversation = await this.runs.closeConversation(id, this.clock.now());
    if (!conversation) throw new NotFoundException(`Conversation ${id} not found`);
    return toConversationResponse(conversation);
  }

  private queueFull(): ServiceBusyException {
    return new ServiceBusyException('The run queue is full; try again shortly', QUEUE_FULL_RETRY_AFTER_SECONDS);
  }
}

/** Whether a run with this status has ended for good. */
export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** Why a finished run cannot be cancelled: how and when it ended. */
function howItEnded(run: Run): string {
  const when = run.finishedAt ? ` at ${run.finishedAt.toISOString()}` : '';
  switch (run.status) {
    case 'completed':
      return `Run ${run.id} already completed${when}`;
    case 'cancelled':
      return `Run ${run.id} was already cancelled${when}${run.error ? ` (${run.error})` : ''}`;
    default:
      return `Run ${run.id} already ended as ${run.status}${when}${run.error ? `: ${run.error}` : ''}`;
  }
}

export function toRunResponse(run: Run): RunResponseDto {
  return {
    id: run.id,
    conversationId: run.conversationId,
    groupId: run.groupId,
    status: run.status,
    waitingFor: run.waitingFor,
    origin: run.origin,
    input: run.input,
    reply: run.reply,
    error: run.error,
    model: run.model,
    iterations: run.iterations,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    durationMs: run.durationMs,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    isolated: run.isolated,
    containerExit: run.containerExit,
    retryOf: run.retryOf ?? null,
  };
}

function toConversationResponse(conversation: Conversation): ConversationResponseDto {
  return {
    id: conversation.id,
    groupId: conversation.groupId,
    createdAt: conversation.createdAt.toISOString(),
    closedAt: conversation.closedAt?.toISOString() ?? null,
  };
}

function toCompaction(summary: ConversationSummary): RunCompactionDto {
  return {
    coversSeq: summary.coversSeq,
    summarizedMessages: summary.summarizedMessages,
    tokensBefore: summary.tokensBefore,
    tokensAfter: summary.tokensAfter,
    summary: summary.text,
    createdAt: summary.createdAt.toISOString(),
  };
}

/** The first `limit` of `items` (fetched one more, to know whether a next page exists). */
function pageOf<T extends { id: string; createdAt: Date }, R>(
  items: T[],
  limit: number,
  total: number,
  map: (item: T) => R,
): Page<R> {
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(map), total, nextCursor: items.length > limit && last ? encodeCursor(last) : null };
}

/** A channel message comes from a person who is not an operator. */
function untrustedOrigin(origin: RunOrigin): string | null {
  return origin.kind === 'channel' ? `a message from a ${origin.channelType ?? 'channel'} user` : null;
}
