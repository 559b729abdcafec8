import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from './user.entity.js';

/** What a key may do: everything a session may (but manage keys), invoke agents and read runs, or read. */
export const API_KEY_SCOPES = ['full', 'runs', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A long-lived credential for machines (n8n, Make.com, scripts). Only the SHA-256 of the key is stored. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true }) tokenHash!: string;
  /** The first characters of the key, so an operator can tell keys apart. */
  @Column({ name: 'token_hint', type: 'varchar', length: 16 }) tokenHint!: string;
  @Column({ type: 'varchar', length: 10 }) scope!: ApiKeyScope;
  /** Requests per minute; null means RATE_LIMIT_PER_MINUTE. */
  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true }) rateLimitPerMinute!: number | null;
  @Column({ name: 'user_id', type: 'varchar', length: 36 }) userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: Date, nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'last_used_at', type: Date, nullable: true }) lastUsedAt!: Date | null;
  @Column({ name: 'last_used_ip', type: 'varchar', length: 64, nullable: true }) lastUsedIp!: string | null;
}
