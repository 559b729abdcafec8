import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A summary the model wrote of a conversation's older part, when the conversation grew too large for
 * the model's window. It stands for every message up to `coversSeq` in what is sent to the model;
 * the messages themselves stay stored and shown.
 */
@Entity('conversation_summaries')
export class ConversationSummary {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  /** The run during which the compaction happened. */
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  /** The last message seq the summary covers. */
  @Column({ name: 'covers_seq', type: 'integer' }) coversSeq!: number;
  @Column({ type: 'text' }) text!: string;
  /** Messages this compaction summarized (an earlier summary it folded in is not counted). */
  @Column({ name: 'summarized_messages', type: 'integer' }) summarizedMessages!: number;
  /** Estimated size of the request before and after, in tokens. */
  @Column({ name: 'tokens_before', type: 'integer' }) tokensBefore!: number;
  @Column({ name: 'tokens_after', type: 'integer' }) tokensAfter!: number;
  @Column({ name: 'created_at' }) createdAt!: Date;
}
