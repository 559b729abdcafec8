import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

/**
 * `awaiting_approval`: held by the approval gate, not run yet. `waiting`: it ran and waits for what it
 * started (a delegation): asked again when its run resumes, it answers from what it stored.
 */
export type ToolCallStatus = 'awaiting_approval' | 'running' | 'waiting' | 'done';

/**
 * A tool call, keyed by the model's tool_use id. Written as `running` before the tool runs, so after a
 * crash a call that may have run is reported as interrupted instead of being run a second time.
 */
@Entity('tool_calls')
export class ToolCallRecord {
  @PrimaryColumn({ type: 'varchar', length: 100 }) id!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'text', transformer: jsonColumn<unknown>(null) }) input!: unknown;
  @Column({ type: 'varchar', length: 20 }) status!: ToolCallStatus;
  @Column({ type: 'text', nullable: true }) output!: string | null;
  @Column({ name: 'is_error', type: 'boolean', default: false }) isError!: boolean;
  /** The version of the tool that ran (custom skills); null for built-in tools and calls not run. */
  @Column({ name: 'tool_version', type: 'varchar', length: 100, nullable: true }) toolVersion!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'started_at', type: Date, nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: Date, nullable: true }) finishedAt!: Date | null;
}
