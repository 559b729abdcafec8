import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import { jsonColumn } from '../../database/json-column.js';

/**
 * `running` works iteration after iteration; `stopping` ends at the next safe point (after the
 * iteration under way); the others are where a task rests until started again.
 */
export type TaskStatus = 'running' | 'stopping' | 'stopped' | 'completed' | 'failed' | 'budget_exhausted';
/** Why a completed task ended: the agent said so, or it used its iterations. */
export type TaskCompletion = 'marker' | 'max_iterations';

@Entity('tasks')
export class Task {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  /** The build prompt every iteration reads. */
  @Column({ type: 'text' }) prompt!: string;
  /** When set, a plan iteration comes first and its plan is kept with the prompt. */
  @Column({ name: 'plan_prompt', type: 'text', nullable: true }) planPrompt!: string | null;
  @Column({ type: 'text', nullable: true }) plan!: string | null;
  /** What the build iterations produced, each adding to it. */
  @Column({ type: 'text' }) output!: string;
  @Column({ name: 'max_iterations', type: 'integer' }) maxIterations!: number;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ type: 'varchar', length: 20 }) status!: TaskStatus;
  @Column({ name: 'stop_requested', type: 'boolean', default: false }) stopRequested!: boolean;
  /** Build iterations finished. */
  @Column({ type: 'integer', default: 0 }) iterations!: number;
  @Column({ type: 'varchar', length: 20, nullable: true }) completion!: TaskCompletion | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  /** Who created it (API, webhook, scheduler); iterations run with origin `task`. */
  @Column({ type: 'text', transformer: jsonColumn<RunOrigin>({ kind: 'api' }) }) origin!: RunOrigin;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
  @Column({ name: 'finished_at', type: Date, nullable: true }) finishedAt!: Date | null;
}
