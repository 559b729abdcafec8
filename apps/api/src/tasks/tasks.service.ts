import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RunOrigin } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import { GroupsService } from '../groups/groups.service.js';
import type { TaskCreateDto, TaskDetailDto, TaskDto, TaskOutputDto, TaskPromptDto } from './dto/task.dto.js';
import type { Task, TaskStatus } from './entities/task.entity.js';
import { TaskLoop } from './task-loop.js';
import { TasksRepository } from './tasks.repository.js';

const RESTARTABLE: TaskStatus[] = ['stopped', 'failed', 'budget_exhausted'];

/** Loop tasks as the API (and webhooks, the scheduler) see them: create, start, stop, read, delete. */
@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly loop: TaskLoop,
    private readonly groups: GroupsService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Stores the task and starts its first iteration. */
  async create(body: TaskCreateDto, origin: RunOrigin): Promise<TaskDto> {
    if (body.groupId && !(await this.groups.findById(body.groupId))) {
      throw new BadRequestException(`groupId: there is no agent group ${body.groupId}`);
    }
    const now = this.clock.now();
    const task: Task = {
      id: randomUUID(),
      name: body.name,
      prompt: body.prompt,
      planPrompt: body.planPrompt ?? null,
      plan: null,
      output: '',
      maxIterations: body.maxIterations,
      groupId: body.groupId ?? null,
      status: 'running',
      stopRequested: false,
      iterations: 0,
      completion: null,
      error: null,
      origin,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    await this.tasks.insert(task);
    this.bus.emit('task:start', { taskId: task.id, name: task.name });
    this.loop.drive(task.id);
    return toTaskDto(task);
  }

  async list(limit: number): Promise<TaskDto[]> {
    return (await this.tasks.list(limit)).map(toTaskDto);
  }

  async detail(id: string): Promise<TaskDetailDto> {
    const task = await this.find(id);
    const iterations = await this.tasks.iterationsOf(id);
    return {
      ...toTaskDto(task),
      iterationLog: iterations.map((i) => ({
        number: i.number,
        phase: i.phase,
        runId: i.runId,
        status: i.status,
        summary: i.summary,
        createdAt: i.createdAt.toISOString(),
        finishedAt: i.finishedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Starts a stopped (or failed, or out-of-budget) task again from its last finished iteration. */
  async start(id: string): Promise<TaskDto> {
    const task = await this.find(id);
    if (!RESTARTABLE.includes(task.status)) {
      throw new ConflictException(
        `Task ${id} is ${task.status}; only a stopped, failed or out-of-budget task can be started`,
      );
    }
    const now = this.clock.now();
    const patch = { status: 'running' as const, stopRequested: false, error: null, finishedAt: null, updatedAt: now };
    if (!(await this.tasks.transition(id, RESTARTABLE, patch)))
      throw new ConflictException(`Task ${id} changed meanwhile`);
    this.bus.emit('task:start', { taskId: id, name: task.name });
    this.loop.drive(id);
    return toTaskDto({ ...task, ...patch });
  }

  /** Asks the task to stop; it does after the iteration under way, and is then `stopped`. */
  async stop(id: string): Promise<TaskDto> {
    const task = await this.find(id);
    if (task.status === 'stopping') return toTaskDto(task);
    if (task.status !== 'running') throw new ConflictException(`Task ${id} is ${task.status}, not running`);
    const patch = { status: 'stopping' as const, stopRequested: true, updatedAt: this.clock.now() };
    if (!(await this.tasks.transition(id, ['running'], patch)))
      throw new ConflictException(`Task ${id} changed meanwhile`);
    this.loop.drive(id); // settles it now if no iteration is under way
    return toTaskDto({ ...task, ...patch });
  }

  async prompt(id: string): Promise<TaskPromptDto> {
    const task = await this.find(id);
    return { taskId: task.id, prompt: task.prompt, planPrompt: task.planPrompt, plan: task.plan };
  }

  async output(id: string): Promise<TaskOutputDto> {
    const task = await this.find(id);
    return { taskId: task.id, status: task.status, iterations: task.iterations, output: task.output };
  }

  /** Deletes the task and its iteration records; an iteration under way finishes as a plain run. */
  async remove(id: string): Promise<void> {
    if (!(await this.tasks.remove(id))) throw new NotFoundException(`Task ${id} not found`);
  }

  private async find(id: string): Promise<Task> {
    const task = await this.tasks.find(id);
    if (!task) throw new NotFoundException(`Task ${id} not found`);
    return task;
  }
}

function toTaskDto(task: Task): TaskDto {
  return {
    id: task.id,
    name: task.name,
    status: task.status,
    iterations: task.iterations,
    maxIterations: task.maxIterations,
    groupId: task.groupId,
    planned: task.planPrompt !== null,
    completion: task.completion,
    error: task.error,
    origin: task.origin,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    finishedAt: task.finishedAt?.toISOString() ?? null,
  };
}
