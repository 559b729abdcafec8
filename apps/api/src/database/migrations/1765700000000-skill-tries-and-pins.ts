import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * Skills: "Try it" runs kept as records; every revision of a custom skill's code that loaded, and the
 * revisions a run pinned when it started (so a run keeps the version it started with across a reload).
 */
export class SkillTriesAndPins1765700000000 implements MigrationInterface {
  name = 'SkillTriesAndPins1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'skill_tries',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'skill_name', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '100' },
          { name: 'input', type: t.json },
          { name: 'content', type: 'text' },
          { name: 'is_error', type: 'boolean' },
          { name: 'duration_ms', type: 'integer' },
          { name: 'tried_by', type: 'varchar', length: '100' },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['skill_name', 'created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'skill_revisions',
        columns: [
          { name: 'revision', type: 'varchar', length: '64', isPrimary: true },
          { name: 'skill_name', type: 'varchar', length: '64' },
          { name: 'version', type: 'varchar', length: '100' },
          { name: 'manifest', type: t.json },
          { name: 'handler', type: 'text' },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['skill_name'] }],
      }),
    );
    await queryRunner.addColumn('runs', new TableColumn({ name: 'tool_pins', type: t.json, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('runs', 'tool_pins');
    await queryRunner.dropTable('skill_revisions');
    await queryRunner.dropTable('skill_tries');
  }
}
