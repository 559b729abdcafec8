import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

export const WEBHOOK_PLATFORMS = ['n8n', 'make', 'generic'] as const;
export type WebhookPlatform = (typeof WEBHOOK_PLATFORMS)[number];

/**
 * One webhook: an inbound token (stored as its SHA-256 only) that lets an automation platform start
 * runs, and optionally an outbound target that receives the subscribed events, signed with the
 * webhook's secret (sealed with SecretBox).
 */
@Entity('webhooks')
export class Webhook {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 20 }) platform!: WebhookPlatform;
  /** Catalog event names, or `*` for every event except the `agent:run:text` stream. */
  @Column({ type: 'text', transformer: jsonColumn<string[]>([]) }) events!: string[];
  @Column({ name: 'target_url', type: 'varchar', length: 2000, nullable: true }) targetUrl!: string | null;
  @Column({ name: 'token_hash', type: 'varchar', length: 64 }) tokenHash!: string;
  /** The first characters of the token, so an operator can tell tokens apart. */
  @Column({ name: 'token_hint', type: 'varchar', length: 16 }) tokenHint!: string;
  @Column({ name: 'secret_sealed', type: 'text' }) secretSealed!: string;
  @Column({ type: 'boolean' }) enabled!: boolean;
  /** Why the gateway disabled it (a receiver answered 410); null when enabled or disabled by hand. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 300, nullable: true }) disabledReason!: string | null;
  @Column({ name: 'rate_limit_per_minute', type: 'integer' }) rateLimitPerMinute!: number;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
  @Column({ name: 'last_used_at', type: Date, nullable: true }) lastUsedAt!: Date | null;
}
