import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

export type JobTrigger =
  | { type: 'cron'; cron: string; timezone: string }
  | { type: 'once'; at: string }
  | { type: 'interval'; everySeconds: number }
  /** Fires `minutesBefore` each event instance of the calendar starts (see calendars/calendar-triggers.ts). */
  | { type: 'calendar'; calendarId: string; minutesBefore: number };
/** The calendar's events from the start of today (its time zone) for `days` days, put before the prompt. */
export interface JobCalendarContext {
  calendarId: string;
  days: number;
}
export interface JobAction {
  type: 'agent';
  prompt: string;
  maxIterations: number;
  calendarContext?: JobCalendarContext;
}
export type JobOutput = { type: 'none' } | { type: 'channel'; channelId: string } | { type: 'webhook'; url: string };
/** What to do about firings missed while the gateway was down: record them as skipped, or run once. */
export type MissedPolicy = 'skip' | 'run_once';

@Entity('scheduler_jobs')
export class ScheduledJob {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @Column({ type: 'text', transformer: jsonColumn<JobTrigger | null>(null) }) trigger!: JobTrigger;
  @Column({ type: 'text', transformer: jsonColumn<JobAction | null>(null) }) action!: JobAction;
  @Column({ type: 'text', transformer: jsonColumn<JobOutput>({ type: 'none' }) }) output!: JobOutput;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ name: 'missed_policy', type: 'varchar', length: 10 }) missedPolicy!: MissedPolicy;
  /** The next firing; null when there is none (a one-off that fired, or a disabled job). */
  @Column({ name: 'next_run_at', type: Date, nullable: true }) nextRunAt!: Date | null;
  @Column({ name: 'last_run_at', type: Date, nullable: true }) lastRunAt!: Date | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
}
