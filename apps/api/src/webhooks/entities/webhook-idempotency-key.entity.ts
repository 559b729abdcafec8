import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The run an inbound invocation with an `Idempotency-Key` started, so a retry gets the same run. */
@Entity('webhook_idempotency_keys')
export class WebhookIdempotencyKey {
  @PrimaryColumn({ name: 'webhook_id', type: 'varchar', length: 36 }) webhookId!: string;
  @PrimaryColumn({ type: 'varchar', length: 255 }) key!: string;
  /** SHA-256 of the request that used the key first; a different request with the same key is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 }) requestHash!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ name: 'created_at' }) createdAt!: Date;
}
