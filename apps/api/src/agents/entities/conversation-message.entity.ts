import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';
import type { ContentBlock } from '../model/model-provider.js';

/** One turn of a conversation, in the Messages API's shape, numbered within the conversation. */
@Entity('conversation_messages')
export class ConversationMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'varchar', length: 20 }) role!: 'user' | 'assistant';
  @Column({ type: 'text', transformer: jsonColumn<ContentBlock[]>([]) }) content!: ContentBlock[];
  @Column({ name: 'created_at' }) createdAt!: Date;
}
