import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import { jsonColumn } from '../../database/json-column.js';

/** A thread of runs whose history the model sees (a chat, an e-mail thread, an API conversation). */
@Entity('conversations')
export class Conversation {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ type: 'text', transformer: jsonColumn<RunOrigin>({ kind: 'api' }) }) origin!: RunOrigin;
  /**
   * What first put untrusted content into this conversation's context (a channel message, a tool's
   * outside data, calendar text); null while there is none. Kept here, not read from the history, so
   * it outlives compaction and later runs of the conversation (the exfiltration guard reads it).
   */
  @Column({ name: 'untrusted_source', type: 'varchar', length: 200, nullable: true }) untrustedSource!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
  /** Closed (`/new`, or from the console): the chat it belongs to starts a fresh conversation with its next message. */
  @Column({ name: 'closed_at', type: Date, nullable: true }) closedAt?: Date | null;
  /** `originKey(origin)` and `origin.channelId`, kept as columns for the list's filters (set when stored). */
  @Column({ name: 'origin_key', type: 'varchar', length: 20, nullable: true }) originKey?: string | null;
  @Column({ name: 'channel_id', type: 'varchar', length: 36, nullable: true }) channelId?: string | null;
}
