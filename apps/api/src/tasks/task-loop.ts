import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RunContinuations } from '../agents/run-continuation.js';
import { RunsService } from '../agents/runs.service.js';
import type { Run } from '../agents/entities/run.entity.js';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import type { TaskIteration } from './entities/task-iteration.entity.js';
import type { Task } from './entities/task.entity.js';
import { buildMessage, planMessage, readReply, summarize } from './task-prompts.js';
import { TasksRepository } from './tasks.repository.js';

/**
 * Works a task iteration by iteration, each a run through the pipeline. Every step is stored before
 * it is acted on (the iteration before its run is submitted), and an iteration's run carries a
 * `task-iteration` continuation that records it and goes on with the task when it ends, so after a
 * restart the run under way resumes by itself and the task goes on from there.
 */
@Injectable()
export class TaskLoop implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TaskLoop.name);
  private readonly active = new Map<string, Promise<void>>();
  /** Tasks asked to go on while they were being worked on: worked on again right after. */
  private readonly again = new Set<string>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly tasks: TasksRepository,
    private readonly runs: RunsService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly continuations: RunContinuations,
  ) {}

  onModuleInit(): void {
    this.continuations.register({
      kind: 'task-iteration',
      durable: true,
      handle: async (run, { taskId, iterationId }) => {
        const [task, iteration] = await Promise.all([this.tasks.find(taskId), this.tasks.findIteration(iterationId)]);
        // Not recorded yet (a crash may have come between recording and marking this done).
        if (task && iteration?.status === 'running') await this.record(task, { ...iteration, runId: run.id }, run);
        this.drive(taskId);
        return 'done';
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.tasks.unfinished();
    for (const task of unfinished) this.drive(task.id);
    if (unfinished.length > 0) this.logger.log(`Resuming ${unfinished.length} loop task(s)`);
  }

  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled([...this.active.values()]);
  }

  /** Takes the task's next step; asked while a step is under way, it takes another one right after. */
  drive(taskId: string): void {
    if (this.shutdown.signal.aborted) return;
    if (this.active.has(taskId)) {
      this.again.add(taskId);
      return;
    }
    const work = this.work(taskId)
      .catch(async (error: unknown) => {
        if (this.shutdown.signal.aborted) return; // the task stays running and resumes at the next start
        this.logger.error({ err: error, taskId }, 'Loop task failed');
        await this.fail(taskId, 'failed', 'The task failed unexpectedly');
      })
      .finally(() => {
        this.active.delete(taskId);
        if (this.again.delete(taskId)) this.drive(taskId);
      });
    this.active.set(taskId, work);
  }

  /** One step: settles a stop, or submits the next iteration's run (its end drives the task again). */
  private async work(taskId: string): Promise<void> {
    const task = await this.tasks.find(taskId);
    if (!task) return; // deleted
    if (task.status === 'stopping') {
      // The iteration under way finishes first: its run's continuation drives the task again.
      if ((await this.tasks.openIteration(task.id))?.runId) return;
      await this.tasks.transition(task.id, ['stopping'], {
        status: 'stopped',
        finishedAt: this.now(),
        updatedAt: this.now(),
      });
      return;
    }
    if (task.status !== 'running') return;
    const iteration = (await this.tasks.openIteration(task.id)) ?? (await this.nextIteration(task));
    if (!iteration) return; // the task used its iterations and is now complete
    if (iteration.runId) return; // under way: its run's continuation goes on from here
    const message = iteration.phase === 'plan' ? planMessage(task) : buildMessage(task, iteration.number);
    const run = await this.runs.submit({
      message,
      origin: { kind: 'task', ref: task.id },
      groupId: task.groupId ?? undefined,
      continuation: { kind: 'task-iteration', taskId: task.id, iterationId: iteration.id },
    });
    await this.tasks.updateIteration(iteration.id, { runId: run.id });
  }

  private async nextIteration(task: Task): Promise<TaskIteration | null> {
    const phase = task.planPrompt && task.plan === null ? 'plan' : 'build';
    if (phase === 'build' && task.iterations >= task.maxIterations) {
      await this.complete(task, 'max_iterations', task.iterations);
      return null;
    }
    const iteration: TaskIteration = {
      id: randomUUID(),
      taskId: task.id,
      number: phase === 'plan' ? 0 : task.iterations + 1,
      phase,
      runId: null,
      status: 'running',
      summary: null,
      createdAt: this.now(),
      finishedAt: null,
    };
    await this.tasks.insertIteration(iteration);
    return iteration;
  }

  private async record(task: Task, iteration: TaskIteration, run: Run): Promise<void> {
    const now = this.now();
    if (run.status === 'cancelled') {
      // An operator ended the iteration's run: the task stops there and can be started again.
      const error = `Iteration ${iteration.number} was cancelled (${run.error ?? 'its run was cancelled'})`;
      await this.tasks.updateIteration(iteration.id, { status: 'failed', summary: error, finishedAt: now });
      await this.fail(task.id, 'stopped', error);
      return;
    }
    if (run.status !== 'completed') {
      const budget = run.status === 'refused';
      const error = budget
        ? `Budget exhausted: ${run.reply ?? run.error ?? 'the group has no tokens left'}`
        : `Iteration ${iteration.number} failed: ${run.error ?? 'unknown error'}`;
      await this.tasks.updateIteration(iteration.id, { status: 'failed', summary: error, finishedAt: now });
      await this.fail(task.id, budget ? 'budget_exhausted' : 'failed', error);
      return;
    }
    const { text, complete } = readReply(run.reply);
    const summary = summarize(text);
    const finished = { id: iteration.id, status: 'done' as const, summary, finishedAt: now };
    if (iteration.phase === 'plan') {
      await this.tasks.finishIteration(finished, task.id, { plan: text, updatedAt: now });
      this.bus.emit('task:iteration', { taskId: task.id, iteration: 0, summary: `Plan: ${summary}` });
      return;
    }
    const output = task.output ? `${task.output}\n\n${text}` : text;
    await this.tasks.finishIteration(finished, task.id, { output, iterations: iteration.number, updatedAt: now });
    this.bus.emit('task:iteration', { taskId: task.id, iteration: iteration.number, summary });
    if (complete) await this.complete(task, 'marker', iteration.number);
  }

  private async complete(task: Task, completion: Task['completion'], iterations: number): Promise<void> {
    const now = this.now();
    const done = await this.tasks.transition(task.id, ['running', 'stopping'], {
      status: 'completed',
      completion,
      finishedAt: now,
      updatedAt: now,
    });
    if (done) this.bus.emit('task:complete', { taskId: task.id, iterations });
  }

  private async fail(taskId: string, status: 'failed' | 'budget_exhausted' | 'stopped', error: string): Promise<void> {
    const now = this.now();
    const changed = await this.tasks.transition(taskId, ['running', 'stopping'], {
      status,
      error,
      finishedAt: now,
      updatedAt: now,
    });
    if (changed) this.bus.emit('task:error', { taskId, error });
  }

  private now(): Date {
    return this.clock.now();
  }
}
