import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { CalendarSync } from './calendar-sync.js';
import { CalendarTriggers } from './calendar-triggers.js';
import { CalendarsRepository } from './calendars.repository.js';
import {
  type CalendarCreateDto,
  type CalendarDto,
  type CalendarEventDto,
  type CalendarEventsQueryDto,
  DEFAULT_POLL_MINUTES,
} from './dto/calendar.dto.js';
import type { CalendarEvent } from './entities/calendar-event.entity.js';
import type { Calendar } from './entities/calendar.entity.js';
import { sealFeedPassword } from './feed-password.js';
import { isTimeZone, localKey, wallAt } from '../../common/zoned-time.js';

const DEFAULT_EVENTS_SPAN_MS = 60 * 86_400_000;

/** Calendars as the API sees them: add (and sync at once), list, sync now, their events, delete. */
@Injectable()
export class CalendarsService {
  constructor(
    private readonly repository: CalendarsRepository,
    private readonly syncer: CalendarSync,
    private readonly triggers: CalendarTriggers,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
  ) {}

  async list(): Promise<CalendarDto[]> {
    return (await this.repository.list()).map(toCalendarDto);
  }

  /** Stores the calendar and syncs it before answering; a failed first sync is recorded, not a 4xx. */
  async create(body: CalendarCreateDto): Promise<CalendarDto> {
    const timezone = body.timezone ?? this.config.timezone;
    const pollMinutes = pollInterval(body);
    if (!isTimeZone(timezone)) throw new BadRequestException(`timezone: "${timezone}" is not an IANA time zone`);
    const now = this.clock.now();
    const calendar: Calendar = {
      id: randomUUID(),
      name: body.name,
      ...sealFeedPassword(body.url, this.secrets),
      pollMinutes,
      timezone,
      nextSyncAt: new Date(now.getTime() + pollMinutes * 60_000),
      lastSyncAt: null,
      lastSyncStatus: null,
      lastSyncError: null,
      eventCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(calendar);
    return toCalendarDto(await this.syncer.sync(calendar));
  }

  /** Syncs now, and the next poll comes a full interval later. */
  async sync(id: string): Promise<CalendarDto> {
    const calendar = await this.find(id);
    const nextSyncAt = new Date(this.clock.now().getTime() + calendar.pollMinutes * 60_000);
    await this.repository.update(id, { nextSyncAt });
    return toCalendarDto(await this.syncer.sync({ ...calendar, nextSyncAt }));
  }

  async events(id: string, query: CalendarEventsQueryDto): Promise<CalendarEventDto[]> {
    const calendar = await this.find(id);
    const from = query.from ? new Date(query.from) : this.clock.now();
    const to = query.to ? new Date(query.to) : new Date(from.getTime() + DEFAULT_EVENTS_SPAN_MS);
    if (to <= from) throw new BadRequestException('to must be after from');
    const events = await this.repository.eventsBetween(id, from, to, query.limit ?? 200);
    return events.map((event) => toEventDto(event, calendar.timezone));
  }

  /** Deletes the calendar and its events; refused (409) while a job's trigger or context uses it. */
  async remove(id: string): Promise<void> {
    const calendar = await this.find(id);
    const users = await this.triggers.jobsUsing(id);
    if (users.length > 0) {
      const names = users.map((job) => `"${job.name}"`).join(', ');
      throw new ConflictException(
        `The calendar "${calendar.name}" is used by ${users.length === 1 ? 'the job' : 'the jobs'} ${names}: change or delete ${users.length === 1 ? 'it' : 'them'} first`,
      );
    }
    if (!(await this.repository.remove(id))) throw new NotFoundException(`Calendar ${id} not found`);
  }

  private async find(id: string): Promise<Calendar> {
    const calendar = await this.repository.find(id);
    if (!calendar) throw new NotFoundException(`Calendar ${id} not found`);
    return calendar;
  }
}

function toCalendarDto(calendar: Calendar): CalendarDto {
  return {
    id: calendar.id,
    name: calendar.name,
    url: calendar.url,
    hasPassword: calendar.passwordSealed !== null,
    pollIntervalMinutes: calendar.pollMinutes,
    pollMinutes: calendar.pollMinutes,
    timezone: calendar.timezone,
    lastSyncAt: calendar.lastSyncAt?.toISOString() ?? null,
    lastSyncStatus: calendar.lastSyncStatus ?? 'never',
    lastSyncError: calendar.lastSyncError,
    nextSyncAt: calendar.nextSyncAt.toISOString(),
    eventCount: calendar.eventCount,
    createdAt: calendar.createdAt.toISOString(),
  };
}

function toEventDto(event: CalendarEvent, zone: string): CalendarEventDto {
  return {
    id: event.id,
    calendarId: event.calendarId,
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    localStart: localKey(wallAt(event.startsAt.getTime(), zone)),
    localEnd: localKey(wallAt(event.endsAt.getTime(), zone)),
    allDay: event.allDay,
    recurring: event.recurring,
  };
}

/** pollIntervalMinutes (the documented name) or its older alias pollMinutes; both only when equal. */
function pollInterval(body: CalendarCreateDto): number {
  const { pollIntervalMinutes, pollMinutes } = body;
  if (pollIntervalMinutes !== undefined && pollMinutes !== undefined && pollIntervalMinutes !== pollMinutes) {
    throw new BadRequestException('pollIntervalMinutes and pollMinutes (its older name) differ; give one of them');
  }
  return pollIntervalMinutes ?? pollMinutes ?? DEFAULT_POLL_MINUTES;
}
