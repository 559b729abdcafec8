import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * received: stored, not answered yet (a run may be under way); dropped: not answered on purpose
 * (sender outside the whitelist, an auto-reply or bounce); answered: the reply went out; failed: the run or the sending failed.
 */
export type ChannelMessageStatus = 'received' | 'dropped' | 'answered' | 'failed';

/** An inbound message, stored before it is acknowledged to the platform or processed. */
@Entity('channel_messages')
export class ChannelMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'channel_id', type: 'varchar', length: 36 }) channelId!: string;
  /** The platform's id for the message, unique per channel (dedupe across redeliveries and restarts). */
  @Column({ name: 'external_id', type: 'varchar', length: 200 }) externalId!: string;
  @Column({ name: 'chat_id', type: 'varchar', length: 200 }) chatId!: string;
  @Column({ name: 'thread_id', type: 'varchar', length: 200, nullable: true }) threadId!: string | null;
  @Column({ type: 'varchar', length: 200 }) sender!: string;
  @Column({ name: 'sender_name', type: 'varchar', length: 200, nullable: true }) senderName!: string | null;
  @Column({ type: 'text' }) text!: string;
  /** What the adapter needs to reply (email: subject and References), opaque to everyone else. */
  @Column({ name: 'reply_context', type: 'text', nullable: true }) replyContext!: string | null;
  @Column({ type: 'varchar', length: 10 }) status!: ChannelMessageStatus;
  /** Why it was dropped or failed. */
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'run_id', type: 'varchar', length: 36, nullable: true }) runId!: string | null;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36, nullable: true }) conversationId!: string | null;
  @Column({ type: 'text', nullable: true }) reply!: string | null;
  @Column({ name: 'received_at' }) receivedAt!: Date;
  @Column({ name: 'answered_at', type: Date, nullable: true }) answeredAt!: Date | null;
}
