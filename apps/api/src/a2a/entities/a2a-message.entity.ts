import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { A2aMessageType } from '@loop-gateway/contracts';

/** A message between two agents, stored before it is delivered. */
@Entity('a2a_messages')
export class A2aMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  /** The A2A conversation: the id of the top-level agent of the tree. */
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ type: 'varchar', length: 20 }) type!: A2aMessageType;
  @Column({ name: 'from_agent_id', type: 'varchar', length: 36 }) fromAgentId!: string;
  @Column({ name: 'to_agent_id', type: 'varchar', length: 36 }) toAgentId!: string;
  @Column({ type: 'text' }) text!: string;
  /** The run that sent it (a delegation, query or broadcast: the asking run; an answer: the sub-agent's run). */
  @Column({ name: 'from_run_id', type: 'varchar', length: 36, nullable: true }) fromRunId!: string | null;
  /** The run that delivered it (the recipient's run it started); null until delivered, and for answers. */
  @Column({ name: 'run_id', type: 'varchar', length: 36, nullable: true }) runId!: string | null;
  /** The tool call that sent it: one message per call, found again when the asking run resumes. */
  @Column({ name: 'tool_call_id', type: 'varchar', length: 100, nullable: true }) toolCallId!: string | null;
  /** The delegation or query this answers (at most one answer each). */
  @Column({ name: 'reply_to', type: 'varchar', length: 36, nullable: true }) replyTo!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
}
