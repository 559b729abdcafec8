import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The run a POST /api/runs with an `Idempotency-Key` started, so a retry gets the same run. */
@Entity('run_idempotency_keys')
export class RunIdempotencyKey {
  /** Whose key: `key:<API key id>` or `user:<user id>` for a session. */
  @PrimaryColumn({ type: 'varchar', length: 64 }) caller!: string;
  @PrimaryColumn({ type: 'varchar', length: 255 }) key!: string;
  @Column({ name: 'request_hash', type: 'varchar', length: 64 }) requestHash!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ name: 'created_at' }) createdAt!: Date;
}
