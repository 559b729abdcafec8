import { Column, Entity, PrimaryColumn } from 'typeorm';

export type CalendarSyncStatus = 'ok' | 'error';

/** An iCalendar feed polled over HTTP; its events are stored as scheduler_calendar_events. */
@Entity('scheduler_calendars')
export class Calendar {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  /** The feed URL without its password (a user name stays). */
  @Column({ type: 'varchar', length: 2000 }) url!: string;
  /** The URL's password, sealed with the SecretBox; null when the feed has none. */
  @Column({ name: 'password_sealed', type: 'text', nullable: true }) passwordSealed!: string | null;
  @Column({ name: 'poll_minutes', type: 'integer' }) pollMinutes!: number;
  /** The IANA zone events are shown in, and floating times and all-day dates are read in. */
  @Column({ type: 'varchar', length: 64 }) timezone!: string;
  @Column({ name: 'next_sync_at', type: Date }) nextSyncAt!: Date;
  @Column({ name: 'last_sync_at', type: Date, nullable: true }) lastSyncAt!: Date | null;
  @Column({ name: 'last_sync_status', type: 'varchar', length: 10, nullable: true })
  lastSyncStatus!: CalendarSyncStatus | null;
  @Column({ name: 'last_sync_error', type: 'text', nullable: true }) lastSyncError!: string | null;
  @Column({ name: 'event_count', type: 'integer' }) eventCount!: number;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
}
