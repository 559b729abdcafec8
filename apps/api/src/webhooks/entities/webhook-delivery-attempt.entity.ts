import { Column, Entity, PrimaryColumn } from 'typeorm';
import { nullableJsonColumn } from '../../database/json-column.js';

/** One HTTP attempt of a delivery: what the receiver answered (or what went wrong) and how long it took. */
@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttempt {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'delivery_id', type: 'varchar', length: 36 }) deliveryId!: string;
  @Column({ name: 'webhook_id', type: 'varchar', length: 36 }) webhookId!: string;
  @Column({ type: 'integer' }) attempt!: number;
  @Column({ name: 'status_code', type: 'integer', nullable: true }) statusCode!: number | null;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
  @Column({ name: 'response_excerpt', type: 'text', nullable: true }) responseExcerpt!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  /** The request headers this attempt sent, the signature left out; null for attempts logged before they were kept. */
  @Column({
    name: 'request_headers',
    type: 'text',
    nullable: true,
    transformer: nullableJsonColumn<Record<string, string>>(),
  })
  requestHeaders?: Record<string, string> | null;
}
