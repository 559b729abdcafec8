import {
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  ServiceUnavailableException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { merge, type Subscription } from 'rxjs';
import type { RunOrigin } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import { GroupsService } from '../groups/groups.service.js';
import type { RunDetailResponseDto, RunResponseDto, TranscriptLineDto } from './dto/run.dto.js';
import type { ContentBlock } from './model/model-provider.js';
import type { Run, RunStatus } from './entities/run.entity.js';
import { RunQueue } from './run-queue.js';
import { RunsRepository } from './runs.repository.js';

/** What every entry point (API, channels, webhooks, scheduler, tasks) hands the pipeline. */
export interface RunRequest {
  message: string;
  origin: RunOrigin;
  groupId?: string;
  conversationId?: string;
  /** Model calls this run may make, within RUN_MAX_ITERATIONS (scheduled jobs set it). */
  maxIterations?: number;
  /**
   * What makes the message itself untrusted content (calendar text); channel messages always are.
   * It marks the conversation for the exfiltration guard.
   */
  untrusted?: string;
}

@Injectable()
export class RunsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunsService.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly queue: RunQueue,
    private readonly groups: GroupsService,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

  /** Runs a crash or restart interrupted continue from their last stored step. */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.runs.findUnfinished();
    for (const run of unfinished) this.queue.enqueue(run.id, run.conversationId);
    if (unfinished.length > 0) this.logger.log(`Resuming ${unfinished.length} unfinished run(s)`);
  }

  /** Stores the run request, then queues it. */
  async submit(request: RunRequest): Promise<Run> {
    const now = this.clock.now();
    if (request.groupId && !(await this.groups.findById(request.groupId))) {
      throw new NotFoundException(`Agent group ${request.groupId} not found`);
    }
    let conversation = request.conversationId ? await this.runs.findConversation(request.conversationId) : null;
    if (request.conversationId && !conversation) {
      throw new NotFoundException(`Conversation ${request.conversationId} not found`);
    }
    const isNew = !conversation;
    const untrusted = request.untrusted ?? untrustedOrigin(request.origin);
    conversation ??= {
      id: randomUUID(),
      groupId: request.groupId ?? null,
      origin: request.origin,
      untrustedSource: untrusted,
      createdAt: now,
      updatedAt: now,
    };
    if (!isNew && untrusted) await this.runs.markUntrusted(conversation.id, untrusted);
    const run: Run = {
      id: randomUUID(),
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
    };
    await this.runs.insertRun(run, isNew ? conversation : null);
    if (!this.queue.enqueue(run.id, run.conversationId)) {
      await this.runs.updateRun(run.id, {
        status: 'failed',
        error: 'The run queue was full',
        finishedAt: now,
        durationMs: 0,
      });
      throw this.queueFull();
    }
    return run;
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
   * Puts a run paused for an approval back to work once its held call is decided. A run that has
   * finished meanwhile is left alone; one still on its way to pausing resumes right after.
   */
  async resume(runId: string): Promise<void> {
    const run = await this.runs.findRun(runId);
    if (!run || !['queued', 'running', 'awaiting_approval'].includes(run.status)) return;
    this.queue.resume(run.id, run.conversationId);
  }

  /**
   * The run once it has ended (completed, failed or refused), or as it is when `signal` aborts first
   * (a time limit, a shutdown); null for an unknown run. Check `isFinished(run.status)`.
   */
  async waitForEnd(runId: string, signal?: AbortSignal): Promise<Run | null> {
    let subscription: Subscription | undefined;
    let stopWaiting = () => {};
    const ended = new Promise<void>((resolve) => {
      stopWaiting = resolve;
      subscription = merge(this.bus.on('agent:run:complete'), this.bus.on('agent:run:error')).subscribe((event) => {
        if (event.payload.runId === runId) resolve();
      });
    });
    signal?.addEventListener('abort', stopWaiting, { once: true });
    try {
      // Subscribed before looking, so an end between the look and the wait is not missed.
      const run = await this.runs.findRun(runId);
      if (!run || isFinished(run.status) || signal?.aborted) return run;
      await ended;
      return this.runs.findRun(runId);
    } finally {
      subscription?.unsubscribe();
      signal?.removeEventListener('abort', stopWaiting);
    }
  }

  /** The latest turns of a conversation as short readable lines (what led to a held tool call). */
  async transcript(conversationId: string, limit: number): Promise<TranscriptLineDto[]> {
    const history = await this.runs.history(conversationId);
    return history.slice(-limit).map((message) => ({
      role: message.role,
      text: message.content.map(describeBlock).join('\n'),
      createdAt: message.createdAt.toISOString(),
    }));
  }

  async list(limit: number, status?: RunStatus): Promise<RunResponseDto[]> {
    return (await this.runs.listRuns(limit, status)).map(toRunResponse);
  }

  find(id: string): Promise<Run | null> {
    return this.runs.findRun(id);
  }

  async detail(id: string): Promise<RunDetailResponseDto> {
    const run = await this.runs.findRun(id);
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    const [messages, toolCalls, modelCalls] = await Promise.all([
      this.runs.runMessages(id),
      this.runs.toolCalls(id),
      this.runs.modelCalls(id),
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
        durationMs: c.durationMs,
        createdAt: c.createdAt.toISOString(),
      })),
    };
  }

  private queueFull(): ServiceUnavailableException {
    return new ServiceUnavailableException('The run queue is full; try again shortly');
  }
}

/** Whether a run with this status has ended for good. */
export function isFinished(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'refused';
}

const TRANSCRIPT_TEXT_LIMIT = 2000;

function describeBlock(block: ContentBlock): string {
  const text =
    block.type === 'text'
      ? block.text
      : block.type === 'tool_use'
        ? `[calls ${block.name} with ${JSON.stringify(block.input)}]`
        : `[tool result${block.is_error ? ', error' : ''}: ${block.content}]`;
  return text.length > TRANSCRIPT_TEXT_LIMIT ? `${text.slice(0, TRANSCRIPT_TEXT_LIMIT)}…` : text;
}

export function toRunResponse(run: Run): RunResponseDto {
  return {
    id: run.id,
    conversationId: run.conversationId,
    groupId: run.groupId,
    status: run.status,
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
  };
}

/** A channel message comes from a person who is not an operator. */
function untrustedOrigin(origin: RunOrigin): string | null {
  return origin.kind === 'channel' ? `a message from a ${origin.channelType ?? 'channel'} user` : null;
}
