import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** Held tool calls awaiting (or having had) a human's decision, and the operator's approval rules. */
export class Approvals1764100000000 implements MigrationInterface {
  name = 'Approvals1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, nullable = false) => ({ name, type: t.id, length: '36', isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: 'approvals',
        columns: [
          { ...id('id'), isPrimary: true },
          id('run_id'),
          id('conversation_id'),
          id('group_id', true),
          { name: 'tool_call_id', type: 'varchar', length: '100' },
          { name: 'tool_name', type: 'varchar', length: '100' },
          { name: 'input', type: t.json },
          { name: 'origin', type: t.json },
          { name: 'risk_level', type: 'varchar', length: '10' },
          { name: 'reason', type: 'varchar', length: '200' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'timeout_action', type: 'varchar', length: '10' },
          { name: 'expires_at', type: t.timestamp },
          { name: 'created_at', type: t.timestamp },
          { name: 'decided_at', type: t.timestamp, isNullable: true },
          { name: 'decided_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'comment', type: 'text', isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ['run_id'], referencedTableName: 'runs', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
        uniques: [{ columnNames: ['tool_call_id'] }],
        indices: [
          { columnNames: ['status', 'expires_at'] },
          { columnNames: ['run_id'] },
          { columnNames: ['created_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'approval_rules',
        columns: [
          { name: 'tool_name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'risk_level', type: 'varchar', length: '10' },
          { name: 'require_approval', type: 'boolean' },
          { name: 'timeout_seconds', type: 'integer' },
          { name: 'timeout_action', type: 'varchar', length: '10' },
          { name: 'auto_approve', type: t.json },
          { name: 'updated_at', type: t.timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('approval_rules');
    await queryRunner.dropTable('approvals');
  }
}
