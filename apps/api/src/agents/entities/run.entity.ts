import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import { jsonColumn, nullableJsonColumn } from '../../database/json-column.js';
import type { RunContinuation } from '../run-continuation.js';
import type { RunWait } from '../run-wait.js';

/**
 * `waiting`: paused until what `waitingFor` names is done (a human's decision on a held tool call); it
 * holds no queue slot. `cancelled`: an operator ended it (POST /api/runs/:id/cancel).
 */
export type RunStatus = 'queued' | 'running' | 'waiting' | 'completed' | 'failed' | 'refused' | 'cancelled';
export const RUN_STATUSES: RunStatus[] = [
  'queued',
  'running',
  'waiting',
  'completed',
  'failed',
  'refused',
  'cancelled',
];
/** The statuses a run has not ended in: it can still change, and can be cancelled. */
export const UNFINISHED_STATUSES: RunStatus[] = ['queued', 'running', 'waiting'];
export const FINISHED_STATUSES: RunStatus[] = ['completed', 'failed', 'refused', 'cancelled'];

/** pending: to be carried out once the run ends; dispatching: claimed; dispatched: done. */
export type ContinuationState = 'pending' | 'dispatching' | 'dispatched';

/** One agent run: stored as a request before any work starts, updated as it goes. */
@Entity('runs')
export class Run {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ type: 'varchar', length: 20 }) status!: RunStatus;
  @Column({ type: 'text', transformer: jsonColumn<RunOrigin>({ kind: 'api' }) }) origin!: RunOrigin;
  @Column({ type: 'text' }) input!: string;
  @Column({ type: 'text', nullable: true }) reply!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) model!: string | null;
  @Column({ type: 'integer', default: 0 }) iterations!: number;
  /** This run's own cap on model calls (within RUN_MAX_ITERATIONS); null: the global cap. */
  @Column({ name: 'max_iterations', type: 'integer', nullable: true }) maxIterations!: number | null;
  @Column({ name: 'input_tokens', type: 'integer', default: 0 }) inputTokens!: number;
  @Column({ name: 'output_tokens', type: 'integer', default: 0 }) outputTokens!: number;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'started_at', type: Date, nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: Date, nullable: true }) finishedAt!: Date | null;
  @Column({ name: 'duration_ms', type: 'integer', nullable: true }) durationMs!: number | null;
  /** While `waiting`: what the run waits for. */
  @Column({ name: 'waiting_for', type: 'text', nullable: true, transformer: nullableJsonColumn<RunWait>() })
  waitingFor!: RunWait | null;
  /** What must happen when the run ends (reply on its channel, route a job's output, …); null: nothing. */
  @Column({ type: 'text', nullable: true, transformer: nullableJsonColumn<RunContinuation>() })
  continuation!: RunContinuation | null;
  @Column({ name: 'continuation_state', type: 'varchar', length: 20, nullable: true })
  continuationState!: ContinuationState | null;
  /**
   * The revision of each versioned tool (custom skill) when the run started: the run keeps calling that
   * code after a hot reload. Null for runs not started yet (or started before pins existed).
   */
  @Column({
    name: 'tool_pins',
    type: 'text',
    nullable: true,
    transformer: nullableJsonColumn<Record<string, string>>(),
  })
  toolPins!: Record<string, string> | null;
  /** Its agent calls ran in a container (AGENT_CONTAINER_MODE). */
  @Column({ type: 'boolean', default: false }) isolated!: boolean;
  /** How its last container ended ("exit code 0", "killed after CONTAINER_TIMEOUT_MS …"); null: none ended. */
  @Column({ name: 'container_exit', type: 'text', nullable: true }) containerExit!: string | null;
  /** `originKey(origin)`, kept as a column for the runs list's filter (set when the run is stored). */
  @Column({ name: 'origin_key', type: 'varchar', length: 20, nullable: true }) originKey?: string | null;
  /** `origin.channelId`, kept as a column for the runs list's filter (set when the run is stored). */
  @Column({ name: 'channel_id', type: 'varchar', length: 36, nullable: true }) channelId?: string | null;
  /** The run this one retries (POST /api/runs/:id/retry); null: not a retry. */
  @Column({ name: 'retry_of', type: 'varchar', length: 36, nullable: true }) retryOf?: string | null;
}
