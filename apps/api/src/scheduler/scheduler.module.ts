import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { JobRun } from './entities/job-run.entity.js';
import { ScheduledJob } from './entities/scheduled-job.entity.js';
import { JobClock } from './job-clock.js';
import { JobRunner } from './job-runner.js';
import { OutputDelivery } from './output-delivery.js';
import { SchedulerController } from './scheduler.controller.js';
import { SchedulerRepository } from './scheduler.repository.js';
import { SchedulerService } from './scheduler.service.js';

/** Scheduled jobs: cron, one-off and interval triggers, each firing a run whose result is routed. */
@Module({
  imports: [TypeOrmModule.forFeature([ScheduledJob, JobRun]), AgentsModule, ChannelsModule, GroupsModule],
  controllers: [SchedulerController],
  providers: [SchedulerService, SchedulerRepository, JobRunner, JobClock, OutputDelivery],
})
export class SchedulerModule {}
