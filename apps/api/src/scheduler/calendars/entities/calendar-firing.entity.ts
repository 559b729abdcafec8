import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event instance a calendar-triggered job has fired for: each instance fires a job once. */
@Entity('scheduler_calendar_firings')
export class CalendarFiring {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 36 }) jobId!: string;
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 64 }) eventId!: string;
  @Column({ name: 'starts_at', type: Date }) startsAt!: Date;
  @Column({ name: 'fired_at', type: Date }) firedAt!: Date;
}
