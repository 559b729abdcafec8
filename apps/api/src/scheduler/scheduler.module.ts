import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CalendarContext } from './calendars/calendar-context.js';
import { CalendarPoller } from './calendars/calendar-poller.js';
import { CalendarSync } from './calendars/calendar-sync.js';
import { CalendarTriggers } from './calendars/calendar-triggers.js';
import { CalendarsController } from './calendars/calendars.controller.js';
import { CalendarsRepository } from './calendars/calendars.repository.js';
import { CalendarsService } from './calendars/calendars.service.js';
import { CalendarEvent } from './calendars/entities/calendar-event.entity.js';
import { CalendarFiring } from './calendars/entities/calendar-firing.entity.js';
import { Calendar } from './calendars/entities/calendar.entity.js';
import { IcalFetcher } from './calendars/ical-fetcher.js';
import { JobRun } from './entities/job-run.entity.js';
import { ScheduledJob } from './entities/scheduled-job.entity.js';
import { JobClock } from './job-clock.js';
import { JobRunner } from './job-runner.js';
import { OutputDelivery } from './output-delivery.js';
import { SchedulerController } from './scheduler.controller.js';
import { SchedulerRepository } from './scheduler.repository.js';
import { SchedulerService } from './scheduler.service.js';

/**
 * Scheduled jobs: cron, one-off, interval and calendar triggers, each firing a run whose result is
 * routed; and the iCalendar feeds whose events trigger jobs and go into their prompts.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ScheduledJob, JobRun, Calendar, CalendarEvent, CalendarFiring]),
    AgentsModule,
    ChannelsModule,
    GroupsModule,
    WebhooksModule,
  ],
  controllers: [SchedulerController, CalendarsController],
  providers: [
    SchedulerService,
    SchedulerRepository,
    JobRunner,
    JobClock,
    OutputDelivery,
    CalendarsService,
    CalendarsRepository,
    CalendarSync,
    CalendarPoller,
    CalendarTriggers,
    CalendarContext,
    IcalFetcher,
  ],
})
export class SchedulerModule {}
