import { Column, Entity, PrimaryColumn } from 'typeorm';

export type JobRunCause = 'schedule' | 'manual' | 'missed';
export type JobRunStatus = 'running' | 'success' | 'error' | 'skipped';
/**
 * queued: handed to the outbound webhook queue and not settled yet; delivered / failed follow that
 * delivery once it settles (read through `deliveryId`).
 */
export type DeliveryStatus = 'none' | 'delivered' | 'queued' | 'failed';

/** One firing of a job: its run, what it produced, where that went, and how long it took. */
@Entity('scheduler_job_runs')
export class JobRun {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'job_id', type: 'varchar', length: 36 }) jobId!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36, nullable: true }) runId!: string | null;
  @Column({ type: 'varchar', length: 10 }) cause!: JobRunCause;
  @Column({ type: 'varchar', length: 10 }) status!: JobRunStatus;
  @Column({ name: 'scheduled_for', type: Date, nullable: true }) scheduledFor!: Date | null;
  @Column({ name: 'started_at' }) startedAt!: Date;
  @Column({ name: 'finished_at', type: Date, nullable: true }) finishedAt!: Date | null;
  @Column({ name: 'duration_ms', type: 'integer', nullable: true }) durationMs!: number | null;
  @Column({ type: 'text', nullable: true }) output!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'varchar', length: 10 }) delivery!: DeliveryStatus;
  @Column({ name: 'delivery_error', type: 'text', nullable: true }) deliveryError!: string | null;
  /** The outbound webhook delivery carrying the result (webhook outputs only). */
  @Column({ name: 'delivery_id', type: 'varchar', length: 36, nullable: true }) deliveryId!: string | null;
}
