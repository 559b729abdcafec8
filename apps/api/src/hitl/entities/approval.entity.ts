import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import { jsonColumn } from '../../database/json-column.js';
import type { RiskLevel } from '../../tools/tool.js';

/** `withdrawn`: its run was cancelled while the call waited for a decision. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'timed_out' | 'withdrawn';
export type TimeoutAction = 'reject' | 'approve';

/** A tool call held for a human's decision, with what led to it and who decided when. */
@Entity('approvals')
export class Approval {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'run_id', type: 'varchar', length: 36 }) runId!: string;
  @Column({ name: 'conversation_id', type: 'varchar', length: 36 }) conversationId!: string;
  @Column({ name: 'group_id', type: 'varchar', length: 36, nullable: true }) groupId!: string | null;
  @Column({ name: 'tool_call_id', type: 'varchar', length: 100 }) toolCallId!: string;
  @Column({ name: 'tool_name', type: 'varchar', length: 100 }) toolName!: string;
  @Column({ type: 'text', transformer: jsonColumn<unknown>(null) }) input!: unknown;
  @Column({ type: 'text', transformer: jsonColumn<RunOrigin>({ kind: 'api' }) }) origin!: RunOrigin;
  @Column({ name: 'risk_level', type: 'varchar', length: 10 }) riskLevel!: RiskLevel;
  /** The tool's revision when the call was held (custom skills): the approval is for that code only. */
  @Column({ name: 'tool_revision', type: 'varchar', length: 100, nullable: true }) toolRevision!: string | null;
  /** Why the call was held (the default for acting calls, or the operator's rule). */
  @Column({ type: 'varchar', length: 200 }) reason!: string;
  @Column({ type: 'varchar', length: 20 }) status!: ApprovalStatus;
  @Column({ name: 'timeout_action', type: 'varchar', length: 10 }) timeoutAction!: TimeoutAction;
  @Column({ name: 'expires_at' }) expiresAt!: Date;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @Column({ name: 'decided_at', type: Date, nullable: true }) decidedAt!: Date | null;
  /** The username of who decided; null when the timeout did. */
  @Column({ name: 'decided_by', type: 'varchar', length: 100, nullable: true }) decidedBy!: string | null;
  /** The channel a decision made from a chat came through; null for the console, the API and timeouts. */
  @Column({ name: 'decided_channel_id', type: 'varchar', length: 36, nullable: true }) decidedChannelId!: string | null;
  @Column({ type: 'text', nullable: true }) comment!: string | null;
}
