import {
  BadRequestException,
  Injectable,
  Logger,
  type OnModuleInit,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Run } from '../agents/entities/run.entity.js';
import { RunContinuations } from '../agents/run-continuation.js';
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
export class InboundService implements OnModuleInit {
  private readonly logger = new Logger(InboundService.name);
  /** Invocations with a key whose run is being started, so concurrent retries share it. */
  private readonly starting = new Map<string, Promise<StartedRun>>();
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
