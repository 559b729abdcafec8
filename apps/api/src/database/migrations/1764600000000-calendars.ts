import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** iCalendar feeds for the scheduler, their expanded events, and which instances fired which job. */
export class Calendars1764600000000 implements MigrationInterface {
  name = 'Calendars1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, length = '36') => ({ name, type: t.id, length });
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_calendars',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'url', type: 'varchar', length: '2000' },
          { name: 'poll_minutes', type: 'integer' },
          { name: 'timezone', type: 'varchar', length: '64' },
          { name: 'next_sync_at', type: t.timestamp },
          { name: 'last_sync_at', type: t.timestamp, isNullable: true },
          { name: 'last_sync_status', type: 'varchar', length: '10', isNullable: true },
          { name: 'last_sync_error', type: 'text', isNullable: true },
          { name: 'event_count', type: 'integer', default: 0 },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['next_sync_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_calendar_events',
        columns: [
          { ...id('id', '64'), isPrimary: true },
          id('calendar_id'),
          { name: 'uid', type: 'text' },
          { name: 'summary', type: 'text' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'location', type: 'text', isNullable: true },
          { name: 'starts_at', type: t.timestamp },
          { name: 'ends_at', type: t.timestamp },
          { name: 'all_day', type: 'boolean' },
          { name: 'recurring', type: 'boolean' },
        ],
        foreignKeys: [
          {
            columnNames: ['calendar_id'],
            referencedTableName: 'scheduler_calendars',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ columnNames: ['calendar_id', 'starts_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_calendar_firings',
        columns: [
          { ...id('job_id'), isPrimary: true },
          { ...id('event_id', '64'), isPrimary: true },
          { name: 'starts_at', type: t.timestamp },
          { name: 'fired_at', type: t.timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['job_id'],
            referencedTableName: 'scheduler_jobs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ columnNames: ['starts_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scheduler_calendar_firings');
    await queryRunner.dropTable('scheduler_calendar_events');
    await queryRunner.dropTable('scheduler_calendars');
  }
}
