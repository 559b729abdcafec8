import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { TaskIteration } from './entities/task-iteration.entity.js';
import { Task } from './entities/task.entity.js';
import { TaskLoop } from './task-loop.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/** Loop tasks: autonomous work in iterations, each a run through the pipeline. */
@Module({
  imports: [TypeOrmModule.forFeature([Task, TaskIteration]), AgentsModule, GroupsModule],
  controllers: [TasksController],
  providers: [TasksService, TasksRepository, TaskLoop],
  exports: [TasksService],
})
export class TasksModule {}
