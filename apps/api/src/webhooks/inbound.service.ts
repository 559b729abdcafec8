import { BadRequestException, Injectable, Logger, UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { isFinished, RunsService } from '../agents/runs.service.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { WebhookInvokeDto, WebhookRunAcceptedDto, WebhookRunResultDto } from './dto/webhook-invoke.dto.js';
import type { Webhook } from './entities/webhook.entity.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export type InvokeOutcome =
  | { finished: true; body: WebhookRunResultDto; replayed: boolean }
  | { finished: false; body: WebhookRunAcceptedDto; replayed: boolean };

interface StartedRun {
  runId: string;
  conversationId: string;
  replayed: boolean;
}

/**
 * Inbound invocations: a message becomes a run with origin `webhook`. An Idempotency-Key maps to the
 * run the key first started (stored, so it survives restarts); a retry with the key waits on or
 * reads that run instead of starting another.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);
  /** Invocations with a key whose run is being started, so concurrent retries share it. */
  private readonly starting = new Map<string, Promise<StartedRun>>();

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

  private async startOnce(webhook: Webhook, body: WebhookInvokeDto, key: string): Promise<StartedRun> {
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const slot = `${webhook.id}\n${key}`;
    const inFlight = this.starting.get(slot);
    if (inFlight) return { ...(await inFlight), replayed: true };
    const requestHash = hashRequest(body);
    const promise = (async (): Promise<StartedRun> => {
      const now = this.clock.now();
      const existing = await this.keys.find(webhook.id, key);
      if (existing && now.getTime() - existing.createdAt.getTime() < IDEMPOTENCY_TTL_MS) {
        if (existing.requestHash !== requestHash) {
          throw new UnprocessableEntityException(
            'Idempotency-Key was already used with a different request; use a new key for a new request',
          );
        }
        return { runId: existing.runId, conversationId: existing.conversationId, replayed: true };
      }
      const started = await this.start(webhook, body);
      await this.keys.save({ webhookId: webhook.id, key, requestHash, ...started, createdAt: now });
      return { ...started, replayed: false };
    })();
    this.starting.set(slot, promise);
    try {
      return await promise;
    } finally {
      this.starting.delete(slot);
    }
  }

  /** Forgets idempotency keys older than their time to live. */
  async pruneKeys(): Promise<void> {
    const removed = await this.keys.pruneOlderThan(new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS));
    if (removed > 0) this.logger.debug(`Forgot ${removed} expired idempotency key(s)`);
  }
}

/** What makes two invocations the same request (sync only changes how long the caller waits). */
function hashRequest(body: WebhookInvokeDto): string {
  const same = { message: body.message, groupId: body.groupId ?? null, conversationId: body.conversationId ?? null };
  return createHash('sha256').update(JSON.stringify(same)).digest('hex');
}
