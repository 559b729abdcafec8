import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Transactions } from '../database/transactions.js';
import { TaskIteration } from './entities/task-iteration.entity.js';
import { Task } from './entities/task.entity.js';

/** All SQL for loop tasks and their iterations. */
@Injectable()
export class TasksRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  private get tasks() {
    return this.dataSource.getRepository(Task);
  }

  private get iterations() {
    return this.dataSource.getRepository(TaskIteration);
  }

  async insert(task: Task): Promise<void> {
    await this.tasks.insert(task);
  }

  find(id: string): Promise<Task | null> {
    return this.tasks.findOneBy({ id });
  }

  list(limit: number): Promise<Task[]> {
    return this.tasks.find({ order: { createdAt: 'DESC' }, take: limit });
  }

  /** Tasks that were working when the gateway stopped. */
  unfinished(): Promise<Task[]> {
    return this.tasks.find({ where: { status: In(['running', 'stopping']) }, order: { createdAt: 'ASC' } });
  }

  async update(id: string, patch: Partial<Task>): Promise<void> {
    await this.tasks.update({ id }, patch);
  }

  /** Changes the status only if it is still one of `from`; false when it was not. */
  async transition(id: string, from: Task['status'][], patch: Partial<Task>): Promise<boolean> {
    const result = await this.tasks.update({ id, status: In(from) }, patch);
    return (result.affected ?? 0) > 0;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.tasks.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  iterationsOf(taskId: string): Promise<TaskIteration[]> {
    return this.iterations.find({ where: { taskId }, order: { number: 'ASC' } });
  }

  findIteration(id: string): Promise<TaskIteration | null> {
    return this.iterations.findOneBy({ id });
  }

  /** The iteration under way (stored, its run not yet recorded as ended), if any. */
  openIteration(taskId: string): Promise<TaskIteration | null> {
    return this.iterations.findOne({ where: { taskId, status: 'running' }, order: { number: 'DESC' } });
  }

  async insertIteration(iteration: TaskIteration): Promise<void> {
    await this.iterations.insert(iteration);
  }

  async updateIteration(id: string, patch: Partial<TaskIteration>): Promise<void> {
    await this.iterations.update({ id }, patch);
  }

  /** Records an iteration's end and what it did to the task, together. */
  async finishIteration(
    iteration: Pick<TaskIteration, 'id'> & Partial<TaskIteration>,
    taskId: string,
    taskPatch: Partial<Task>,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.update(TaskIteration, { id: iteration.id }, iteration);
      await manager.update(Task, { id: taskId }, taskPatch);
    });
  }
}
