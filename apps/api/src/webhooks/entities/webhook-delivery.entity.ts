import { Column, Entity, PrimaryColumn } from 'typeorm';

/** pending: waiting for its next attempt; sending: an attempt is under way; the rest are final. */
export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled';

/** One event queued for one webhook: the exact body that is signed and sent on every attempt. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  /** Also the `webhook-id` header, the same on every attempt so receivers can deduplicate. */
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'webhook_id', type: 'varchar', length: 36 }) webhookId!: string;
  @Column({ type: 'varchar', length: 50 }) event!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'varchar', length: 20 }) status!: DeliveryStatus;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column({ name: 'last_status_code', type: 'integer', nullable: true }) lastStatusCode!: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
  /** The delivery this one sends again (an operator's redelivery); null: sent for an event. */
  @Column({ name: 'redelivery_of', type: 'varchar', length: 36, nullable: true }) redeliveryOf?: string | null;
  /** Who asked for the redelivery. */
  @Column({ name: 'redelivered_by', type: 'varchar', length: 100, nullable: true }) redeliveredBy?: string | null;
}
