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
  /**
   * For an answer: the input tokens (uncached, cache reads and writes) of the request that produced
   * it, as the API reported them: what the next request's size is counted from. Cleared when the
   * history before it is compacted.
   */
  @Column({ name: 'context_tokens', type: 'integer', nullable: true }) contextTokens?: number | null;
}
