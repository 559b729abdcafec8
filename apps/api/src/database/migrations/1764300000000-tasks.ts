import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** Loop tasks and their iterations (one run each). */
export class Tasks1764300000000 implements MigrationInterface {
  name = 'Tasks1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, nullable = false) => ({ name, type: t.id, length: '36', isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: 'tasks',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'prompt', type: 'text' },
          { name: 'plan_prompt', type: 'text', isNullable: true },
          { name: 'plan', type: 'text', isNullable: true },
          { name: 'output', type: 'text' },
          { name: 'max_iterations', type: 'integer' },
          id('group_id', true),
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'stop_requested', type: 'boolean', default: false },
          { name: 'iterations', type: 'integer', default: 0 },
          { name: 'completion', type: 'varchar', length: '20', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'origin', type: t.json },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
          { name: 'finished_at', type: t.timestamp, isNullable: true },
        ],
        indices: [{ columnNames: ['status'] }, { columnNames: ['created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'task_iterations',
        columns: [
          { ...id('id'), isPrimary: true },
          id('task_id'),
          { name: 'number', type: 'integer' },
          { name: 'phase', type: 'varchar', length: '10' },
          id('run_id', true),
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'summary', type: 'text', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'finished_at', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['task_id'],
            referencedTableName: 'tasks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        uniques: [{ columnNames: ['task_id', 'number'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('task_iterations');
    await queryRunner.dropTable('tasks');
  }
}
