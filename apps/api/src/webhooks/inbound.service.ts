import { Injectable, Logger } from '@nestjs/common';
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
export class InboundService {
  private readonly logger = new Logger(InboundService.name);
  private readonly idempotent = new IdempotentStarts();

  constructor(
    private readonly runs: RunsService,
    private readonly keys: IdempotencyRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

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
    const run = await this.runs.waitForEnd(started.runId, AbortSignal.timeout(this.config.webhookSyncTimeoutMs));
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

  private async start(webhook: Webhook, body: WebhookInvokeDto): Promise<Omit<StartedRun, 'replayed'>> {
    const run = await this.runs.submit({
      message: body.message,
      origin: { kind: 'webhook', ref: webhook.id },
      groupId: body.groupId,
      conversationId: body.conversationId,
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
