import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { ChannelDirectory } from '../groups/channel-directory.js';
import { GroupsService } from '../groups/groups.service.js';
import { CalendarTriggers } from './calendars/calendar-triggers.js';
import { CalendarsRepository } from './calendars/calendars.repository.js';
import type { JobCreateDto, JobDto, JobRunDto, SchedulerStatsDto } from './dto/job.dto.js';
import type { JobRun } from './entities/job-run.entity.js';
import type { JobAction, JobOutput, JobTrigger, ScheduledJob } from './entities/scheduled-job.entity.js';
import { JobRunner } from './job-runner.js';
import { SchedulerRepository } from './scheduler.repository.js';
import { nextFiring, triggerProblem } from './triggers.js';

const DEFAULT_MAX_ITERATIONS = 10;

/** Scheduled jobs as the API sees them: create, change, toggle, run now, their firings and stats. */
@Injectable()
export class SchedulerService {
  constructor(
    private readonly repository: SchedulerRepository,
    private readonly runner: JobRunner,
    private readonly groups: GroupsService,
    private readonly channels: ChannelDirectory,
    private readonly calendars: CalendarsRepository,
    private readonly calendarTriggers: CalendarTriggers,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<JobDto[]> {
    return (await this.repository.list()).map(toJobDto);
  }

  async create(body: JobCreateDto): Promise<JobDto> {
    const now = this.clock.now();
    const id = randomUUID();
    const job: ScheduledJob = {
      id,
      ...(await this.validated(id, body, now)),
      lastRunAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(job);
    return toJobDto(job);
  }

  /** Replaces the job's settings (the body is the same as for create); its next firing is recomputed. */
  async update(id: string, body: JobCreateDto): Promise<JobDto> {
    const job = await this.find(id);
    const now = this.clock.now();
    const patch = { ...(await this.validated(id, body, now)), updatedAt: now };
    await this.repository.update(id, patch);
    return toJobDto({ ...job, ...patch });
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.remove(id))) throw new NotFoundException(`Job ${id} not found`);
  }

  /** Enables a disabled job (from now on) or disables an enabled one. */
  async toggle(id: string): Promise<JobDto> {
    const job = await this.find(id);
    const now = this.clock.now();
    const enabled = !job.enabled;
    const patch = { enabled, nextRunAt: enabled ? await this.next(id, job.trigger, now) : null, updatedAt: now };
    await this.repository.update(id, patch);
    return toJobDto({ ...job, ...patch });
  }

  /** Fires the job now, whatever its schedule; answers with the firing (its run goes on). */
  async runNow(id: string): Promise<JobRunDto> {
    const job = await this.find(id);
    await this.repository.update(id, { lastRunAt: this.clock.now() });
    return toJobRunDto(await this.runner.fire(job, 'manual', null));
  }

  async runs(id: string, limit: number): Promise<JobRunDto[]> {
    await this.find(id);
    return (await this.repository.runsOf(id, limit)).map(toJobRunDto);
  }

  async stats(): Promise<SchedulerStatsDto> {
    const now = this.clock.now();
    const [jobs, counts, soonest] = await Promise.all([
      this.repository.list(),
      this.repository.runCountsSince(new Date(now.getTime() - 24 * 3600_000)),
      this.repository.soonest(),
    ]);
    return {
      jobs: jobs.length,
      enabled: jobs.filter((job) => job.enabled).length,
      runsLastDay: counts.total,
      failuresLastDay: counts.failed,
      nextRunAt: soonest?.toISOString() ?? null,
    };
  }

  private async find(id: string): Promise<ScheduledJob> {
    const job = await this.repository.find(id);
    if (!job) throw new NotFoundException(`Job ${id} not found`);
    return job;
  }

  /** The job's first firing from now: calendar triggers from the calendar's stored events. */
  private next(id: string, trigger: JobTrigger, now: Date): Promise<Date | null> | Date | null {
    return trigger.type === 'calendar' ? this.calendarTriggers.next(id, trigger, now) : nextFiring(trigger, now);
  }

  /** The job's settings from a request body, or a 400 naming the field that is wrong. */
  private async validated(id: string, body: JobCreateDto, now: Date) {
    const trigger = this.trigger(body.trigger);
    const problem = triggerProblem(trigger, now);
    if (problem) throw new BadRequestException(problem);
    if (trigger.type === 'calendar' && !(await this.calendars.find(trigger.calendarId))) {
      throw new BadRequestException(`trigger.calendarId: there is no calendar ${trigger.calendarId}`);
    }
    const context = body.action.calendarContext;
    if (context && !(await this.calendars.find(context.calendarId))) {
      throw new BadRequestException(`action.calendarContext.calendarId: there is no calendar ${context.calendarId}`);
    }
    const output = outputOf(body.output);
    if (output.type === 'channel' && !(await this.channels.exists(output.channelId))) {
      throw new BadRequestException(`output.channelId: there is no channel ${output.channelId}`);
    }
    if (body.groupId && !(await this.groups.findById(body.groupId))) {
      throw new BadRequestException(`groupId: there is no agent group ${body.groupId}`);
    }
    const enabled = body.enabled ?? true;
    const action: JobAction = {
      type: 'agent',
      prompt: body.action.prompt,
      maxIterations: body.action.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    };
    if (context) action.calendarContext = { calendarId: context.calendarId, days: context.days ?? 1 };
    return {
      name: body.name,
      enabled,
      trigger,
      action,
      output,
      groupId: body.groupId ?? null,
      missedPolicy: body.missedPolicy ?? 'skip',
      nextRunAt: enabled ? await this.next(id, trigger, now) : null,
    };
  }

  private trigger(dto: JobCreateDto['trigger']): JobTrigger {
    const missing = (field: string) =>
      new BadRequestException(`trigger.${field} is required for a ${dto.type} trigger`);
    switch (dto.type) {
      case 'cron':
        if (!dto.cron) throw missing('cron');
        return { type: 'cron', cron: dto.cron, timezone: dto.timezone ?? this.config.timezone };
      case 'once':
        if (!dto.at) throw missing('at');
        return { type: 'once', at: new Date(dto.at).toISOString() };
      case 'interval':
        if (!dto.everySeconds) throw missing('everySeconds');
        return { type: 'interval', everySeconds: dto.everySeconds };
      case 'calendar':
        if (!dto.calendarId) throw missing('calendarId');
        return { type: 'calendar', calendarId: dto.calendarId, minutesBefore: dto.minutesBefore ?? 0 };
    }
  }
}

function outputOf(dto: JobCreateDto['output']): JobOutput {
  if (!dto || dto.type === 'none') return { type: 'none' };
  if (dto.type === 'channel') {
    if (!dto.channelId) throw new BadRequestException('output.channelId is required for a channel output');
    return { type: 'channel', channelId: dto.channelId };
  }
  if (!dto.url) throw new BadRequestException('output.url is required for a webhook output');
  return { type: 'webhook', url: dto.url };
}

function toJobDto(job: ScheduledJob): JobDto {
  return {
    id: job.id,
    name: job.name,
    enabled: job.enabled,
    trigger: job.trigger,
    action: job.action,
    output: job.output,
    groupId: job.groupId,
    missedPolicy: job.missedPolicy,
    nextRunAt: job.nextRunAt?.toISOString() ?? null,
    lastRunAt: job.lastRunAt?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

function toJobRunDto(run: JobRun): JobRunDto {
  return {
    id: run.id,
    jobId: run.jobId,
    runId: run.runId,
    cause: run.cause,
    status: run.status,
    scheduledFor: run.scheduledFor?.toISOString() ?? null,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
    output: run.output,
    error: run.error,
    delivery: run.delivery,
    deliveryError: run.deliveryError,
    deliveryId: run.deliveryId,
  };
}
