import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** Agent groups and which channel each group serves. */
export class AgentGroups1763800000000 implements MigrationInterface {
  name = 'AgentGroups1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'agent_groups',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100', isUnique: true },
          { name: 'system_prompt', type: 'text', isNullable: true },
          { name: 'model', type: 'varchar', length: '100', isNullable: true },
          { name: 'api_key_sealed', type: 'text', isNullable: true },
          { name: 'skills', type: t.json },
          { name: 'channel_styles', type: t.json },
          { name: 'budget_max_tokens_day', type: 'integer', isNullable: true },
          { name: 'budget_max_tokens_month', type: 'integer', isNullable: true },
          { name: 'is_default', type: 'boolean', default: false },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'agent_group_channels',
        columns: [
          { name: 'channel_id', type: t.id, length: '36', isPrimary: true },
          { name: 'group_id', type: t.id, length: '36' },
          { name: 'assigned_at', type: t.timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['group_id'],
            referencedTableName: 'agent_groups',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ columnNames: ['group_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('agent_group_channels');
    await queryRunner.dropTable('agent_groups');
  }
}
