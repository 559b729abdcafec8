import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** Scheduled jobs and their firings; a per-run cap on model calls (jobs set it). */
export class Scheduler1764400000000 implements MigrationInterface {
  name = 'Scheduler1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, nullable = false) => ({ name, type: t.id, length: '36', isNullable: nullable });
    await queryRunner.addColumn('runs', new TableColumn({ name: 'max_iterations', type: 'integer', isNullable: true }));
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_jobs',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'enabled', type: 'boolean' },
          { name: 'trigger', type: t.json },
          { name: 'action', type: t.json },
          { name: 'output', type: t.json },
          id('group_id', true),
          { name: 'missed_policy', type: 'varchar', length: '10' },
          { name: 'next_run_at', type: t.timestamp, isNullable: true },
          { name: 'last_run_at', type: t.timestamp, isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['enabled', 'next_run_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_job_runs',
        columns: [
          { ...id('id'), isPrimary: true },
          id('job_id'),
          id('run_id', true),
          { name: 'cause', type: 'varchar', length: '10' },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'scheduled_for', type: t.timestamp, isNullable: true },
          { name: 'started_at', type: t.timestamp },
          { name: 'finished_at', type: t.timestamp, isNullable: true },
          { name: 'duration_ms', type: 'integer', isNullable: true },
          { name: 'output', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'delivery', type: 'varchar', length: '10' },
          { name: 'delivery_error', type: 'text', isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['job_id'],
            referencedTableName: 'scheduler_jobs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ columnNames: ['job_id', 'started_at'] }, { columnNames: ['started_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scheduler_job_runs');
    await queryRunner.dropTable('scheduler_jobs');
    await queryRunner.dropColumn('runs', 'max_iterations');
  }
}
