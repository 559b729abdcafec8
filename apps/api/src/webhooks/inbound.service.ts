import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Run } from '../agents/entities/run.entity.js';
import { RunContinuations } from '../agents/run-continuation.js';
import { isFinished, RunsService } from '../agents/runs.service.js';
import { Clock } from '../common/clock.js';
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore, IdempotentStarts, type StartedRun } from '../common/idempotency.js';
import { AppConfig } from '../config/app-config.js';
import type { WebhookInvokeDto, WebhookRunAcceptedDto, WebhookRunResultDto } from './dto/webhook-invoke.dto.js';
import type { Webhook } from './entities/webhook.entity.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export type InvokeOutcome =
  | { finished: true; body: WebhookRunResultDto; replayed: boolean }
  | { finished: false; body: WebhookRunAcceptedDto; replayed: boolean };

/**
 * Inbound invocations: a message becomes a run with origin `webhook`. An Idempotency-Key maps to the
 * run the key first started (stored, so it survives restarts); a retry with the key waits on or
 * reads that run instead of starting another.
 */
@Injectable()
export class InboundService implements OnModuleInit {
  private readonly logger = new Logger(InboundService.name);
  private readonly idempotent = new IdempotentStarts();
  /** Synchronous callers waiting for a run's end, by run id (served by the run's continuation). */
  private readonly callers = new Map<string, Set<(run: Run) => void>>();

  constructor(
    private readonly runs: RunsService,
    private readonly keys: IdempotencyRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly continuations: RunContinuations,
  ) {}

  /**
   * A webhook run's `sync-webhook` continuation answers the callers still waiting for it. Not durable:
   * after a restart the callers are gone (they read the run with GET /api/runs/:id or an idempotent retry).
   */
  onModuleInit(): void {
    this.continuations.register({
      kind: 'sync-webhook',
      durable: false,
      handle: async (run) => {
        for (const answer of this.callers.get(run.id) ?? []) answer(run);
        this.callers.delete(run.id);
        return 'done';
      },
    });
  }

  async invoke(webhook: Webhook, body: WebhookInvokeDto, idempotencyKey: string | undefined): Promise<InvokeOutcome> {
    const started = idempotencyKey
      ? await this.startOnce(webhook, body, idempotencyKey)
      : { ...(await this.start(webhook, body)), replayed: false };
    if (!body.sync) {
      const status = started.replayed ? ((await this.runs.find(started.runId))?.status ?? 'queued') : 'queued';
      return {
        finished: false,
        replayed: started.replayed,
        body: { runId: started.runId, conversationId: started.conversationId, status },
      };
    }
    const run = await this.ended(started.runId);
    if (!run || !isFinished(run.status)) {
      return {
        finished: false,
        replayed: started.replayed,
        body: { runId: started.runId, conversationId: started.conversationId, status: run?.status ?? 'queued' },
      };
    }
    return {
      finished: true,
      replayed: started.replayed,
      body: {
        runId: run.id,
        conversationId: run.conversationId,
        status: run.status,
        reply: run.reply,
        error: run.error,
        inputTokens: run.inputTokens,
        outputTokens: run.outputTokens,
        durationMs: run.durationMs,
      },
    };
  }

  /** The run once it has ended, or as it is when WEBHOOK_SYNC_TIMEOUT_MS passes first; null if unknown. */
  private async ended(runId: string): Promise<Run | null> {
    let answer = (_run: Run) => {};
    const ended = new Promise<Run>((resolve) => (answer = resolve));
    const callers = this.callers.get(runId) ?? new Set();
    this.callers.set(runId, callers);
    callers.add(answer);
    let timer: NodeJS.Timeout | undefined;
    try {
      // Listening before looking, so an end between the look and the wait is not missed.
      const run = await this.runs.find(runId);
      if (!run || isFinished(run.status)) return run;
      const timedOut = new Promise<null>(
        (resolve) => (timer = setTimeout(resolve, this.config.webhookSyncTimeoutMs, null)),
      );
      return (await Promise.race([ended, timedOut])) ?? (await this.runs.find(runId));
    } finally {
      clearTimeout(timer);
      callers.delete(answer);
      if (callers.size === 0 && this.callers.get(runId) === callers) this.callers.delete(runId);
    }
  }

  private async start(webhook: Webhook, body: WebhookInvokeDto): Promise<Omit<StartedRun, 'replayed'>> {
    const run = await this.runs.submit({
      message: body.message,
      origin: { kind: 'webhook', ref: webhook.id },
      groupId: body.groupId,
      conversationId: body.conversationId,
      continuation: { kind: 'sync-webhook', webhookId: webhook.id },
    });
    return { runId: run.id, conversationId: run.conversationId };
  }

  private startOnce(webhook: Webhook, body: WebhookInvokeDto, key: string): Promise<StartedRun> {
    // What makes two invocations the same request (sync only changes how long the caller waits).
    const request = {
      message: body.message,
      groupId: body.groupId ?? null,
      conversationId: body.conversationId ?? null,
    };
    const store = {
      find: (k: string) => this.keys.find(webhook.id, k),
      save: (k: string, start: Parameters<IdempotencyStore['save']>[1]) =>
        this.keys.save({ webhookId: webhook.id, key: k, ...start }),
    };
    return this.idempotent.once(webhook.id, key, request, this.clock.now(), store, () => this.start(webhook, body));
  }

  /** Forgets idempotency keys older than their time to live. */
  async pruneKeys(): Promise<void> {
    const removed = await this.keys.pruneOlderThan(new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS));
    if (removed > 0) this.logger.debug(`Forgot ${removed} expired idempotency key(s)`);
  }
}
