import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The run a key started, as stored. */
export interface StoredStart {
  requestHash: string;
  runId: string;
  conversationId: string;
  createdAt: Date;
}

export interface StartedRun {
  runId: string;
  conversationId: string;
  /** True when the key had already started this run. */
  replayed: boolean;
}

/** Where one caller's keys are kept (the webhook's, or the API caller's). */
export interface IdempotencyStore {
  find(key: string): Promise<StoredStart | null>;
  save(key: string, start: StoredStart): Promise<void>;
}

/**
 * Idempotency-Key handling shared by POST /webhook/invoke and POST /api/runs: a key maps to the run it
 * first started (stored, so it survives restarts); a retry with the key gets that run instead of
 * starting another, concurrent retries share the start under way, and the same key with a different
 * request is a 422.
 */
export class IdempotentStarts {
  private readonly starting = new Map<string, Promise<StartedRun>>();

  async once(
    caller: string,
    key: string,
    request: unknown,
    now: Date,
    store: IdempotencyStore,
    start: () => Promise<{ runId: string; conversationId: string }>,
  ): Promise<StartedRun> {
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const slot = `${caller}\n${key}`;
    const inFlight = this.starting.get(slot);
    if (inFlight) return { ...(await inFlight), replayed: true };
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const promise = (async (): Promise<StartedRun> => {
      const existing = await store.find(key);
      if (existing && now.getTime() - existing.createdAt.getTime() < IDEMPOTENCY_TTL_MS) {
        if (existing.requestHash !== requestHash) {
          throw new UnprocessableEntityException(
            'Idempotency-Key was already used with a different request; use a new key for a new request',
          );
        }
        return { runId: existing.runId, conversationId: existing.conversationId, replayed: true };
      }
      const started = await start();
      await store.save(key, { requestHash, ...started, createdAt: now });
      return { ...started, replayed: false };
    })();
    this.starting.set(slot, promise);
    try {
      return await promise;
    } finally {
      this.starting.delete(slot);
    }
  }
}
