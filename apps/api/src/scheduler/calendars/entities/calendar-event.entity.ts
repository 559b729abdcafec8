import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One occurrence of an event in a calendar's sync window (a recurring event has one per instance). */
@Entity('scheduler_calendar_events')
export class CalendarEvent {
  /** A hash of the calendar, the UID and the instance's original start: the same across syncs. */
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  @Column({ name: 'calendar_id', type: 'varchar', length: 36 }) calendarId!: string;
  @Column({ type: 'text' }) uid!: string;
  @Column({ type: 'text' }) summary!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text', nullable: true }) location!: string | null;
  @Column({ name: 'starts_at', type: Date }) startsAt!: Date;
  @Column({ name: 'ends_at', type: Date }) endsAt!: Date;
  @Column({ name: 'all_day', type: 'boolean' }) allDay!: boolean;
  @Column({ type: 'boolean' }) recurring!: boolean;
}
