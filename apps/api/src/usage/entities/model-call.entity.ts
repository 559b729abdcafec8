import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One model call: what it cost in tokens, for usage, cost and budgets. */
@Entity('model_calls')
export class ModelCall {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ name: 'channel_type', type: 'varchar', length: 20, nullable: true }) channelType!: string | null;
  @Column({ type: 'varchar', length: 100 }) model!: string;
  @Column({ type: 'varchar', length: 20 }) status!: 'ok' | 'error';
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'input_tokens', type: 'integer' }) inputTokens!: number;
  @Column({ name: 'output_tokens', type: 'integer' }) outputTokens!: number;
  @Column({ name: 'cache_creation_tokens', type: 'integer' }) cacheCreationTokens!: number;
  @Column({ name: 'cache_read_tokens', type: 'integer' }) cacheReadTokens!: number;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
  @Column({ name: 'created_at' }) createdAt!: Date;
}
