import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An agent of the bus: one conversation worked on by runs. A top-level agent (depth 0, no role) is the
 * conversation of a run that delegated; a sub-agent has its own conversation, a role, a parent and a
 * depth. Its status is not stored: it follows from its current run (see AgentRecordsRepository).
 */
@Entity('agents')
export class AgentRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  /** null: a top-level agent, working under its group's own settings. */
  @Column({ type: 'varchar', length: 64, nullable: true }) role!: string | null;
  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true }) parentId!: string | null;
  /** The top-level agent of its tree; its id is the tree's A2A conversation id. */
  @Column({ name: 'root_id', type: 'varchar', length: 36 }) rootId!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ type: 'integer' }) depth!: number;
  /** The run that last handed this agent work (a delegation or query); null for a top-level agent. */
  @Column({ name: 'parent_run_id', type: 'varchar', length: 36, nullable: true }) parentRunId!: string | null;
  @Column({ name: 'current_run_id', type: 'varchar', length: 36, nullable: true }) currentRunId!: string | null;
  @Column({ name: 'created_at' }) createdAt!: Date;
}
