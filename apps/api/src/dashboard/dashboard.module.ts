import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsageModule } from '../usage/usage.module.js';
import { ActivityRecorder } from './activity-recorder.js';
import { ActivityRepository } from './activity.repository.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';
import { ActivityEvent } from './entities/activity-event.entity.js';

/** The overview: its numbers, and the kept activity events behind its feed. */
@Module({
  imports: [TypeOrmModule.forFeature([ActivityEvent]), UsageModule],
  controllers: [DashboardController],
  providers: [ActivityRepository, ActivityRecorder, DashboardService],
})
export class DashboardModule {}
