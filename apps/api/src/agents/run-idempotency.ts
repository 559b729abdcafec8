import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import type { AuthContext } from '../auth/session.service.js';
import { Clock } from '../common/clock.js';
import { IDEMPOTENCY_TTL_MS, IdempotentStarts, type StartedRun, type StoredStart } from '../common/idempotency.js';
import { Periodic } from '../common/periodic.js';
import { Transactions } from '../database/transactions.js';
import type { RunCreateDto } from './dto/run.dto.js';
import { RunIdempotencyKey } from './entities/run-idempotency-key.entity.js';
import { RunsService } from './runs.service.js';

const PRUNE_INTERVAL_MS = 3_600_000;

/** POST /api/runs with an Idempotency-Key: the same caller's retry gets the run the key started. */
@Injectable()
export class RunIdempotency implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunIdempotency.name);
  private readonly idempotent = new IdempotentStarts();
  private readonly prune = new Periodic(
    () => this.pruneKeys(),
    (error) => this.logger.warn({ err: error }, 'Could not prune idempotency keys'),
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly runs: RunsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.prune.start(PRUNE_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prune.stop();
  }

  submit(body: RunCreateDto, key: string, auth: AuthContext): Promise<StartedRun> {
    const caller = auth.apiKey ? `key:${auth.apiKey.id}` : `user:${auth.userId}`;
    const store = {
      find: (k: string) => this.keys.findOneBy({ caller, key: k }),
      // Replaces an expired record of the same key.
      save: (k: string, start: StoredStart) =>
        this.transactions.run(async (manager) => {
          await manager.delete(RunIdempotencyKey, { caller, key: k });
          await manager.insert(RunIdempotencyKey, { caller, key: k, ...start });
        }),
    };
    return this.idempotent.once(caller, key, body, this.clock.now(), store, async () => {
      const run = await this.runs.submit({ ...body, origin: apiOrigin(auth) });
      return { runId: run.id, conversationId: run.conversationId };
    });
  }

  private get keys() {
    return this.dataSource.getRepository(RunIdempotencyKey);
  }

  private async pruneKeys(): Promise<void> {
    await this.keys.delete({ createdAt: LessThan(new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS)) });
  }
}

/** A run started over the API: from the console (a session) or from an API key's caller. */
export function apiOrigin(auth: AuthContext): RunOrigin {
  return auth.sessionId ? { kind: 'api', ref: 'console' } : { kind: 'api' };
}
