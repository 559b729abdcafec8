import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';
import type { RiskLevel } from '../../tools/tool.js';
import type { TimeoutAction } from './approval.entity.js';

/**
 * The operator's rule for one tool, replacing the default (calls that act need approval). Calls whose
 * input matches `autoApprove` (field name → glob pattern, every field must match) run without asking.
 */
@Entity('approval_rules')
export class ApprovalRule {
  @PrimaryColumn({ name: 'tool_name', type: 'varchar', length: 100 }) toolName!: string;
  @Column({ name: 'risk_level', type: 'varchar', length: 10 }) riskLevel!: RiskLevel;
  @Column({ name: 'require_approval', type: 'boolean' }) requireApproval!: boolean;
  @Column({ name: 'timeout_seconds', type: 'integer' }) timeoutSeconds!: number;
  @Column({ name: 'timeout_action', type: 'varchar', length: 10 }) timeoutAction!: TimeoutAction;
  @Column({ name: 'auto_approve', type: 'text', transformer: jsonColumn<Record<string, string>>({}) })
  autoApprove!: Record<string, string>;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
}
