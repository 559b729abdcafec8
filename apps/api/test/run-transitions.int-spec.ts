import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConversationMessage } from '../src/agents/entities/conversation-message.entity.js';
import { Conversation } from '../src/agents/entities/conversation.entity.js';
import { ToolCallRecord } from '../src/agents/entities/tool-call.entity.js';
import { RunsRepository } from '../src/agents/runs.repository.js';
import { ModelCall } from '../src/usage/entities/model-call.entity.js';
import { Run, type RunStatus, RUN_STATUSES, UNFINISHED_STATUSES } from '../src/agents/entities/run.entity.js';
import type { RunContinuation } from '../src/agents/run-continuation.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { LoopSlices } from '../src/common/loop-slices.js';
import { Transactions } from '../src/database/transactions.js';
import { WalCheckpointer } from '../src/database/wal-checkpointer.js';
import { createTestDatabase } from './postgres.js';

/**
 * The run's status changes, compare-and-set in the runs repository, on a real database without HTTP:
 * cancel, start, resume, pause, finish and continuation claims racing each other must leave one winner.
 */
const secretKey = randomBytes(32);
const entities = [Run, Conversation, ConversationMessage, ToolCallRecord, ModelCall];

const DATABASES: [string, () => Promise<{ dataSource: DataSource; close(): Promise<void> }>][] = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lg-cas-'));
      const dataSource = new DataSource({
        ...dataSourceOptions({ dataDir: dir, databaseUrl: null, secretKey }),
        entities,
        migrationsRun: true,
      });
      await dataSource.initialize();
      return {
        dataSource,
        close: async () => {
          await dataSource.destroy();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      const dataSource = new DataSource({
        ...dataSourceOptions({ dataDir: '', databaseUrl: database.url, secretKey }),
        entities,
        migrationsRun: true,
      });
      await dataSource.initialize();
      return {
        dataSource,
        close: async () => {
          await dataSource.destroy();
          await database.drop();
        },
      };
    },
  ],
];

const at = new Date('2026-03-01T10:00:00.000Z');

describe.each(DATABASES)('run status changes on %s', (_name, open) => {
  let db: Awaited<ReturnType<typeof open>>;
  let runs: RunsRepository;
  let checkpointer: WalCheckpointer;
  beforeAll(async () => {
    db = await open();
    checkpointer = new WalCheckpointer(db.dataSource);
    runs = new RunsRepository(db.dataSource, new Transactions(db.dataSource, checkpointer, new LoopSlices()));
  });
  afterAll(async () => {
    await checkpointer.onModuleDestroy();
    await db.close();
  });

  async function stored(status: RunStatus, continuation: RunContinuation | null = null): Promise<Run> {
    const conversationId = randomUUID();
    const run: Run = {
      id: randomUUID(),
      conversationId,
      groupId: null,
      status,
      origin: { kind: 'api' },
      input: 'hello',
      reply: null,
      error: null,
      model: null,
      iterations: 0,
      maxIterations: null,
      inputTokens: 0,
      outputTokens: 0,
      createdAt: at,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      waitingFor: null,
      continuation,
      continuationState: continuation ? 'pending' : null,
      toolPins: null,
      isolated: false,
      containerExit: null,
    };
    const conversation = {
      id: conversationId,
      groupId: null,
      origin: run.origin,
      untrustedSource: null,
      createdAt: at,
      updatedAt: at,
    };
    await runs.insertRun(run, conversation);
    return run;
  }

  const statusOf = async (id: string) => (await runs.findRun(id))!.status;
  const cancel = (id: string) =>
    runs.transition(id, UNFINISHED_STATUSES, { status: 'cancelled', error: 'Cancelled by admin', finishedAt: at });

  it.each(RUN_STATUSES)('cancels a %s run only while it has not ended', async (status) => {
    const run = await stored(status);
    const unfinished = UNFINISHED_STATUSES.includes(status);
    expect(await cancel(run.id)).toBe(unfinished);
    expect(await statusOf(run.id)).toBe(unfinished ? 'cancelled' : status);
  });

  it('never brings a cancelled run back: start, resume, pause and finish all lose', async () => {
    const run = await stored('queued');
    expect(await cancel(run.id)).toBe(true);
    const message = {
      id: randomUUID(),
      conversationId: run.conversationId,
      runId: run.id,
      seq: 1,
      role: 'user' as const,
      content: [{ type: 'text' as const, text: 'hello' }],
      createdAt: at,
    };
    expect(await runs.startRun(run.id, { startedAt: at }, message)).toBe(false);
    expect(await runs.history(run.conversationId)).toEqual([]); // nothing stored half-way
    expect(await runs.transition(run.id, ['waiting'], { status: 'running', waitingFor: null })).toBe(false);
    expect(await runs.transition(run.id, ['running'], { status: 'waiting' })).toBe(false);
    expect(await runs.transition(run.id, ['queued', 'running'], { status: 'completed', reply: 'late' })).toBe(false);
    expect(await runs.findRun(run.id)).toMatchObject({ status: 'cancelled', reply: null, error: 'Cancelled by admin' });
  });

  it('starts a queued run once, with its user message, and not again', async () => {
    const run = await stored('queued');
    const message = (seq: number) => ({
      id: randomUUID(),
      conversationId: run.conversationId,
      runId: run.id,
      seq,
      role: 'user' as const,
      content: [{ type: 'text' as const, text: 'hello' }],
      createdAt: at,
    });
    const results = await Promise.all([
      runs.startRun(run.id, { startedAt: at }, message(1)),
      runs.startRun(run.id, { startedAt: at }, message(2)),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(await runs.history(run.conversationId)).toHaveLength(1);
    expect(await statusOf(run.id)).toBe('running');
  });

  it('ends a run with its last model call and its totals together, and keeps only the totals of a cancelled one', async () => {
    const call = (runId: string) => ({
      id: randomUUID(),
      runId,
      groupId: null,
      channelType: null,
      model: 'claude-test',
      status: 'ok' as const,
      error: null,
      inputTokens: 10,
      outputTokens: 5,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      durationMs: 3,
      createdAt: at,
    });
    const totals = { iterations: 1, inputTokens: 10, outputTokens: 5 };
    const end = { from: ['running' as const], patch: { status: 'completed' as const, reply: 'done', finishedAt: at } };
    const running = await stored('running');
    expect(await runs.recordModelCall(call(running.id), null, totals, end)).toBe(true);
    expect(await runs.findRun(running.id)).toMatchObject({ ...totals, status: 'completed', reply: 'done' });
    const cancelled = await stored('running');
    await cancel(cancelled.id);
    expect(await runs.recordModelCall(call(cancelled.id), null, totals, end)).toBe(false);
    expect(await runs.findRun(cancelled.id)).toMatchObject({ ...totals, status: 'cancelled', reply: null });
    expect(await runs.modelCalls(cancelled.id)).toHaveLength(1);
  });

  it('lets exactly one of a cancel and a finish win when they race', async () => {
    for (let i = 0; i < 10; i++) {
      const run = await stored('running');
      const finish = runs.transition(run.id, ['queued', 'running'], { status: 'completed', reply: 'done' });
      const results = i % 2 === 0 ? [await cancel(run.id), await finish] : await Promise.all([finish, cancel(run.id)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const ended = await runs.findRun(run.id);
      expect(ended!.status === 'cancelled' ? ended!.reply : ended!.error).toBeNull(); // one outcome, not a mix
    }
  });

  it('lets exactly one of a cancel and a resume win for a waiting run', async () => {
    const run = await stored('waiting');
    const [resumed, cancelled] = await Promise.all([
      runs.transition(run.id, ['waiting'], { status: 'running', waitingFor: null }),
      cancel(run.id),
    ]);
    // Both can succeed one after the other (resume, then cancel the running run), never neither.
    expect(resumed || cancelled).toBe(true);
    expect(await statusOf(run.id)).toBe(cancelled ? 'cancelled' : 'running');
  });

  it('stores what a waiting run waits for, and clears it when it resumes', async () => {
    const run = await stored('running');
    const approvalId = randomUUID();
    expect(
      await runs.transition(run.id, ['running'], { status: 'waiting', waitingFor: { kind: 'approval', approvalId } }),
    ).toBe(true);
    expect((await runs.findRun(run.id))!.waitingFor).toEqual({ kind: 'approval', approvalId });
    expect(await runs.transition(run.id, ['waiting'], { status: 'running', waitingFor: null })).toBe(true);
    expect((await runs.findRun(run.id))!.waitingFor).toBeNull();
  });

  it('gives an ended run’s continuation to one claimer only, and none before the run ends', async () => {
    const continuation: RunContinuation = { kind: 'job-output', jobId: randomUUID(), firingId: randomUUID() };
    const run = await stored('running', continuation);
    expect(await runs.claimContinuation(run.id, ['pending'])).toBe(false); // still running
    expect(await runs.transition(run.id, ['running'], { status: 'completed' })).toBe(true);
    const claims = await Promise.all([1, 2, 3].map(() => runs.claimContinuation(run.id, ['pending'])));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await runs.endedWithContinuation(['dispatching'])).map((r) => r.id)).toContain(run.id);
    await runs.settleContinuation(run.id, 'dispatched');
    expect(await runs.claimContinuation(run.id, ['pending', 'dispatching'])).toBe(false);
    expect((await runs.findRun(run.id))!.continuation).toEqual(continuation);
  });

  it('hands a claim a crash interrupted to the next start, and keeps a postponed one pending', async () => {
    const run = await stored('running', { kind: 'channel-reply', channelId: randomUUID(), messageId: randomUUID() });
    await cancel(run.id);
    expect(await runs.claimContinuation(run.id, ['pending'])).toBe(true);
    // The process dies here. The next start looks for pending and half-done claims:
    expect((await runs.endedWithContinuation(['pending', 'dispatching'])).map((r) => r.id)).toContain(run.id);
    expect(await runs.claimContinuation(run.id, ['pending'])).toBe(false);
    expect(await runs.claimContinuation(run.id, ['pending', 'dispatching'])).toBe(true);
    await runs.settleContinuation(run.id, 'pending'); // e.g. its channel does not run yet
    expect((await runs.endedWithContinuation(['pending'])).map((r) => r.id)).toContain(run.id);
  });
});
