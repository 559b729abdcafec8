import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, LessThanOrEqual, MoreThan } from 'typeorm';
import { Transactions } from '../../database/transactions.js';
import { CalendarEvent } from './entities/calendar-event.entity.js';
import { CalendarFiring } from './entities/calendar-firing.entity.js';
import { Calendar } from './entities/calendar.entity.js';

/** Rows per INSERT when a sync writes a calendar's events (well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 200;

/** All SQL for calendars, their events, and the event instances calendar-triggered jobs fired for. */
@Injectable()
export class CalendarsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  private get calendars() {
    return this.dataSource.getRepository(Calendar);
  }

  private get events() {
    return this.dataSource.getRepository(CalendarEvent);
  }

  private get firings() {
    return this.dataSource.getRepository(CalendarFiring);
  }

  list(): Promise<Calendar[]> {
    return this.calendars.find({ order: { createdAt: 'ASC' } });
  }

  find(id: string): Promise<Calendar | null> {
    return this.calendars.findOneBy({ id });
  }

  async insert(calendar: Calendar): Promise<void> {
    await this.calendars.insert(calendar);
  }

  async update(id: string, patch: Partial<Calendar>): Promise<void> {
    await this.calendars.update({ id }, patch);
  }

  /** Removes the calendar and its events together. */
  async remove(id: string): Promise<boolean> {
    return this.transactions.run(async (manager) => {
      await manager.delete(CalendarEvent, { calendarId: id });
      const result = await manager.delete(Calendar, { id });
      return (result.affected ?? 0) > 0;
    });
  }

  /** Calendars whose next poll is due. */
  dueForSync(now: Date): Promise<Calendar[]> {
    return this.calendars.find({ where: { nextSyncAt: LessThanOrEqual(now) }, order: { nextSyncAt: 'ASC' } });
  }

  /** Moves a calendar's next poll on from the one it is due for, if no one else did: the claimer polls. */
  async claimSync(id: string, due: Date, next: Date): Promise<boolean> {
    const result = await this.calendars.update({ id, nextSyncAt: due }, { nextSyncAt: next });
    return (result.affected ?? 0) > 0;
  }

  /** Replaces the calendar's events with a sync's and records the sync, in one transaction. */
  async replaceEvents(id: string, events: CalendarEvent[], patch: Partial<Calendar>): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.delete(CalendarEvent, { calendarId: id });
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        await manager.insert(CalendarEvent, events.slice(i, i + INSERT_CHUNK));
      }
      await manager.update(Calendar, { id }, patch);
    });
  }

  /** Events that overlap [from, to), by start. */
  eventsBetween(calendarId: string, from: Date, to: Date, limit: number): Promise<CalendarEvent[]> {
    return this.events.find({
      where: { calendarId, endsAt: MoreThan(from), startsAt: LessThan(to) },
      order: { startsAt: 'ASC', summary: 'ASC' },
      take: limit,
    });
  }

  /** Events starting exactly then (several may share a start). */
  eventsStartingAt(calendarId: string, startsAt: Date): Promise<CalendarEvent[]> {
    return this.events.find({ where: { calendarId, startsAt }, order: { summary: 'ASC' } });
  }

  /** The first event starting at or after `from` that the job has not fired for. */
  firstUnfiredFrom(
    calendarId: string,
    jobId: string,
    from: Date,
    strictlyAfter = false,
  ): Promise<CalendarEvent | null> {
    return this.events
      .createQueryBuilder('event')
      .leftJoin(CalendarFiring, 'firing', 'firing.event_id = event.id AND firing.job_id = :jobId', { jobId })
      .where('event.calendar_id = :calendarId', { calendarId })
      .andWhere(strictlyAfter ? 'event.starts_at > :from' : 'event.starts_at >= :from', { from })
      .andWhere('firing.job_id IS NULL')
      .orderBy('event.starts_at', 'ASC')
      .getOne();
  }

  async hasFired(jobId: string, eventId: string): Promise<boolean> {
    return (await this.firings.countBy({ jobId, eventId })) > 0;
  }

  /** Records that the job fired for the event; false when it already had (the record is the guard). */
  async markFired(firing: CalendarFiring): Promise<boolean> {
    try {
      await this.transactions.run((manager) => manager.insert(CalendarFiring, firing));
      return true;
    } catch (error) {
      const existing = await this.firings.findOneBy({ jobId: firing.jobId, eventId: firing.eventId });
      if (existing) return false;
      throw error;
    }
  }

  /** Forgets firings for events long past the sync window: they can never come back. */
  async pruneFirings(before: Date): Promise<void> {
    await this.firings.delete({ startsAt: LessThan(before) });
  }
}
