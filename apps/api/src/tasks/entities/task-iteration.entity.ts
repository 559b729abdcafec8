import { Column, Entity, PrimaryColumn } from 'typeorm';

export type IterationPhase = 'plan' | 'build';
export type IterationStatus = 'running' | 'done' | 'failed';

/**
 * One iteration of a task: stored before its run is submitted, so after a restart the task waits for
 * that run (which resumes on its own) instead of starting the iteration again.
 */
@Entity('task_iterations')
export class TaskIteration {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'task_id', type: 'varchar', length: 36 }) taskId!: string;
  /** 0 for the plan, then 1, 2, … for build iterations. */
  @Column({ type: 'integer' }) number!: number;
  @Column({ type: 'varchar', length: 10 }) phase!: IterationPhase;
  @Column({ name: 'run_id', type: 'varchar', length: 36, nullable: true }) runId!: string | null;
  @Column({ type: 'varchar', length: 20 }) status!: IterationStatus;
  @Column({ type: 'text', nullable: true }) summary!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'finished_at', type: Date, nullable: true }) finishedAt!: Date | null;
}
