import type { ChannelState, ChannelType } from '@loop-gateway/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

/**
 * A channel: its adapter type, credentials (the whole config sealed with SecretBox, never returned),
 * sender whitelist and last known state. Its agent group is the agent_group_channels row.
 */
@Entity('channels')
export class Channel {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 20 }) type!: ChannelType;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ name: 'config_sealed', type: 'text' }) configSealed!: string;
  /** Platform sender ids allowed to talk to the agent; empty = everyone. */
  @Column({ name: 'allowed_senders', type: 'text', transformer: jsonColumn<string[]>([]) }) allowedSenders!: string[];
  /** Sender ids on this channel who may decide held tool calls from the chat (`/approve`, `/reject`). */
  @Column({ type: 'text', transformer: jsonColumn<string[]>([]) }) approvers!: string[];
  /** The approvers hear of every held call, not only those of runs started from this channel. */
  @Column({ name: 'approvals_chat', type: 'boolean' }) approvalsChat!: boolean;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @Column({ type: 'varchar', length: 20 }) state!: ChannelState;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
}
